"""`unknot serve --pair` and `unknot link` from the command line (issue 21): what is refused
before anything listens, and the computer's sign-in link."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from tests.web.serving import free_port
from unknot.cli import app
from unknot.services.application import Application

runner = CliRunner()


def test_listening_on_the_network_without_pairing_is_refused() -> None:
    answer = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", str(free_port())])
    assert answer.exit_code == 2
    assert "anyone on your network read and delete everything" in answer.stderr
    assert "unknot serve --pair" in answer.stderr


def test_options_that_do_not_go_together_exit_2_naming_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cases = {
        ("serve", "--plain-http"): "--plain-http goes with --pair",
        ("serve", "--pair", "--server"): "--pair is for one person's own app",
        ("serve", "--pair", "--host", "0.0.0.0"): "--host stays loopback",
        ("serve", "--pair", "--port", "8123", "--pair-port", "8123"): "--pair-port 8123 is --port",
        (
            "serve",
            "--pair",
            "--address",
            "my-laptop",
            "--port",
            str(free_port()),
            "--pair-port",
            str(free_port()),
        ): "is not an IP address",
    }
    for arguments, words in cases.items():
        # `serve --server` sets UNKNOT_SERVER for its worker processes: each case starts clean
        # (setenv, not delenv: only a setenv of an unset variable is undone by deleting it).
        monkeypatch.setenv("UNKNOT_SERVER", "0")
        answer = runner.invoke(app, list(arguments))
        assert answer.exit_code == 2, (arguments, answer.output)
        assert words in answer.stderr, (arguments, answer.stderr)
        assert "Traceback" not in answer.output


def test_unknot_link_prints_a_single_use_link_for_this_computer() -> None:
    first = runner.invoke(app, ["link", "--port", "8000"])
    assert first.exit_code == 0, first.output
    found = re.search(r"http://127\.0\.0\.1:8000/computer/([A-Za-z0-9_-]{40,})", first.stdout)
    assert found
    application = Application.configured()
    devices = application.devices()
    signed = devices.sign_in_computer(found[1])
    assert signed.account.person_id == application.local().person_id
    # Its organisation is this computer's own: not "accounts" that would stop `unknot admin`.
    assert not application.accounts().has_accounts()
    application.close()
