"""The person's own devices on the local app when it listens beyond loopback (issue 21): the
gate that lets in only signed-in browsers, the computer's sign-in link, pairing a phone, and
the list of devices.

Only a network-mode app installs any of this; on loopback alone the app has no sign-in.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from unknot.services import errors
from unknot.services.accounts import CurrentSignIn
from unknot.services.devices import Pairing
from unknot.web.accounts import SignInGate, cookie_name, set_cookie
from unknot.web.api import RowId
from unknot.web.asking import application, signed_in
from unknot.web.guard import arrived_on_loopback
from unknot.web.listening import NetworkState, listen
from unknot.web.problems import problem_response

# Reached without a sign-in: the computer's link, joining, trusting the certificate, and what
# every page loads.
OPEN_PATHS = (
    "/computer/",
    "/join",
    "/api/v1/sign-in/",
    "/pair/",
    "/static/",
    "/sw.js",
    "/manifest.webmanifest",
)
JOINING_COOKIE = "unknot_joining"


def _where_it_belongs(scope: Scope, found: CurrentSignIn) -> bool:
    """The computer's sign-in counts only on the loopback listener. Its cookie is a plain one
    on 127.0.0.1, which a browser also sends to any other port there; carried to the network
    listener by whoever caught it, it signs nobody in."""
    return found.kind != "computer" or arrived_on_loopback(scope)


def refusal(request: Request) -> Response:
    """A browser that is not signed in: the API's 401 (the player's outbox keeps what it has),
    a page's way to join. A browser whose sign-in ended (a device signed out from the computer)
    also loses the pages its service worker kept."""
    if request.url.path.startswith("/api/"):
        response: Response = problem_response(
            request,
            401,
            "This device is not paired",
            "unknot is listening on the network, so each device signs in: pair this one at "
            "/join, or on the computer open the link `unknot serve` printed.",
        )
    else:
        response = RedirectResponse("/join", status_code=303)
    if request.cookies.get(cookie_name(request)):
        # The cache only: what the outbox still holds (stored, not cached) is kept.
        response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    from unknot.web.pages import render

    return render(request, name, status=status, **values)


async def _check_form(request: Request) -> None:
    from unknot.web.pages import check_form

    await check_form(request)


router = APIRouter(include_in_schema=False, dependencies=[Depends(_check_form)])
# The computer's pairing page polls this; it is the page's, not part of the public API.
api_router = APIRouter(prefix="/api/v1", include_in_schema=False)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


class OffTheNetwork(Exception):
    """A devices page while the local app listens on loopback alone: nobody signs in."""


class SignInFirst(Exception):
    """A devices page from a browser that is not signed in, while the app is on the network."""


def _signed_in_here(request: Request) -> Any:
    found = signed_in(request)
    if found is not None:
        return found
    # The gate lets nobody else here while the app is on the network. This process may not
    # know yet that another one started listening (it reads that once a second): look again,
    # and read the cookie the gate did not.
    state: NetworkState = request.app.state.network
    if state.urls(fresh=True) is not None:
        token = request.cookies.get(cookie_name(request))
        current = application(request).accounts().current(token) if token else None
        if (
            current is not None
            and current.kind in ("computer", "device")
            and _where_it_belongs(request.scope, current)
        ):
            return current
        raise SignInFirst
    raise OffTheNetwork


def _gone(request: Request, text: str) -> HTMLResponse:
    return _page(request, "message.html", status=404, title="This link no longer works", text=text)


def _not_the_computer(request: Request, error: Exception) -> HTMLResponse:
    return _page(
        request, "message.html", status=403, title="Do this on the computer", text=str(error)
    )


@router.get("/computer/{token}")
def computer(request: Request, token: str) -> Response:
    # The link `unknot serve` printed: secret, single-use, for 15 minutes. Opening it is the
    # sign-in (nobody but the terminal's reader has it).
    if not arrived_on_loopback(request.scope):
        # The computer's sign-in is for the computer: a link read off its terminal and opened
        # from the network (someone else on the machine caught it) signs nobody in.
        return _gone(request, "This link works only in a browser on the computer unknot runs on.")
    devices = application(request).devices()
    try:
        signed = devices.sign_in_computer(
            token, address=_client(request), agent=request.headers.get("user-agent")
        )
    except errors.LinkNotValid:
        return _gone(
            request,
            "Each link `unknot serve` prints works once, for 15 minutes. For a new one, run "
            "`unknot link` in a terminal on this computer.",
        )
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, signed)
    return response


def _trust(request: Request) -> Any:
    return application(request).devices().trust()


@router.post("/data/phone")
async def use_phone(request: Request) -> Response:
    """ "Use unknot on your phone": this process listens on the network too, over HTTPS, and
    this browser (trusted until now: the app was on loopback alone) is the computer's."""
    import asyncio
    import os
    import socket

    app = application(request)
    state: NetworkState = request.app.state.network
    if app.network_mode or state.urls() is not None:
        return RedirectResponse("/devices", status_code=303)
    devices = app.devices()
    workspace = app.workspace
    addresses = [workspace.pair_address] if workspace.pair_address else devices.network_addresses()

    def problem(text: str) -> HTMLResponse:
        return _page(request, "data.html", status=409, deleted=None, error=None, phone_error=text)

    if not addresses:
        return problem(
            "This computer has no network address a phone could reach: connect it to your Wi-Fi "
            "first (or set UNKNOT_PAIR_ADDRESS)."
        )
    port = workspace.pair_port
    try:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("0.0.0.0", port))
    except OSError as error:
        return problem(
            f"Port {port} is taken ({error.strerror}): set UNKNOT_PAIR_PORT to another, such "
            "as 8444, and start unknot again."
        )
    made = await anyio.to_thread.run_sync(devices.certificates, addresses)
    urls = devices.phone_urls(addresses, port)
    if not devices.start_listening(urls, os.getpid()):
        return RedirectResponse("/devices", status_code=303)
    state.set(tuple(urls))
    signed = devices.sign_in_computer(
        devices.computer_link(), address=_client(request), agent=request.headers.get("user-agent")
    )
    # Kept on the app: a task nobody holds may be collected before it ends.
    request.app.state.listener = asyncio.get_running_loop().create_task(
        listen(request.app, port, str(made.certificate), str(made.key))
    )
    response = RedirectResponse("/devices", status_code=303)
    set_cookie(request, response, signed)
    return response


