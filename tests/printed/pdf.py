"""Reading printed PDFs back: their text per page, where an element landed, and ink on a page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from tests.conftest import require


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (lines wrap differently on A4 and Letter)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def anchors(pdf: bytes) -> dict[str, tuple[int, float, float]]:
    """Elements with an id, as WeasyPrint names them: page index and top-left (points, from
    the page's bottom-left corner)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination)
        assert page is not None, name
        found[str(name)] = (page, float(destination.left or 0), float(destination.top or 0))
    return found


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)


def rasterise(pdf: bytes, folder: Path, dpi: int = 36) -> list[Image.Image]:
    """Every page as a grey image, by poppler's pdftoppm (not the library that wrote it)."""
    pdftoppm = require("pdftoppm", "rasterises the printed PDFs")
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", str(dpi), "-gray", "-png", str(source), str(folder / "page")],
        check=True,
        timeout=120,
    )
    return [Image.open(p).convert("L") for p in sorted(folder.glob("page-*.png"))]


def ink(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """The share of pixels darker than mid-grey, in `box` (pixels) or the whole page."""
    region = image if box is None else image.crop(box)
    histogram = region.histogram()
    total = sum(histogram)
    return sum(histogram[:128]) / total if total else 0.0
