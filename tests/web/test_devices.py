"""The local app on a network (issue 21), in-process on a fake clock: nothing but joining is
served without a sign-in; the computer signs in through its printed link; a phone joins by the
QR code's token or the short code and is admitted by the computer only; and every refusal the
issue names: a second device, an expired token, a used token, six wrong codes, a revoked
device."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unknot.clock import FakeClock
from unknot.config import Settings
from unknot.services import errors
from unknot.services.accounts import CurrentSignIn
from unknot.services.application import Application
from unknot.services.devices import WRONG_CODES_ALLOWED
from unknot.web.app import create_app

PHONE_URL = "https://192.168.1.20:8443"
TOKEN = re.compile(r'name="form_token" value="([0-9a-f]+)"')


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def network(tmp_path: Path, clock: FakeClock) -> Iterator[Application]:
    application = Application.from_settings(
        Settings(
            data_dir=tmp_path / "data",
            config_dir=tmp_path / "config",
            network=True,
            public_url=(PHONE_URL,),
        ),
        clock,
    )
    yield application
    application.close()


def computer(application: Application) -> TestClient:
    """The computer's browser, signed in through the link `unknot serve --pair` prints."""
    client = TestClient(
        create_app(application), base_url="http://127.0.0.1:8000", follow_redirects=False
    )
    token = application.devices().computer_link()
    answer = client.get(f"/computer/{token}")
    assert answer.status_code == 303, answer.text
    return client


def phone(application: Application) -> TestClient:
    return TestClient(create_app(application), base_url=PHONE_URL, follow_redirects=False)


def form_token(client: TestClient, page: str) -> str:
    found = TOKEN.search(client.get(page).text)
    assert found, page
    return found[1]


def post(client: TestClient, path: str, page: str, **fields: str) -> int:
    return client.post(path, data={**fields, "form_token": form_token(client, page)}).status_code


def start_pairing(client: TestClient) -> tuple[int, str, str]:
    """Pair a phone on the computer: the pairing's id, the QR code's link and the short code."""
    page = client.post("/devices/pair", data={"form_token": form_token(client, "/devices")})
    assert page.status_code == 200, page.text
    pairing = re.search(r'data-pairing="(\d+)"', page.text)
    code = re.search(r'id="pair-code">([A-Z0-9-]+)<', page.text)
    assert pairing
    assert code
    # The link the QR code encodes (the browser test reads the code itself).
    link = re.search(r'data-link="([^"]+)"', page.text)
    assert link, "the pairing page names its link for the QR code"
    return int(pairing[1]), link[1], code[1]


def pair_phone(desk: TestClient, hand: TestClient) -> int:
    """Pair `hand` by the QR code's link, admitted on `desk`: the pairing's id."""
    pairing, link, _code = start_pairing(desk)
    path = link.removeprefix(PHONE_URL)
    assert post(hand, path, path, name="Sam's phone") == 303
    assert post(desk, f"/devices/pair/{pairing}/admit", "/devices") == 303
    assert hand.get("/join/done").status_code == 303
    return pairing


def test_nothing_but_joining_is_served_without_a_sign_in(network: Application) -> None:
    with (
        phone(network) as stranger,
        TestClient(
            create_app(network), base_url="http://127.0.0.1:8000", follow_redirects=False
        ) as same_machine,
    ):
        for client in (stranger, same_machine):
            page = client.get("/today")
            assert page.status_code == 303
            assert page.headers["location"] == "/join"
            api = client.get("/api/v1/status")
            assert api.status_code == 401
            assert "pair this one at /join" in api.json()["detail"]
            assert client.get("/join").status_code == 200
            assert client.get("/static/app.css").status_code == 200
        # Loopback is no sign-in: the same machine's browser was refused just like the phone.


def test_the_computers_link_works_once(network: Application) -> None:
    token = network.devices().computer_link()
    with TestClient(create_app(network), base_url="http://127.0.0.1:8000") as first:
        assert first.get(f"/computer/{token}").url.path in ("/screening", "/today", "/")
        assert first.get("/api/v1/status").status_code == 200
    with TestClient(create_app(network), base_url="http://127.0.0.1:8000") as second:
        assert second.get(f"/computer/{token}", follow_redirects=False).status_code == 404