@router.post("/devices/stop")
def stop_listening(request: Request) -> Response:
    found = _signed_in_here(request)
    try:
        application(request).devices().stop_listening(found)
    except errors.NotTheComputer as error:
        return _not_the_computer(request, error)
    state: NetworkState = request.app.state.network
    state.set(None)
    return RedirectResponse("/data", status_code=303)


@router.get("/devices")
def devices_page(request: Request) -> Response:
    found = _signed_in_here(request)
    app = application(request)
    trust = _trust(request)
    trust_link = f"{app.devices().phone_url()}/pair/trust"
    return _page(
        request,
        "devices.html",
        trust_qr=app.devices().qr_svg(trust_link) if trust is not None else None,
        trust_link=trust_link,
        devices=app.devices().devices(found),
        is_computer=found.kind == "computer",
        trust=trust,
        passkeys_here=app.devices().passkeys_possible(request.url.hostname or ""),
        recent=app.accounts().recently_signed_in(found),
        passkeys=app.passkeys().passkeys(found.account.id),
        device_name=next((d.name for d in app.devices().devices(found) if d.current), ""),
        secure=request.url.scheme == "https",
        can_stop=not app.network_mode,
    )


@router.post("/devices/pair")
def start_pairing(request: Request) -> Response:
    found = _signed_in_here(request)
    try:
        made = application(request).devices().start_pairing(found)
    except errors.NotTheComputer as error:
        return _not_the_computer(request, error)
    # The token is shown once, on the page this answer renders; it is stored only hashed.
    return _pairing_page(request, made.id, token=made.token, code=made.code)


