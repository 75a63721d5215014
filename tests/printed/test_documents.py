"""The programme handout and the progress report (issue 19), read back from the PDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.printed.pdf import anchors, ink, page_size, pages_text, rasterise
from unknot.cli import app
from unknot.domain.screening import QUESTIONS
from unknot.services.actor import Actor
from unknot.services.wording import VERDICT_WORDS, planned_dose

runner = CliRunner()
A4 = (595.3, 841.9)
LETTER = (612.0, 792.0)


def test_the_handout_prints_every_planned_exercise_with_its_dose_figure_and_the_warning_signs(
    person: Actor, tmp_path: Path
) -> None:
    plan = person.today_plan()
    pdf = person.handout_pdf("a4")
    assert page_size(pdf) == pytest.approx(A4, abs=0.5)
    pages = pages_text(pdf)
    places = anchors(pdf)
    images = rasterise(pdf, tmp_path)
    assert len(images) == len(pages)
    everything = " ".join(pages)
    for item in plan.items:
        page, _left, _top = places[f"exercise-{item.exercise_id}"]
        # Its name and its planned dose on its own page, and its figure on the same page.
        assert item.name in pages[page]
        assert planned_dose(item) in pages[page]
        figure_page, left, top = places[f"figure-{item.exercise_id}"]
        assert figure_page == page
        width, height = page_size(pdf)
        scale = images[page].width / width
        # The strip is 46 mm (130 pt) tall: drawn, it darkens a good part of that band.
        box = (
            int(left * scale),
            int((height - top) * scale),
            int((width - left) * scale),
            int((height - top + 130) * scale),
        )
        assert ink(images[page], box) > 0.02, f"{item.exercise_id}: its figure left no ink"
    for question in QUESTIONS:
        if question.tier == "clear":
            continue  # answered yes, it only shapes the plan: not a sign to get care
        assert " ".join(question.finding.split())[1:] in everything
    assert "Call 999 now" in everything
    assert "Emergency: call 999" in pages[0]
    # Worsening pain: the cover leads with the advice to see a clinician, as Today does.
    advice = person.current_advice()
    assert advice
    assert "See a clinician about your pain" in pages[0]
    for given in advice:
        assert " ".join(given.message.split())[:60] in " ".join(pages[0].split())
    assert (
        "For chest pain or pressure, or a drooping face, weak arm or slurred speech, call 999"
        in (" ".join(pages[0].split()))
    )
    # The log sheet: one row per planned session of the next 3 weeks.
    log = " ".join(pages[places["log"][0]].split())
    assert "Pain before" in log
    assert "Pain after" in log
    assert "Worst during" in log
    assert "Next morning" in log
    assert "Stopped" in log
    assert "How your doses grow" in everything
    for image in images:
        assert ink(image) > 0.002, "a blank page"


def test_letter_paper_and_one_exercise_alone(person: Actor) -> None:
    pdf = person.handout_pdf("letter", "chin-tuck")
    assert page_size(pdf) == pytest.approx(LETTER, abs=0.5)
    text = " ".join(pages_text(pdf))
    assert "Chin tuck" in text
    assert "When to get care" in text
    assert "Session log" not in text
    assert "figure-chin-tuck" in anchors(pdf)


def test_the_report_prints_the_numbers_of_unknot_progress_json(
    person: Actor, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["progress", "--json", "--weeks", "8"])
    assert result.exit_code == 0, result.output
    numbers = json.loads(result.stdout)
    out = tmp_path / "report.pdf"
    result = runner.invoke(app, ["report", "--weeks", "8", "--for", "Sam Jones", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    pdf = out.read_bytes()
    text = " ".join(pages_text(pdf))
    assert "For: Sam Jones" in text
    # The week of printing is under way: its plan is not yet due, so it is counted apart.
    *complete, current = numbers["adherence"]["weeks"]
    planned = sum(w["planned"] for w in complete)
    done = sum(w["done"] for w in complete)
    assert f"{done} of {planned} planned sessions done in the complete weeks" in text
    assert f"this week, still under way, {current['done']} of {current['planned']} so far" in text
    assert f"All time: {numbers['adherence']['total_sessions']} sessions" in text
    [neck] = numbers["areas"]
    change = f"{neck['change']:+g}"
    assert (
        f"neck {neck['baseline']:g} {neck['current']:g} {change} {VERDICT_WORDS[neck['verdict']]}"
        in text
    )
    for mean in numbers["weekly_pain"]["neck"]:
        assert f" {mean['mean']:g}" in text
    for row in numbers["before_after"]:
        assert f" {row['before']} {row['after']}" in text
    assert len(numbers["advice"]) >= 1
    for advice in numbers["advice"]:
        assert " ".join(advice["message"].split())[:60] in text
    assert "booked a physio" in text
    assert "You can exercise" in text  # the screening's result, with its date
    for activity in ("reading", "driving", "sleeping"):
        assert activity in text
    for image in rasterise(pdf, tmp_path):
        assert ink(image) > 0.002, "a blank page"
    for chart in ("chart-pain-over-time", "chart-before-after", "chart-weekly-adherence"):
        assert chart in anchors(pdf)


def test_bad_paths_exit_2_with_one_line_and_leave_what_is_there(
    person: Actor, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["handout", "--out", str(tmp_path / "no" / "such" / "x.pdf")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such folder" in result.stderr
    result = runner.invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr
    result = runner.invoke(app, ["handout", "--paper", "a5"])
    assert result.exit_code == 2
    assert "a4, letter" in result.stderr
    result = runner.invoke(app, ["handout", "--exercise", "chin-tuk"])
    assert result.exit_code == 2
    assert "did you mean chin-tuck" in result.stderr
    # Written atomically: a finished handout replaces the earlier file whole, and leaves no
    # temporary file beside it.
    target = tmp_path / "handout.pdf"
    target.write_bytes(b"earlier")
    result = runner.invoke(app, ["handout", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_printed_stop_rule_is_the_players() -> None:
    """Each starting pain's printed limit, read as a person would, is `pain_limit`'s."""
    from unknot.domain.pain import pain_limit
    from unknot.services.printouts import stop_rules

    rule = stop_rules("999")[0]
    floor, start_above, allowance, ceiling = (
        int(n) for n in re.findall(r"(\d+)(?:/10| points)", rule)
    )
    for start in range(11):
        printed = min(ceiling, start + allowance) if start > start_above else floor
        assert printed == pain_limit(start), start
