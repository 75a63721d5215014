"""Schemathesis against the API in-process (issue 13): every operation, then call sequences.

The document is the app's own `/openapi.json`. Each operation gets a fresh person, screened
with no warning sign standing and with a clinician's clearance on record, so the fuzzer is not
locked out by answers it did not give. Examples are bounded and derandomized (the
`unknot-fuzz` Hypothesis profile below): the same cases run on every machine, so a failure is
a bug to fix, never a flake to retry.

Checks: no server errors, and conformance of status codes, content types, response schemas and
headers, negative data rejected, methods the document does not list refused with a correct
`Allow`. Not `positive_data_acceptance`: unknot checks meaning as well as shape (a step's times
lie within its session, a swap names an exercise in today's plan), so a value of the right type
can rightly get 404, 409 or 422; those answers are documented problems.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings

from unknot.clock import FakeClock, today
from unknot.domain.screening import QUESTION_IDS
from unknot.services.application import Application
from unknot.services.workspace import Workspace
from unknot.web.app import create_app

HOST = {"Host": "127.0.0.1"}  # a name the site guard answers to (issue 12)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.negative_data_rejection,
    schemathesis.checks.unsupported_method,
    schemathesis.checks.allow_header_conformance,
]
FUZZ = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    # One app per operation, on purpose: its examples share that person's data.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


def api_document() -> dict[str, Any]:
    """The app's OpenAPI document, built without opening anyone's data."""
    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "data", Path(folder) / "config")
        return create_app(Application(workspace)).openapi()


schema = schemathesis.openapi.from_dict(api_document())


def screened_person(application: Application) -> None:
    """A warning sign, a clinician's clearance of it, then a screening with none."""
    you = application.local()
    answers = dict.fromkeys(QUESTION_IDS, False)
    you.submit_screening({**answers, "cancer_history": True})
    you.record_clearance(today(application.clock), "Dr Fuzz", None)
    you.submit_screening(answers)
    assert you.situation().readiness.may_start


@pytest.fixture
def fuzz_app() -> FastAPI:
    application = Application.from_environment(FakeClock())
    screened_person(application)
    return create_app(application)


@schema.parametrize()
@FUZZ
def test_every_operation(case: Any, fuzz_app: FastAPI) -> None:
    case.call_and_validate(app=fuzz_app, headers=HOST, checks=CHECKS)


def test_call_sequences_along_the_links(fuzz_app: FastAPI) -> None:
    """Start a session, then record steps, pain, effort and the end in it; answer, then set the
    answers aside: the links in the document lead the fuzzer from one to the next."""

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each sequence starts from nothing stored, cleared to exercise: whatever the last
            # one did (a swap changes the stored programme the next plan is built from), a
            # replayed sequence then draws the same data (hypothesis checks that it does).
            fuzz_app.state.unknot.local().forget()
            screened_person(fuzz_app.state.unknot)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": fuzz_app, "headers": HOST}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Sequences.run(
        settings=settings(
            FUZZ, max_examples=50, stateful_step_count=8, phases=[Phase.generate, Phase.shrink]
        )
    )


# The shared server (issue 20): the same operations signed in as each kind of account, and as
# nobody. Refusals (401, 403) and a person's 404s are documented answers; a 500 never is.
ROLE_FUZZ = settings(FUZZ, max_examples=8)


@pytest.fixture(scope="module", params=["person", "clinician", "admin", "anonymous"])
def role_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    from tests.signing import add_account, signed_in
    from unknot.config import Settings

    home = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    clock = FakeClock()
    application = Application.from_settings(
        Settings(server=True, data_dir=home / "data", config_dir=home / "config"), clock
    )
    accounts = application.accounts()
    made = accounts.create_first_administrator("Fuzz", "admin@example.org", "correct horse battery")
    add_account(accounts, made.organisation_id, "person@example.org")
    add_account(accounts, made.organisation_id, "clinician@example.org", role="clinician")
    headers = dict(HOST)
    if request.param != "anonymous":
        signed = signed_in(accounts, f"{request.param}@example.org", clock)
        headers["Cookie"] = f"unknot_session={signed.token}"
        if signed.account.person_id is not None:
            you = application.acting_as(signed.account.person_id)
            answers = dict.fromkeys(QUESTION_IDS, False)
            you.submit_screening(answers)
    yield create_app(application), headers
    application.close()


@schema.parametrize()
@ROLE_FUZZ
def test_every_operation_as_each_kind_of_account(
    case: Any, role_app: tuple[FastAPI, dict[str, str]]
) -> None:
    app, headers = role_app
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
