"""Issue 19: the printed PDFs: time to render the programme handout and the progress report
(8 weeks of sessions and check-ins), and their sizes."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from bench.measure import call_times, report


def run() -> list[str]:
    from tests.answers import answers_for
    from tests.history_fixture import eight_weeks

    with tempfile.TemporaryDirectory() as home:
        os.environ["UNKNOT_DATA_DIR"] = str(Path(home) / "data")
        os.environ["UNKNOT_CONFIG_DIR"] = str(Path(home) / "config")
        from unknot.services.application import Application

        application = Application.configured()
        eight_weeks(application.workspace.open_store(), "worsening", dt.date.today())
        you = application.local()
        you.submit_screening(answers_for())
        you.record_function({"reading": 4, "driving": 6, "sleeping": 3})
        handout = you.handout_pdf("a4")
        one = you.handout_pdf("a4", "chin-tuck")
        clinic = you.report_pdf(8, "Sam")
        lines = [
            report(
                f"render the handout ({len(you.today_plan().items)} exercises)",
                call_times(lambda: you.handout_pdf("a4"), runs=5, warmups=1),
            ),
            report(
                "render one exercise's sheet",
                call_times(lambda: you.handout_pdf("a4", "chin-tuck"), runs=5, warmups=1),
            ),
            report(
                "render the progress report (8 weeks)",
                call_times(lambda: you.report_pdf(8, "Sam"), runs=5, warmups=1),
            ),
            f"sizes: handout {len(handout) / 1024:.0f} KB, one exercise {len(one) / 1024:.0f} KB, "
            f"report {len(clinic) / 1024:.0f} KB",
        ]
        application.close()
    return lines
