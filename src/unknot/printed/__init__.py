"""Paper (issue 19): the handout and the progress report laid out by Jinja2 templates and
rendered to PDF by WeasyPrint.

WeasyPrint runs no CSS animation, so figures print as their still key-pose strips. It fetches
nothing: every image is inlined as a `data:` URL and every other scheme is refused, so a
document never reaches out to a network or reads a file (health data stays on paper).
Rendering takes a second or more; the web app calls this from its worker threads, never on its
event loop.
"""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

    from unknot.services.printouts import ClinicReport, Handout

TEMPLATES = Path(__file__).parent / "templates"
# WeasyPrint holds a lot of memory per document; two at a time bound it on a small server.
RENDERING = threading.BoundedSemaphore(2)
PAGE_SIZES = {"a4": "A4", "letter": "letter"}

_environment: jinja2.Environment | None = None


def data_url(svg: str) -> str:
    """An SVG document as a `data:` URL for an `<img>` (WeasyPrint draws it as vectors)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def environment() -> jinja2.Environment:
    global _environment
    if _environment is None:
        import jinja2

        from unknot.domain.progress import score_words
        from unknot.services.wording import day_text, local_time, weekday_text, words

        made = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        made.globals.update(
            data_url=data_url,
            day_text=day_text,
            weekday_text=weekday_text,
            local_time=local_time,
            words=words,
            score=score_words,
        )
        _environment = made
    return _environment


def render_pdf(template: str, paper: str, **values: Any) -> bytes:
    """One template as PDF on `paper` ("a4" or "letter")."""
    import weasyprint

    html = environment().get_template(template).render(page_size=PAGE_SIZES[paper], **values)
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=["data"])
    with RENDERING:
        document = weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
        pdf = document.write_pdf()
    # No target given: WeasyPrint returns the document's bytes.
    return bytes(pdf)


def render_handout(handout: Handout) -> bytes:
    return render_pdf("handout.html", handout.paper, h=handout)


def render_report(report: ClinicReport) -> bytes:
    from unknot.services.printouts import VERDICT_RULE

    return render_pdf("report.html", report.paper, r=report, verdict_rule=VERDICT_RULE)