def test_a_phone_joins_by_the_qr_link_once_the_computer_admits_its_name(
    network: Application,
) -> None:
    with computer(network) as desk, phone(network) as hand, phone(network) as other:
        pairing, link, _code = start_pairing(desk)
        assert link.startswith(f"{PHONE_URL}/join/")
        path = link.removeprefix(PHONE_URL)
        assert hand.get(path).status_code == 200
        assert post(hand, path, path, name="  Sam's   phone ") == 303
        # Not admitted yet: the phone is not signed in, and collecting is refused.
        waiting = hand.get("/join/waiting")
        assert "Confirm on the computer" in waiting.text
        assert hand.get("/join/state").json() == {"state": "asked"}
        assert hand.get("/join/done").status_code == 403
        assert hand.get("/api/v1/status").status_code == 401
        # The computer sees the name, and admits it.
        state = desk.get(f"/api/v1/pairings/{pairing}").json()
        assert (state["state"], state["device_name"]) == ("asked", "Sam's phone")
        page = desk.get(f"/devices/pair/{pairing}")
        assert "Admit Sam&#39;s phone" in page.text or "Admit Sam's phone" in page.text
        assert post(desk, f"/devices/pair/{pairing}/admit", "/devices") == 303
        assert hand.get("/join/state").json() == {"state": "admitted"}
        done = hand.get("/join/done")
        assert done.status_code == 303
        assert done.headers["location"] == "/"
        assert "__Host-unknot_session" in done.headers["set-cookie"]
        assert hand.get("/api/v1/status").status_code == 200
        assert hand.get("/join/done").status_code == 403  # collected once
        # The token is used: another device with the same link is refused.
        assert other.get(path).status_code == 200  # the form; the token is checked on asking
        assert post(other, path, path, name="Eve's phone") == 404
        # Listed on the computer, and signed out from there: out at its next request.
        listed = network.devices().devices(_current(network, desk))
        names = {d.name: d for d in listed}
        assert set(names) == {"This computer", "Sam's phone"}
        sams = names["Sam's phone"].login_id
        assert post(desk, f"/devices/{sams}/sign-out", "/devices") == 303
        assert hand.get("/api/v1/status").status_code == 401
        actions = [e.action for e in network.accounts().audit()]
        assert "device_admitted" in actions


def _current(application: Application, client: TestClient) -> CurrentSignIn:
    """The sign-in a test client's cookie names."""
    found = application.accounts().current(
        client.cookies.get("unknot_session") or client.cookies.get("__Host-unknot_session")
    )
    assert found is not None
    return found


def test_a_phone_joins_by_the_short_code_and_six_wrong_codes_stop_the_code(
    network: Application,
) -> None:
    with computer(network) as desk, phone(network) as hand:
        pairing, link, code = start_pairing(desk)
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        for _ in range(WRONG_CODES_ALLOWED):
            assert post(hand, "/join", "/join", code="AAAA-AAAA", name="Sam's phone") == 400
        # The sixth try is refused even with the right code.
        assert post(hand, "/join", "/join", code=code, name="Sam's phone") == 400
        over = desk.get(f"/api/v1/pairings/{pairing}").json()
        assert (over["state"], over["wrong_codes"]) == ("open", 6)
        assert "only the QR code works now" in desk.get(f"/devices/pair/{pairing}").text
        # Junk typed by someone on the network does not stop the QR code's link.
        path = link.removeprefix(PHONE_URL)
        assert post(hand, path, path, name="Sam's phone") == 303
        assert desk.get(f"/api/v1/pairings/{pairing}").json()["state"] == "asked"
        pairing, _link, code = start_pairing(desk)
        # Typed as people type it: lower case, spaces instead of the dash.
        typed = code.lower().replace("-", " ")
        assert post(hand, "/join", "/join", code=typed, name="Sam's phone") == 303
        assert desk.get(f"/api/v1/pairings/{pairing}").json()["state"] == "asked"
        assert post(desk, f"/devices/pair/{pairing}/refuse", "/devices") == 303
        assert hand.get("/join/state").json() == {"state": "refused"}
        assert hand.get("/join/done").status_code == 403
        assert hand.get("/api/v1/status").status_code == 401


def test_a_pairing_lasts_five_minutes(network: Application, clock: FakeClock) -> None:
    with computer(network) as desk, phone(network) as hand:
        pairing, link, code = start_pairing(desk)
        clock.advance(5 * 60 + 1)
        path = link.removeprefix(PHONE_URL)
        assert post(hand, path, path, name="Late phone") == 404
        assert post(hand, "/join", "/join", code=code, name="Late phone") == 400
        assert desk.get(f"/api/v1/pairings/{pairing}").json()["state"] == "expired"
        # A device that asked in time but was not admitted within the 5 minutes is over too.
        pairing, link, _code = start_pairing(desk)
        path = link.removeprefix(PHONE_URL)
        assert post(hand, path, path, name="Slow phone") == 303
        clock.advance(5 * 60 + 1)
        assert hand.get("/join/state").json() == {"state": "expired"}
        assert post(desk, f"/devices/pair/{pairing}/admit", "/devices") == 409
        assert hand.get("/join/done").status_code == 403


