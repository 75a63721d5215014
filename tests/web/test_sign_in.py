"""The shared server's sign-in (issue 20): the gate in front of every route, the cookie, signing
in and out, accounts without a programme, and each person seeing only their own records; on a
real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.signing import signed_in, through_pages
from tests.storage.conftest import database_url  # noqa: F401  (the fixture, both databases)
from unknot.clock import FakeClock, instant
from unknot.config import Settings
from unknot.services.accounts import hash_password
from unknot.services.application import Application
from unknot.web.app import create_app

PASSWORD = "correct horse battery"
PUBLIC = "https://unknot.example.org"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


@pytest.fixture
def server(
    database_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:
    monkeypatch.setenv("UNKNOT_DATABASE_URL", database_url)
    monkeypatch.setenv("UNKNOT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("UNKNOT_SERVER", "1")
    monkeypatch.setenv("UNKNOT_EMERGENCY_NUMBER", "999")
    clock = FakeClock()
    application = Application.from_settings(Settings(), clock)
    accounts = application.accounts()
    made = accounts.create_first_administrator("Riverside Physio", "admin@example.org", PASSWORD)
    signed_in(accounts, "admin@example.org", clock)  # enrolled in a second factor already
    for email in ("ann@example.org", "bo@example.org"):
        accounts.records.create_account(
            organisation_id=made.organisation_id,
            role="person",
            now=dt.datetime.now(dt.UTC),
            email=email,
            password_hash=hash_password(PASSWORD),
            new_person=True,
        )
    yield application
    application.close()


def browser(application: Application, base: str = PUBLIC) -> TestClient:
    return TestClient(create_app(application), base_url=base, follow_redirects=False)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, then: str = "/") -> int:
    return through_pages(client, email, password, then).status_code


def token(client: TestClient, page: str) -> str:
    found = TOKEN.search(client.get(page).text)
    assert found, page
    return found[1]


def test_nothing_but_signing_in_and_static_files_without_a_sign_in(server: Application) -> None:
    with browser(server) as client:
        page = client.get("/today?x=1")
        assert page.status_code == 303
        assert page.headers["location"] == "/sign-in?next=/today%3Fx%3D1"
        for path in ("/", "/progress", "/exercises", "/data", "/handout.pdf", "/account"):
            assert client.get(path).status_code == 303, path
        assert client.get("/figures/chin-tuck.svg").status_code == 303
        api = client.get("/api/v1/status")
        assert api.status_code == 401
        assert api.headers["content-type"] == "application/problem+json"
        assert "sign in" in api.json()["detail"]
        assert (
            client.post("/api/v1/checkins", json={"moment": "before", "pain": {}}).status_code
            == 401
        )
        assert client.get("/sign-in").status_code == 200
        assert 'href="/today"' not in client.get("/sign-in").text  # no menu of locked pages
        assert client.get("/static/app.css").status_code == 200
        assert client.get("/sw.js").status_code == 200
        # The refusal carries the security headers like any page.
        assert "content-security-policy" in {k.lower() for k in page.headers}


def test_a_person_signs_in_with_a_secure_host_only_cookie_and_out_again(
    server: Application,
) -> None:
    with browser(server) as client:
        assert sign_in(client, "ann@example.org", "wrong password") == 400
        assert "do not match an account" in through_pages(client, "nobody@example.org").text
        answer = through_pages(client, "Ann@Example.org", then="/progress")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/progress"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-unknot_session=")
        for flag in ("HttpOnly", "Secure", "Path=/", "SameSite=lax"):
            assert flag.lower() in cookie.lower(), flag
        assert "domain" not in cookie.lower()
        # Signed in, the person's own pages answer (the first one asks for the screening).
        assert client.get("/progress").headers.get("location") != "/sign-in?next=/progress"
        assert client.get("/api/v1/status").status_code == 200
        assert 'href="/account"' in client.get("/screening").text
        out = client.post("/sign-out", data={"form_token": token(client, "/account")})
        assert out.status_code == 303
        assert out.headers["clear-site-data"] == '"cache", "storage"'
        assert client.get("/today").status_code == 303


def test_a_stolen_cookie_stops_working_at_sign_out(server: Application) -> None:
    with browser(server) as client:
        assert sign_in(client, "ann@example.org") == 303
        kept = dict(client.cookies)
        client.post("/sign-out", data={"form_token": token(client, "/account")})
    with browser(server) as thief:
        thief.cookies.update(kept)
        assert thief.get("/api/v1/status").status_code == 401


def test_each_person_sees_only_their_own_records(server: Application) -> None:
    with browser(server) as ann, browser(server) as bo:
        assert sign_in(ann, "ann@example.org") == 303
        assert sign_in(bo, "bo@example.org") == 303
        said = {"moment": "before", "pain": {"neck": 6}, "note": "ann's note"}
        assert ann.post("/api/v1/checkins", json=said).status_code == 201
        assert ann.put("/api/v1/profile", json={"sessions_per_week": 4}).status_code == 200
        assert ann.get("/api/v1/profile").json()["sessions_per_week"] == 4
        assert bo.get("/api/v1/profile").json()["sessions_per_week"] != 4
        assert "ann's note" not in bo.get("/api/v1/export").text
        assert "ann's note" in ann.get("/api/v1/export").text


def test_an_administrator_has_no_programme_but_an_account_page(server: Application) -> None:
    with browser(server) as client:
        assert sign_in(client, "admin@example.org") == 303
        assert client.get("/").headers["location"] == "/account"
        account = client.get("/account")
        assert account.status_code == 200
        assert "ann@example.org" in account.text  # the organisation's accounts
        assert "Today" not in account.text.split("<main", 1)[0]
        refused = client.get("/today")
        assert refused.status_code == 403
        assert "for a person doing the programme" in refused.text
        assert client.get("/api/v1/status").status_code == 403


def test_the_administrators_session_ends_after_30_idle_minutes(server: Application) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    with browser(server) as client:
        assert sign_in(client, "admin@example.org") == 303
        clock.advance(29 * 60)
        assert client.get("/account").status_code == 200
        clock.advance(31 * 60)
        assert client.get("/account").status_code == 303


def test_a_sign_in_form_from_another_site_is_refused(server: Application) -> None:
    with browser(server) as client:
        answer = client.post(
            "/sign-in",
            data={"email": "ann@example.org", "password": PASSWORD, "next": "/"},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
        assert answer.status_code == 403
        assert (
            "set-cookie" not in answer.headers
            or "unknot_session" not in answer.headers["set-cookie"]
        )


def test_a_next_address_elsewhere_is_not_followed(server: Application) -> None:
    with browser(server) as client:
        assert sign_in(client, "ann@example.org", then="//evil.example/") == 303
    with browser(server) as client:
        answer = through_pages(client, "ann@example.org", then="https://evil.example/")
        assert answer.headers["location"] == "/"


def test_plain_http_on_loopback_uses_a_plain_cookie(server: Application) -> None:
    with browser(server, "http://127.0.0.1") as client:
        answer = through_pages(client, "ann@example.org", then="/")
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("unknot_session=")
        assert "secure" not in cookie.lower()
        assert client.get("/api/v1/status").status_code == 200


def test_the_local_app_has_no_sign_in(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    application = Application.from_settings(Settings(), FakeClock())
    with TestClient(create_app(application), base_url="http://127.0.0.1") as client:
        assert client.get("/sign-in").status_code == 404
        assert client.get("/api/v1/status").status_code == 200
    application.close()


def test_a_clinician_sets_up_a_code_when_accepting_the_invitation(server: Application) -> None:
    import pyotp

    accounts = server.accounts()
    [admin] = [a for a in accounts.members(1) if a.role == "admin"]
    invited = accounts.invite(admin, "kim@example.org", "clinician")
    path = invited.link.removeprefix(PUBLIC)
    clock = server.clock
    assert isinstance(clock, FakeClock)
    with browser(server) as kim:
        page = kim.post(
            path,
            data={
                "password": PASSWORD,
                "password_again": PASSWORD,
                "form_token": token(kim, path),
            },
        )
        # A password alone does not sign a clinician in: the page sets up the code.
        assert page.status_code == 200
        assert (
            "set-cookie" not in page.headers or "unknot_session" not in page.headers["set-cookie"]
        )
        secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page.text)
        step = re.search(r'name="step" value="([A-Za-z0-9_-]+)"', page.text)
        assert secret
        assert step
        totp = pyotp.TOTP(secret[1].replace(" ", ""))
        form = {"step": step[1], "next": "/", "form_token": token(kim, "/sign-in")}
        wrong = kim.post("/sign-in/code", data={**form, "code": "12345"})
        assert wrong.status_code == 400
        assert "not right" in wrong.text
        assert secret[1] in wrong.text  # still enrolling: the key is shown again
        done = kim.post("/sign-in/code", data={**form, "code": totp.at(instant(clock.now()))})
        assert done.status_code == 200
        codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.text)
        assert len(codes) == 10
        assert "__Host-unknot_session=" in done.headers["set-cookie"]
        assert kim.get("/account").status_code == 200
        kim.post("/sign-out", data={"form_token": token(kim, "/account")})
        again = kim.post(
            "/sign-in",
            data={
                "email": "kim@example.org",
                "password": PASSWORD,
                "next": "/",
                "form_token": token(kim, "/sign-in"),
            },
        )
        assert again.status_code == 200
        assert "totp-secret" not in again.text  # never shown again
        step = re.search(r'name="step" value="([A-Za-z0-9_-]+)"', again.text)
        assert step
        used = kim.post(
            "/sign-in/code",
            data={**form, "step": step[1], "code": totp.at(instant(clock.now()))},
        )
        assert "used already" in used.text
        recovered = kim.post("/sign-in/code", data={**form, "step": step[1], "code": codes[3]})
        assert recovered.status_code == 303
        assert recovered.headers["location"] == "/account"


def test_exporting_or_deleting_everything_asks_for_the_password_again(
    server: Application,
) -> None:
    clock = server.clock
    assert isinstance(clock, FakeClock)
    with browser(server) as client:
        assert sign_in(client, "ann@example.org") == 303
        said = {"moment": "before", "pain": {"neck": 5}, "note": "stiff this morning"}
        assert client.post("/api/v1/checkins", json=said).status_code == 201
        assert client.get("/api/v1/export").status_code == 200  # just signed in
        clock.advance(6 * 60)
        page = client.get("/data")
        assert page.status_code == 303
        assert page.headers["location"] == "/confirm?next=/data"
        refused = client.get("/api/v1/export")
        assert refused.status_code == 403
        assert "Confirm your password" in refused.json()["title"]
        form = {"next": "/data", "form_token": token(client, "/confirm")}
        wrong = client.post("/confirm", data={**form, "password": "not my password"})
        assert wrong.status_code == 400
        assert "not your password" in wrong.text
        right = client.post("/confirm", data={**form, "password": PASSWORD})
        assert right.status_code == 303
        assert right.headers["location"] == "/data"
        assert client.get("/data").status_code == 200
        assert "stiff this morning" in client.get("/api/v1/export").text
        gone = client.post(
            "/data/forget", data={"confirm": "forget me", "form_token": token(client, "/data")}
        )
        assert gone.status_code == 200
        assert gone.headers["clear-site-data"] == '"cache", "storage"'
        assert client.get("/api/v1/status").status_code == 401  # the account went with it
    accounts = server.accounts()
    assert accounts.records.account_by_email("ann@example.org") is None
    deleted = [e for e in accounts.audit() if e.action == "account_deleted"]
    assert len(deleted) == 1
    assert deleted[0].detail == {}
    with browser(server) as again:
        assert sign_in(again, "ann@example.org") == 400


def test_a_person_changes_their_password_on_the_account_page(server: Application) -> None:
    with browser(server) as elsewhere, browser(server) as client:
        assert sign_in(elsewhere, "ann@example.org") == 303
        assert sign_in(client, "ann@example.org") == 303
        form = {"form_token": token(client, "/account"), "old": PASSWORD}
        wrong = client.post(
            "/account/password", data={**form, "new": "a new one", "new_again": "other"}
        )
        assert wrong.status_code == 400
        assert "not the same" in wrong.text
        changed = client.post(
            "/account/password",
            data={**form, "new": "a brand new phrase", "new_again": "a brand new phrase"},
        )
        assert changed.status_code == 303
        assert "__Host-unknot_session=" in changed.headers["set-cookie"]
        assert "Your password is changed" in client.get("/account?changed=1").text
        assert elsewhere.get("/api/v1/status").status_code == 401


def test_an_administrator_switches_a_person_off_and_on_from_the_account_page(
    server: Application,
) -> None:
    accounts = server.accounts()
    ann = accounts.records.account_by_email("ann@example.org")
    assert ann is not None
    with browser(server) as admin, browser(server) as ann_browser:
        assert sign_in(ann_browser, "ann@example.org") == 303
        assert ann_browser.get("/api/v1/status").status_code == 200
        assert sign_in(admin, "admin@example.org") == 303
        page = admin.get("/account")
        assert "Switch off ann@example.org" in page.text
        off = admin.post(
            f"/account/members/{ann.id}/switch-off", data={"form_token": token(admin, "/account")}
        )
        assert off.status_code == 303
        page = admin.get("/account")
        assert "switched off" in page.text
        assert "Switch on ann@example.org" in page.text
        # Ann's browser is out at its next request, and cannot sign in again.
        assert ann_browser.get("/api/v1/status").status_code == 401
        again = through_pages(ann_browser, "ann@example.org")
        assert again.status_code == 400
        assert "switched off" in again.text
        admin.post(
            f"/account/members/{ann.id}/switch-on", data={"form_token": token(admin, "/account")}
        )
        assert sign_in(ann_browser, "ann@example.org") == 303
        # The administrator's own row has no buttons: another administrator does that.
        me = accounts.records.account_by_email("admin@example.org")
        assert me is not None
        assert f"/account/members/{me.id}/switch-off" not in admin.get("/account").text
        own = admin.post(
            f"/account/members/{me.id}/switch-off", data={"form_token": token(admin, "/account")}
        )
        assert own.status_code == 400
        assert "your own account" in own.text


def test_an_administrator_moves_to_a_new_authenticator_app_from_the_account_page(
    server: Application,
) -> None:
    import pyotp

    clock = server.clock
    assert isinstance(clock, FakeClock)
    with browser(server) as admin:
        assert sign_in(admin, "admin@example.org") == 303
        page = admin.get("/account")
        assert "10 of your 10 recovery codes are left" in page.text
        started = admin.post(
            "/account/authenticator", data={"form_token": token(admin, "/account")}
        )
        assert started.status_code == 200
        secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', started.text)
        assert secret
        new = pyotp.TOTP(secret[1].replace(" ", ""))
        form = token(admin, "/account")
        wrong = admin.post(
            "/account/authenticator/confirm", data={"form_token": form, "code": "12"}
        )
        assert wrong.status_code == 400
        assert secret[1] in wrong.text  # the key again, while it is set up
        clock.advance(30)
        code = new.at(instant(clock.now()))
        done = admin.post("/account/authenticator/confirm", data={"form_token": form, "code": code})
        assert done.status_code == 200
        codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", done.text)
        assert len(codes) == 10
        # Over 5 minutes later, new recovery codes need the password first.
        clock.advance(6 * 60)
        late = admin.post("/account/recovery-codes", data={"form_token": token(admin, "/account")})
        assert late.status_code == 403
        assert 'name="next" value="/account"' in late.text
