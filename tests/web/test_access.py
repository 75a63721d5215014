"""The authorisation matrix (issue 20), generated from the route table: every route has a rule,
and every route answers each kind of caller as its rule says; then the rows behind the routes:
another person's, an unlinked clinician's and another organisation's reach answers 404."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.answers import answers_for
from tests.signing import signed_in, through_pages
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services.accounts import hash_password
from unknot.services.application import Application
from unknot.services.care import CONSENT_VERSION
from unknot.web import accounts, api, care, figures, pages, passkeys
from unknot.web.access import OUTSIDE_ROUTERS, RULES, allows
from unknot.web.app import create_app

PASSWORD = "correct horse battery"
PUBLIC = "https://unknot.example.org"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')
CALLERS = ("anonymous", "ann", "bo", "linked", "unlinked", "elsewhere", "admin")
ROLES = {
    "anonymous": (None, False),
    "ann": ("person", True),
    "bo": ("person", True),
    "linked": ("clinician", False),
    "unlinked": ("clinician", False),
    "elsewhere": ("clinician", False),
    "admin": ("admin", False),
}
EMAILS = {
    "ann": "ann@example.org",
    "bo": "bo@example.org",
    "linked": "lee@example.org",
    "unlinked": "una@example.org",
    "elsewhere": "eli@other.example",
    "admin": "admin@example.org",
}
# Calls that end the caller's own sign-in or the care link the other checks need: made last.
LAST = ("POST /care/{link_id}/end", "POST /account/sessions/{login_id}/end", "POST /sign-out")


def route_table(app: FastAPI) -> set[str]:
    """Every method and path the app serves through its routers and its own routes."""
    found = set()
    for router in (
        api.router,
        pages.router,
        figures.router,
        accounts.router,
        care.router,
        passkeys.router,
    ):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            found |= {f"{m} {route.path}" for m in route.methods or ()}
    for route in app.routes:
        if isinstance(route, APIRoute):
            found |= {f"{m} {route.path}" for m in route.methods or ()}
    return found


@dataclass
class World:
    application: Application
    clients: dict[str, TestClient]
    ids: dict[str, str]


@pytest.fixture
def world(
    database_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[World]:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("UNKNOT_SERVER", "1")
    clock = FakeClock(start=dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC).timestamp())
    application = Application.from_settings(Settings(), clock)
    service = application.accounts()
    made = service.create_first_administrator("Riverside Physio", EMAILS["admin"], PASSWORD)
    records = service.records
    now = service._now()
    other = records.create_organisation("Other Clinic", now)
    for name, role in (
        ("ann", "person"),
        ("bo", "person"),
        ("linked", "clinician"),
        ("unlinked", "clinician"),
        ("elsewhere", "clinician"),
    ):
        records.create_account(
            organisation_id=other if name == "elsewhere" else made.organisation_id,
            role=role,
            now=now,
            email=EMAILS[name],
            password_hash=hash_password(PASSWORD),
            new_person=role == "person",
        )
    # Nobody's browser: the administrator's changes to another account (switching it off,
    # resetting its code) are made to this one, so the callers' own sign-ins stay.
    spare = records.create_account(
        organisation_id=made.organisation_id,
        role="clinician",
        now=now,
        email="spare@example.org",
        password_hash=hash_password(PASSWORD),
    )
    for name in ("linked", "unlinked", "elsewhere", "admin"):
        signed_in(service, EMAILS[name], clock)  # enrolled in a second factor
    ann = records.account_by_email(EMAILS["ann"])
    assert ann is not None
    assert ann.person_id is not None
    you = application.acting_as(ann.person_id)
    you.submit_screening(answers_for())
    members = {a.email: a for a in service.members(made.organisation_id)}
    link = application.care().ask(members[EMAILS["linked"]], EMAILS["ann"])
    application.care().accept(members[EMAILS["ann"]], link.id, CONSENT_VERSION)
    clients = {}
    for name in CALLERS:
        client = TestClient(create_app(application), base_url=PUBLIC, follow_redirects=False)
        client.__enter__()
        if name != "anonymous":
            assert through_pages(client, EMAILS[name]).status_code == 303, name
        clients[name] = client
    ann_session = clients["ann"].post("/api/v1/sessions", json={})
    assert ann_session.status_code == 201, ann_session.text
    ann_login = service.sessions(ann.id)[0].id
    screening = you.latest_screening()
    assert screening is not None
    world_logins = {"ann": str(ann_login)}
    ids = {
        "session_id": str(ann_session.json()["session_id"]),
        "screening_id": str(screening.id),
        "account_id": str(ann.id),
        "member_id": str(spare),
        "link_id": str(link.id),
        # Nobody's: ending it ends nothing (bo trying ann's own is a row check below).
        "login_id": "999999",
        "passkey_id": "999999",
        "break_id": "999999",
        "exercise_id": "chin-tuck",
        "name": "chin-tuck.svg",
        "token": "no-such-token",
    }
    yield World(application, clients, {**ids, "ann_login": world_logins["ann"]})
    for client in clients.values():
        client.__exit__(None, None, None)
    application.close()


def concrete(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m[1]], path)


def form_token(client: TestClient) -> str:
    """This browser's form token, from a page every signed-in account has."""
    found = TOKEN.search(client.get("/account").text)
    assert found
    return found[1]


