"""`unknot show ID --svg FILE` and `unknot catalog gallery --out DIR`."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.catalog.samples import VALID, write
from unknot.catalog.loader import SHIPPED_DIR, exercise_files, load_exercises
from unknot.cli import app

runner = CliRunner()


def test_show_writes_the_animated_figure(tmp_path: Path) -> None:
    target = tmp_path / "roll.svg"
    result = runner.invoke(app, ["show", "neck-roll", "--svg", str(target)])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(target.read_text(encoding="utf-8"))
    assert root.attrib["data-duration"] == "16"  # 8 s each way, both directions
    assert "@keyframes" in target.read_text(encoding="utf-8")


def test_show_writes_the_strip_or_prints_to_stdout(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "childs-pose", "--svg", "-", "--strip"])
    assert result.exit_code == 0
    assert result.output.startswith("<svg")
    assert "Hips back to heels, hold 15 s" in result.output
    assert "@keyframes" not in result.output


def test_show_svg_rejects_bad_input_with_exit_2(tmp_path: Path, own_exercises: Path) -> None:
    result = runner.invoke(app, ["show", "neck-rol", "--svg", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert "did you mean neck-roll" in result.output
    assert not (tmp_path / "x.svg").exists()

    result = runner.invoke(app, ["show", "neck-roll", "--strip"])
    assert result.exit_code == 2
    assert "--strip goes with --svg FILE" in result.output

    write(own_exercises, "towel-nod", VALID)
    result = runner.invoke(app, ["show", "towel-nod", "--svg", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert "'towel-nod' has no figure yet; add a `figure:`" in result.output

    result = runner.invoke(app, ["show", "neck-roll", "--svg", str(tmp_path / "no" / "x.svg")])
    assert result.exit_code == 2
    assert "cannot write" in result.output


def test_the_gallery_has_every_version_figure_strip_and_png(
    tmp_path: Path, own_exercises: Path
) -> None:
    """One card, figure, strip and PNG per version drawn (issue 18): `ID.svg` for the first,
    `ID.N.svg` for version N, each named with its version's label."""
    write(own_exercises, "towel-nod", VALID)
    out = tmp_path / "gallery"
    result = runner.invoke(app, ["catalog", "gallery", "--out", str(out)])
    assert result.exit_code == 0, result.output
    shipped = load_exercises(None, None)
    ids = sorted(p.stem for p in exercise_files(SHIPPED_DIR))
    files = sorted(
        (e.id if v == 0 else f"{e.id}.{v}", e, v)
        for e in shipped.values()
        for v in e.versions_drawn
    )
    assert len(files) > len(ids)  # some exercises have more than one version drawn
    for exercise in shipped.values():  # and every shipped version is
        assert exercise.versions_drawn == tuple(range(len(exercise.alternatives))), exercise.id
    assert "left out towel-nod: it has no figure yet" in result.output
    assert (
        f"{len(files)} figures of {len(ids)} exercises (one per version), "
        f"{3 * len(files) + 1} files"
    ) in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    for name, exercise, version in files:
        assert f'src="{name}.svg"' in index
        assert f'srcset="{name}-strip.svg"' in index
        assert f'href="{name}-strip.png"' in index
        assert (out / f"{name}-strip.png").read_bytes()[:4] == b"\x89PNG"
        ET.fromstring((out / f"{name}.svg").read_text(encoding="utf-8"))
        label = exercise.alternatives[version].label
        title = html.escape(exercise.name + (f" ({label})" if label else ""))
        assert f'<li class="card" id="{name}"><h2>{title}</h2>' in index
    assert len(re.findall(r'<li class="card"', index)) == len(files)
    assert f"{len(files)} figures of {len(ids)} exercises" in index
    assert not list(out.glob("*-sheet.png")), "contact sheets only when asked for"
    assert "Thoracic extension (on a chair)" in index
    assert not list(out.glob(".*tmp"))
    assert not list(out.glob("*.0.svg"))


def test_the_gallery_needs_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "taken"
    file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["catalog", "gallery", "--out", str(file)])
    assert result.exit_code == 2
    assert "is a file; give a folder" in result.output
    assert file.read_text(encoding="utf-8") == "x"


def test_the_gallery_writes_contact_sheets_when_asked(
    tmp_path: Path, own_exercises: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One image per exercise with every version's strip and its loop at eight moments; the
    shipped catalog's 37 sheets take seconds, so this uses a catalog of two."""
    import unknot.catalog.loader as loader

    shipped = own_exercises.parent / "shipped"
    shipped.mkdir()
    for name in ("chin-tuck", "deep-neck-flexor-endurance"):
        text = (loader.SHIPPED_DIR / f"{name}.yaml").read_text(encoding="utf-8")
        (shipped / f"{name}.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(loader, "SHIPPED_DIR", shipped)
    out = tmp_path / "gallery"
    result = runner.invoke(app, ["catalog", "gallery", "--out", str(out), "--sheets"])
    assert result.exit_code == 0, result.output
    sheet = (out / "chin-tuck-sheet.png").read_bytes()
    assert sheet[:4] == b"\x89PNG"
    assert (out / "chin-tuck.1-strip.png").exists(), "the seated version is there too"