def test_only_the_computer_pairs_and_signs_out_other_devices(network: Application) -> None:
    with computer(network) as desk, phone(network) as hand:
        pairing = pair_phone(desk, hand)
        assert post(hand, "/devices/pair", "/devices") == 403
        assert hand.get(f"/api/v1/pairings/{pairing}").status_code == 403
        desk_login = _current(network, desk).login_id
        assert post(hand, f"/devices/{desk_login}/sign-out", "/devices") == 403
        assert desk.get("/api/v1/status").status_code == 200
        with pytest.raises(errors.NotTheComputer):
            network.devices().start_pairing(_current(network, hand))
        # A device signs itself out.
        mine = _current(network, hand).login_id
        assert post(hand, f"/devices/{mine}/sign-out", "/devices") == 303
        assert hand.get("/api/v1/status").status_code == 401


def test_the_local_app_without_a_network_answers_only_on_loopback(tmp_path: Path) -> None:
    application = Application.from_settings(
        Settings(data_dir=tmp_path / "data", config_dir=tmp_path / "config"), FakeClock()
    )
    # A connection that arrived on a network address (someone ran uvicorn on 0.0.0.0 by hand):
    # refused, whatever the Host header says.
    with TestClient(create_app(application), base_url="http://192.168.1.20:8000") as lan:
        answer = lan.get("/today", headers={"Host": "127.0.0.1:8000"})
        assert answer.status_code == 403
        assert "unknot serve --pair" in answer.json()["detail"]
    with TestClient(create_app(application), base_url="http://127.0.0.1:8000") as here:
        assert here.get("/api/v1/status").status_code == 200
    application.close()


def test_pairing_pages_are_made_for_the_phone(network: Application) -> None:
    with computer(network) as desk, phone(network) as hand:
        page = desk.post("/devices/pair", data={"form_token": form_token(desk, "/devices")})
        desk.get("/devices")  # a new pairing below ends this one
        assert "<svg" in page.text
        # A warning on the phone means stop: the code in the link could be read.
        assert "<strong>stop</strong>" in page.text
        trust = hand.get("/pair/trust")
        assert trust.status_code == 200
        # Passkeys need a host name: at an address, a phone's devices page says so.
        pair_phone(desk, hand)
        assert "Passkeys need a host name" in hand.get("/devices").text


def test_a_second_device_on_the_same_code_stops_the_pairing(network: Application) -> None:
    with computer(network) as desk, phone(network) as hand, phone(network) as other:
        pairing, link, code = start_pairing(desk)
        path = link.removeprefix(PHONE_URL)
        assert post(hand, path, path, name="Sam's phone") == 303
        # Someone who saw the code tries it too: nobody is admitted, and the computer says so.
        assert post(other, "/join", "/join", code=code, name="Sam's phone") == 400
        assert desk.get(f"/api/v1/pairings/{pairing}").json()["state"] == "contested"
        assert "Two devices tried to join" in desk.get(f"/devices/pair/{pairing}").text
        assert post(desk, f"/devices/pair/{pairing}/admit", "/devices") == 409
        assert hand.get("/join/done").status_code == 403


def test_names_that_read_other_than_they_are_are_refused(network: Application) -> None:
    with computer(network) as desk, phone(network) as hand:
        _pairing, link, _code = start_pairing(desk)
        path = link.removeprefix(PHONE_URL)
        for name in ("Sam's phone\u200b", "\u202eenohp s'maS", "", "x" * 41):
            assert post(hand, path, path, name=name) == 400, repr(name)
        # The computer shows where the asking device is and which browser it is.
        assert post(hand, path, path, name="Sam's phone") == 303
        page = desk.get(f"/devices/pair/{_pairing}").text
        assert "from testclient" in page


def test_the_computers_sign_in_counts_only_on_this_computer(network: Application) -> None:
    with computer(network) as desk:
        token = desk.cookies.get("unknot_session")
        assert token
        assert desk.get("/api/v1/status").status_code == 200
        # Its cookie, caught by another program on 127.0.0.1 and carried to the network
        # listener, signs nobody in there.
        with phone(network) as thief:
            thief.cookies.set("__Host-unknot_session", token)
            assert thief.get("/api/v1/status").status_code == 401
            assert thief.get("/devices").status_code == 303
        # Nor does the link `unknot serve` prints work from the network.
        link = network.devices().computer_link()
        with phone(network) as far:
            assert far.get(f"/computer/{link}").status_code == 404
            assert far.get("/api/v1/status").status_code == 401


def test_a_device_signed_out_loses_its_cached_pages(network: Application) -> None:
    with computer(network) as desk, phone(network) as hand:
        pair_phone(desk, hand)
        mine = _current(network, hand).login_id
        post(desk, f"/devices/{mine}/sign-out", "/devices")
        answer = hand.get("/api/v1/status")
        assert answer.status_code == 401
        assert answer.headers["Clear-Site-Data"] == '"cache"'


def test_ids_out_of_range_are_a_clear_refusal(network: Application) -> None:
    with computer(network) as desk:
        huge = "99999999999999999999"
        assert desk.get(f"/devices/pair/{huge}").status_code == 422
        assert desk.get(f"/api/v1/pairings/{huge}").status_code == 422
