"""Both PDFs downloaded from the web app's pages (issue 19), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.printed.pdf import pages_text
from tests.web.forms import local_client
from unknot.services.actor import Actor
from unknot.web.app import create_app


def test_today_exercise_and_progress_pages_offer_the_pdfs_and_they_download(
    person: Actor,
) -> None:
    with local_client(create_app(person.app)) as client:
        today = client.get("/today").text
        assert 'href="/handout.pdf"' in today
        assert 'href="/handout.pdf?paper=letter"' in today
        exercise = client.get("/exercises/chin-tuck").text
        assert 'href="/exercises/chin-tuck/handout.pdf"' in exercise
        assert 'action="/report.pdf"' in client.get("/progress").text

        handout = client.get("/handout.pdf")
        assert handout.status_code == 200
        assert handout.headers["content-type"] == "application/pdf"
        assert handout.headers["content-disposition"] == (
            'attachment; filename="unknot-programme.pdf"'
        )
        assert handout.headers["cache-control"] == "no-store"
        plan = person.today_plan()
        text = " ".join(pages_text(handout.content))
        assert all(item.name in text for item in plan.items)

        one = client.get("/exercises/chin-tuck/handout.pdf?paper=letter")
        assert one.status_code == 200
        assert "Chin tuck" in " ".join(pages_text(one.content))

        report = client.get("/report.pdf", params={"for": "Sam <b>Jones</b>", "weeks": "4"})
        assert report.status_code == 200
        assert "For: Sam <b>Jones</b>" in " ".join(pages_text(report.content))

        for bad in ("/handout.pdf?paper=a5", "/report.pdf?weeks=0", "/report.pdf?weeks=x"):
            answer = client.get(bad)
            assert answer.status_code == 400, bad
            assert answer.headers["content-type"].startswith("text/html")
            assert re.search(r"paper: choose a4 or letter|weeks: a whole number", answer.text)
        unknown = client.get("/exercises/chin-tuk/handout.pdf")
        assert unknown.status_code == 404
        assert "did you mean" in unknown.text


def test_while_the_screening_holds_sessions_the_handout_says_why(person: Actor) -> None:
    from tests.answers import answers_for

    person.submit_screening(answers_for("chest_pain"))
    with local_client(create_app(person.app)) as client:
        answer = client.get("/handout.pdf")
    assert answer.status_code == 409
    assert "Nothing to print yet" in answer.text
    assert "999" in answer.text