def call(client: TestClient, key: str, ids: dict[str, str]) -> int:
    method, path = key.split(" ", 1)
    url = concrete(path, ids)
    if method == "GET":
        return client.get(url).status_code
    if path.startswith("/api/"):
        return client.request(method, url, json={}).status_code
    token = TOKEN.search(client.get("/sign-in").text) or TOKEN.search(client.get("/account").text)
    form = {"form_token": token[1]} if token else {}
    return client.request(method, url, data=form).status_code


def test_every_route_has_exactly_one_rule(world: World) -> None:
    app = next(iter(world.clients.values())).app
    assert isinstance(app, FastAPI)
    served = route_table(app)
    assert served - set(RULES) == set(), "routes without an access rule"
    assert set(RULES) - served == set(), "rules for routes that no longer exist"
    assert {"/openapi.json", "/static", "/docs/static"} == set(OUTSIDE_ROUTERS)


def test_every_route_answers_each_caller_as_its_rule_says(world: World) -> None:
    app = next(iter(world.clients.values())).app
    assert isinstance(app, FastAPI)
    keys = sorted(route_table(app), key=lambda k: (LAST.index(k) if k in LAST else -1, k))
    wrong = []
    for key in keys:
        rule = RULES[key]
        for caller in CALLERS:
            role, has_records = ROLES[caller]
            status = call(world.clients[caller], key, world.ids)
            allowed = allows(rule, role, has_records)
            if allowed and status in (401, 403):
                wrong.append(f"{caller} {key}: {status}, but its rule {rule!r} lets them")
            if not allowed and role is None and status not in (303, 401):
                wrong.append(f"{caller} {key}: {status}, not sent to sign in")
            if not allowed and role is not None and status != 403:
                wrong.append(f"{caller} {key}: {status}, not refused")
    assert wrong == []


def test_rows_of_others_answer_404(world: World) -> None:
    ids, clients = world.ids, world.clients
    ann_summary = f"/api/v1/sessions/{ids['session_id']}/summary"
    assert clients["ann"].get(ann_summary).status_code in (200, 409)
    assert clients["bo"].get(ann_summary).status_code == 404
    # A well-formed call on Ann's session: only whose it is can refuse it.
    assert (
        clients["bo"]
        .post(f"/api/v1/sessions/{ids['session_id']}/runs", json={"resume_at": 0})
        .status_code
        == 404
    )
    people = f"/people/{ids['account_id']}"
    assert clients["linked"].get(people).status_code == 200
    for stranger in ("unlinked", "elsewhere"):
        answer = clients[stranger].get(people)
        assert answer.status_code == 404, stranger
        assert "ann@example.org" not in answer.text
    assert clients["unlinked"].get("/people/999999").status_code == 404
    token = form_token(clients["bo"])
    ended = clients["bo"].post(f"/care/{ids['link_id']}/end", data={"form_token": token})
    assert ended.status_code == 404
    assert clients["linked"].get(people).status_code == 200  # the link still stands
    # Another person cannot end ann's sign-in session either.
    token = form_token(clients["bo"])
    clients["bo"].post(f"/account/sessions/{ids['ann_login']}/end", data={"form_token": token})
    assert clients["ann"].get("/api/v1/status").status_code == 200
    # The person sees who looked, and the refusals are in the log.
    who = clients["ann"].get("/care").text
    assert "lee@example.org</strong> looked at your records" in who
    actions = [e.action for e in world.application.accounts().audit()]
    assert actions.count("refused") >= 2


def test_ending_a_link_ends_the_clinicians_reach_at_once(world: World) -> None:
    ids, clients = world.ids, world.clients
    people = f"/people/{ids['account_id']}"
    assert clients["linked"].get(people).status_code == 200
    token = form_token(clients["ann"])
    assert (
        clients["ann"].post(f"/care/{ids['link_id']}/end", data={"form_token": token}).status_code
        == 303
    )
    assert clients["linked"].get(people).status_code == 404