def _pairing_page(
    request: Request,
    pairing_id: int,
    token: str | None = None,
    code: str | None = None,
    status: int = 200,
    error: str | None = None,
) -> Response:
    found = _signed_in_here(request)
    devices = application(request).devices()
    try:
        pairing = devices.pairing(found, pairing_id)
    except errors.NotTheComputer as refused:
        return _not_the_computer(request, refused)
    except errors.NotLinked:
        return _page(
            request, "message.html", status=404, title="Not found", text="No such pairing."
        )
    phone_url = devices.phone_url()
    link = None if token is None else f"{phone_url}/join/{token}"
    return _page(
        request,
        "pairing.html",
        status=status,
        pairing=pairing,
        link=link,
        code=code,
        join_url=f"{phone_url}/join",
        qr=None if link is None else devices.qr_svg(link),
        trust=_trust(request),
        error=error,
    )


@router.get("/devices/pair/{pairing_id}")
def pairing_page(request: Request, pairing_id: RowId) -> Response:
    return _pairing_page(request, pairing_id)


async def _decide(request: Request, pairing_id: int, admitted: bool) -> Response:
    found = _signed_in_here(request)
    devices = application(request).devices()
    try:
        await anyio.to_thread.run_sync(lambda: devices.admit(found, pairing_id, admitted))
    except errors.NotTheComputer as error:
        return _not_the_computer(request, error)
    except errors.NotLinked:
        return _page(
            request, "message.html", status=404, title="Not found", text="No such pairing."
        )
    except errors.PairingRefused as error:
        return _pairing_page(request, pairing_id, status=409, error=str(error))
    return RedirectResponse(f"/devices/pair/{pairing_id}", status_code=303)


@router.post("/devices/pair/{pairing_id}/admit")
async def admit(request: Request, pairing_id: RowId) -> Response:
    return await _decide(request, pairing_id, True)


@router.post("/devices/pair/{pairing_id}/refuse")
async def refuse(request: Request, pairing_id: RowId) -> Response:
    return await _decide(request, pairing_id, False)


@router.post("/devices/{login_id}/sign-out")
def sign_out_device(request: Request, login_id: RowId) -> Response:
    found = _signed_in_here(request)
    try:
        application(request).devices().revoke(found, login_id)
    except errors.NotTheComputer as error:
        return _not_the_computer(request, error)
    if login_id == found.login_id:
        response = RedirectResponse("/join", status_code=303)
        response.delete_cookie(cookie_name(request), path="/")
        return response
    return RedirectResponse("/devices", status_code=303)


@api_router.get("/pairings/{pairing_id}")
def pairing_state(request: Request, pairing_id: RowId) -> Response:
    """How a pairing stands: the computer's page asks every two seconds."""
    found = _signed_in_here(request)
    try:
        pairing = application(request).devices().pairing(found, pairing_id)
    except errors.NotTheComputer as error:
        return problem_response(request, 403, "Only on the computer", str(error))
    except errors.NotLinked:
        return problem_response(request, 404, "Not found", "No pairing has that number.")
    return JSONResponse(Pairing.model_validate(pairing).model_dump(mode="json"))


# The phone's side ---------------------------------------------------------------------------


