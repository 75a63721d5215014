"""Check-ins, progress verdicts and charts, advice, and what a painful step does (issue 6)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.history_fixture import eight_weeks
from unknot.cli import app
from unknot.clock import FakeClock
from unknot.domain import engine
from unknot.services.application import Application
from unknot.services.workspace import Workspace

runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("trend", "verdict", "concerns"),
    [
        ("improving", "improved", []),
        ("flat", "no_change", ["persists"]),
        # No meaningful improvement after 8 weeks and rising: both rules speak.
        ("worsening", "worse", ["persists", "worsens"]),
    ],
)
def test_eight_weeks_give_the_right_verdicts_and_charts(
    trend: str, verdict: str, concerns: list[str], tmp_path: Path
) -> None:
    workspace = Workspace.from_environment()
    eight_weeks(workspace.open_store(), trend, dt.date.today())
    out = tmp_path / "charts"
    result = runner.invoke(app, ["progress", "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [neck] = report["areas"]
    assert neck["verdict"] == verdict
    assert sorted(a["concern"] for a in report["advice"]) == concerns
    assert report["adherence"]["total_sessions"] == 24
    assert len(report["calendar"]) == 8
    first_cell = report["calendar"][0][0]["day"]
    session_days = {r["day"] for r in report["before_after"] if r["day"] >= first_cell}
    done = {c["day"] for week in report["calendar"] for c in week if c["done"]}
    assert done == session_days
    # Calendar weeks (issue 17): each counts the sessions between its first day and the next's.
    weeks = report["adherence"]["weeks"]
    assert [w["start"] for w in weeks] == [week[0]["day"] for week in report["calendar"]]
    every_day = sorted(r["day"] for r in report["before_after"])
    for week, following in zip(weeks, [*weeks[1:], {"start": "9999"}], strict=True):
        assert week["done"] == sum(week["start"] <= d < following["start"] for d in every_day)
    assert len(every_day) == sum(w["done"] for w in weeks) >= 21
    for stem in ("pain-over-time", "before-after", "weekly-adherence"):
        svg = ET.parse(out / f"{stem}.svg").getroot()
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title") is not None
        assert len(svg.findall(f".//{SVG}rect")) + len(svg.findall(f".//{SVG}polyline")) > 1
        assert (out / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pain = ET.parse(out / "pain-over-time.svg").getroot()
    # The level before each session shown, and no more.
    points = pain.findall(f".//{SVG}g[@data-series='neck']/{SVG}circle")
    assert len(points) == len(report["pain_points"]["neck"]) >= 21
    text = runner.invoke(app, ["progress"])
    assert text.exit_code == 0
    assert "Pain over time" in text.stdout
    if concerns:
        assert "Please see a doctor or physiotherapist" in text.stdout


def test_dismissed_advice_stays_quiet_with_the_choice_recorded() -> None:
    workspace = Workspace.from_environment()
    eight_weeks(workspace.open_store(), "flat", dt.date.today())
    done = runner.invoke(app, ["dismiss", "persists", "--choice", "booked a physio"])
    assert done.exit_code == 0
    report = json.loads(runner.invoke(app, ["progress", "--json"]).stdout)
    assert report["advice"] == []
    bad = runner.invoke(app, ["dismiss", "bored", "--choice", "x"])
    assert bad.exit_code == 2


def test_checkin_and_much_worse_asks_for_screening() -> None:
    from tests.answers import typed

    answers = typed()
    assert runner.invoke(app, ["checkin", "--pain", "neck=4"]).exit_code == 0
    screened = runner.invoke(app, ["screen"], input=answers)
    assert screened.exit_code == 0
    calm = runner.invoke(app, ["checkin", "--moment", "before", "--pain", "neck=5"])
    assert "much worse" not in calm.stdout
    worse = runner.invoke(app, ["checkin", "--moment", "before", "--pain", "neck=7"])
    assert worse.exit_code == 0
    assert "much worse than when you were screened" in worse.stdout


def test_checkin_input_errors_save_nothing() -> None:
    for args in (["--pain", "neck=12"], ["--pain", "knee=3"], ["--moment", "later"]):
        result = runner.invoke(app, ["checkin", *args])
        assert result.exit_code == 2, args
    prompt = runner.invoke(app, ["checkin"], input="eleven\n")
    assert prompt.exit_code == 2
    first = runner.invoke(app, ["checkin", "--activity", "reading=4"])
    assert first.exit_code == 2
    assert "3 to 5 activities" in first.stderr
    report = json.loads(runner.invoke(app, ["progress", "--json"]).stdout)
    assert report["areas"] == []
    assert report["function"] is None
    ok = runner.invoke(
        app,
        ["checkin", "--activity", "reading=4", "--activity", "driving=5", "--activity", "sleep=3"],
    )
    assert ok.exit_code == 0


def test_a_painful_step_changes_the_next_plan() -> None:
    clock = FakeClock()
    you = Application.from_environment(clock).local()
    from unknot.domain.screening import QUESTION_IDS

    you.submit_screening(dict.fromkeys(QUESTION_IDS, False))
    controller = you.start_session(you.situation(minutes=30))
    controller.send(engine.Start())
    strength = next(s for s in controller.state.timeline if s.block == "strength" and s.is_exercise)
    while controller.current is not None and controller.current.index < strength.index:
        controller.send(engine.Skip())
    effects = controller.send(engine.ReportPain("neck", 8))
    assert engine.MarkAggravating(strength.exercise_id) in effects
    controller.send(engine.Stop())
    clock.advance(86_400)
    again = you.start_session(you.situation(30))
    catalog = you.exercises()
    hurt = catalog[strength.exercise_id]
    planned = {i.exercise_id for i in again.plan.items}
    assert strength.exercise_id not in planned
    if hurt.easier:
        assert hurt.easier in planned
    else:
        assert f"{hurt.name} left out: it aggravated your pain last time." in again.plan.notes


def test_forget_needs_the_typed_words() -> None:
    runner.invoke(app, ["checkin", "--pain", "neck=4"])
    refused = runner.invoke(app, ["forget"], input="yes\n")
    assert refused.exit_code == 2
    assert "nothing was deleted" in refused.stderr
    assert json.loads(runner.invoke(app, ["progress", "--json"]).stdout)["areas"]
    done = runner.invoke(app, ["forget"], input="forget me\n")
    assert done.exit_code == 0
    assert "Deleted: 1 personal record, 1 check-in." in done.stdout
    assert "persons" not in done.stdout
    assert json.loads(runner.invoke(app, ["progress", "--json"]).stdout)["areas"] == []


def test_export_is_private_atomic_and_says_what_is_wrong(tmp_path: Path) -> None:
    import os
    import stat

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "backup.json"
    target.write_text("an earlier backup", encoding="utf-8")
    written = runner.invoke(app, ["export", "--out", str(target)])
    assert written.exit_code == 0, written.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "unknot-export"
    folder = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "csv")])
    assert folder.exit_code == 0
    assert {stat.S_IMODE(os.stat(p).st_mode) for p in (tmp_path / "csv").iterdir()} == {0o600}
    for args, words in (
        (["--out", str(tmp_path / "missing" / "x.json")], "no such folder"),
        (["--out", str(tmp_path)], "is a folder"),
        (["--format", "csv", "--out", str(target)], "is a file"),
    ):
        result = runner.invoke(app, ["export", *args])
        assert result.exit_code == 2, args
        assert words in result.stderr
        assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json", "csv"]


def test_a_note_over_500_characters_is_refused_everywhere() -> None:
    result = runner.invoke(app, ["checkin", "--pain", "neck=3", "--note", "x" * 501])
    assert result.exit_code == 2
    assert "keep it to 500" in result.stderr
    assert runner.invoke(app, ["checkin", "--pain", "neck=3", "--note", "x" * 500]).exit_code == 0


@pytest.mark.parametrize(
    ("host", "words"), [("not a host", "is not an address"), ("192.0.2.1", "cannot listen")]
)
def test_serve_refuses_an_address_it_cannot_listen_on(host: str, words: str) -> None:
    result = runner.invoke(app, ["serve", "--host", host, "--port", "8799"])
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output
