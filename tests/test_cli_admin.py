"""`unknot admin` and `unknot serve --server` (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from tests.history_fixture import eight_weeks
from unknot.cli import app
from unknot.services.application import Application

runner = CliRunner()
PASSWORD = "correct horse battery"


def test_the_first_administrator_is_made_with_a_prompted_password() -> None:
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    made = runner.invoke(
        app,
        ["admin", "--organisation", "Riverside Physio", "--email", "a@example.org"],
        input=typed,
    )
    assert made.exit_code == 0, made.output
    assert "Made a@example.org, administrator of Riverside Physio." in made.stdout
    assert PASSWORD not in made.stdout  # hidden as it is typed
    assert "claim" not in made.stdout  # nobody used this unknot before
    again = runner.invoke(
        app, ["admin", "--organisation", "Other", "--email", "b@example.org"], input=typed
    )
    assert again.exit_code == 2
    assert "already has accounts" in again.stderr


def test_a_weak_password_or_a_bad_address_exits_2_naming_it() -> None:
    weak = runner.invoke(
        app,
        ["admin", "--organisation", "R", "--email", "a@example.org"],
        input="password\npassword\n",
    )
    assert weak.exit_code == 2
    assert "most common" in weak.stderr
    bad = runner.invoke(
        app, ["admin", "--organisation", "R", "--email", "nobody"], input=f"{PASSWORD}\n" * 2
    )
    assert bad.exit_code == 2
    assert "'nobody' is not an e-mail address" in bad.stderr


def test_the_local_person_gets_a_link_to_claim_their_records() -> None:
    application = Application.configured()
    eight_weeks(application.workspace.open_store(), "improving", dt.date(2026, 6, 10))
    application.close()
    made = runner.invoke(
        app,
        ["admin", "--organisation", "Home", "--email", "a@example.org"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert made.exit_code == 0, made.output
    assert "keeps everything they recorded" in made.stdout
    assert "http://127.0.0.1:8000/claim/" in made.stdout


def test_server_mode_over_plain_http_listens_on_loopback_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("UNKNOT_SERVER", "1")
    refused = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", str(port)])
    assert refused.exit_code == 2
    assert "needs an https public URL" in refused.stderr