def _join_page(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    values.setdefault("error", None)
    values.setdefault("device_name", "")
    values.setdefault("token", None)
    passkeys_here = request.url.scheme == "https" and application(
        request
    ).devices().passkeys_possible(request.url.hostname or "")
    return _page(
        request,
        "join.html",
        status=status,
        trust=_trust(request),
        passkeys_here=passkeys_here,
        **values,
    )


@router.get("/join")
def join_form(request: Request) -> Response:
    if signed_in(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _join_page(request)


def _waiting(request: Request, waiting: str) -> Response:
    response = RedirectResponse("/join/waiting", status_code=303)
    response.set_cookie(
        JOINING_COOKIE,
        waiting,
        max_age=5 * 60,
        path="/join",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/join")
async def join_by_code(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name") or "")
    devices = application(request).devices()
    try:
        waiting = await anyio.to_thread.run_sync(
            lambda: devices.ask_by_code(
                str(form.get("code") or ""),
                name,
                address=_client(request),
                agent=request.headers.get("user-agent"),
            )
        )
    except (errors.PairingRefused, errors.LinkNotValid) as error:
        return _join_page(request, status=400, error=str(error), device_name=name)
    return _waiting(request, waiting)


@router.get("/join/waiting")
def join_waiting(request: Request) -> Response:
    state = application(request).devices().waiting(request.cookies.get(JOINING_COOKIE, ""))
    return _page(request, "join_waiting.html", state=state)


@router.get("/join/state")
def join_state(request: Request) -> JSONResponse:
    """How this phone's request stands: its waiting page asks every two seconds."""
    state = application(request).devices().waiting(request.cookies.get(JOINING_COOKIE, ""))
    return JSONResponse({"state": state}, headers={"Cache-Control": "no-store"})


@router.get("/join/done")
def join_done(request: Request) -> Response:
    devices = application(request).devices()
    try:
        signed = devices.collect(
            request.cookies.get(JOINING_COOKIE, ""),
            address=_client(request),
            agent=request.headers.get("user-agent"),
        )
    except errors.PairingRefused as error:
        return _page(request, "message.html", status=403, title="Not paired", text=str(error))
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, signed)
    response.delete_cookie(JOINING_COOKIE, path="/join")
    return response


@router.get("/join/{token}")
def join_by_link_form(request: Request, token: str) -> Response:
    return _join_page(request, token=token)


@router.post("/join/{token}")
async def join_by_link(request: Request, token: str) -> Response:
    form = await request.form()
    name = str(form.get("name") or "")
    devices = application(request).devices()
    try:
        waiting = await anyio.to_thread.run_sync(
            lambda: devices.ask_by_token(
                token, name, address=_client(request), agent=request.headers.get("user-agent")
            )
        )
    except errors.LinkNotValid as error:
        return _gone(request, str(error))
    except errors.PairingRefused as error:
        return _join_page(request, status=400, error=str(error), device_name=name, token=token)
    return _waiting(request, waiting)


@router.get("/pair/ca.crt")
def authority_certificate(request: Request) -> Response:
    trust = _trust(request)
    if trust is None:
        return _page(
            request,
            "message.html",
            status=404,
            title="No certificate",
            text="This unknot is not serving HTTPS with its own certificate.",
        )
    return Response(
        trust.certificate_pem,
        media_type="application/x-x509-ca-cert",
        headers={"Content-Disposition": 'attachment; filename="unknot-ca.crt"'},
    )


@router.get("/pair/trust")
def trust_page(request: Request) -> Response:
    return _page(request, "trust.html", trust=_trust(request))


class DeviceGate(SignInGate):
    """The person's own signed-in browsers only, while the app listens on the network: always
    for `unknot serve --pair`, else while the Your data page's listener runs."""

    def __init__(self, app: ASGIApp, always: bool) -> None:
        super().__init__(
            app,
            open_paths=OPEN_PATHS,
            refuse=refusal,
            kinds=("computer", "device"),
            accept=_where_it_belongs,
        )
        self.always = always

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.always:
            state: NetworkState = scope["app"].state.network
            # Read at most once a second, and a tiny table: no thread hop on every request.
            if state.urls() is None:
                scope.setdefault("state", {})["sign_in"] = None
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def on_the_network(request: Request) -> bool:
    """Whether the app listens beyond loopback now, so that every browser signs in."""
    if application(request).network_mode:
        return True
    state: NetworkState = request.app.state.network
    return state.urls() is not None


def install(app: FastAPI, always: bool) -> None:
    """The local app: the gate in front of everything while it listens on the network
    (`always` for `unknot serve --pair`); `include_routes` adds the pages."""

    @app.exception_handler(SignInFirst)
    async def sign_in_first(request: Request, _error: SignInFirst) -> Response:
        return refusal(request)

    @app.exception_handler(OffTheNetwork)
    async def off_the_network(request: Request, _error: OffTheNetwork) -> Response:
        if request.url.path.startswith("/api/"):
            return problem_response(
                request, 409, "Not on the network", "unknot listens on this computer only now."
            )
        return RedirectResponse("/data#phone", status_code=303)

    app.add_middleware(DeviceGate, always=always)


def include_routes(app: FastAPI) -> None:
    """These pages, after the app's own: a request for today's plan is matched against the
    app's routes first (the hot paths of issue 7), not against these."""
    from unknot.web import passkeys

    app.include_router(router)
    app.include_router(api_router)
    app.include_router(passkeys.router)
