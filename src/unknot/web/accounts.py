"""Signing in on the shared server (issue 20): the gate every request passes, the sign-in
cookie, and the pages for signing in and out, claiming an upgraded local account, and one's own
sign-in sessions.

Only a server-mode app installs any of this; the local app has no login.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from unknot.services import errors
from unknot.web.access import NoRule, ReauthNeeded, Refused
from unknot.web.asking import NoProgramme, SignInNeeded, application, signed_in
from unknot.web.headers import CLEAR_SITE_DATA
from unknot.web.problems import problem_response

if TYPE_CHECKING:
    from unknot.services.accounts import (
        Account,
        Accounts,
        CurrentSignIn,
        LinkPurpose,
        Role,
        SecondStep,
        SignedIn,
    )

ROLES = ("person", "clinician", "admin")

# Over HTTPS the cookie is `__Host-` prefixed: the browser then insists on Secure, Path=/ and
# no Domain, so no other host or subdomain can set or overwrite it. Over plain HTTP (loopback
# trials only) browsers refuse that prefix, so the name is plain.
SECURE_COOKIE = "__Host-unknot_session"
PLAIN_COOKIE = "unknot_session"
# Reached without signing in: signing in, one-time links, and what every page loads.
OPEN_PATHS = (
    "/sign-in",
    "/api/v1/sign-in/",
    "/claim/",
    "/invitation/",
    "/reset",
    "/email/",
    "/calendar/feed.ics",
    "/static/",
    "/sw.js",
    "/manifest.webmanifest",
)


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if request.url.scheme == "https" else PLAIN_COOKIE


def is_open(path: str, open_paths: tuple[str, ...] = OPEN_PATHS) -> bool:
    return any(
        path == p.rstrip("/") or path.startswith(p if p.endswith("/") else p + "/")
        for p in open_paths
    )


def _accounts(request: Request) -> Accounts:
    found: Accounts | None = getattr(request.app.state, "accounts", None)
    if found is None:
        found = application(request).accounts()
        request.app.state.accounts = found
    return found


def refusal(request: Request) -> Response:
    """The answer to a request that needs a sign-in and has none: the API's a 401 problem (the
    player's outbox keeps the event and sends it again once signed in); a page is sent to sign
    in and brought back after."""
    if request.url.path.startswith("/api/"):
        return problem_response(
            request,
            401,
            "Sign in first",
            "This unknot has accounts: sign in at /sign-in, then try again.",
        )
    if request.method in ("GET", "HEAD"):
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(back, safe='/')}", status_code=303)
    from unknot.web.pages import render

    return render(
        request,
        "message.html",
        status=401,
        title="Sign in again",
        text="Your sign-in has ended, so nothing was changed. Sign in, then try again.",
    )


class SignInGate:
    """Every request but those to `OPEN_PATHS` names a live sign-in session in its cookie, or
    is refused before any route runs; the session's account is then `request.state.sign_in`."""

    def __init__(
        self,
        app: ASGIApp,
        open_paths: tuple[str, ...] = OPEN_PATHS,
        refuse: Callable[[Request], Response] = refusal,
        kinds: tuple[str, ...] | None = None,
        accept: Callable[[Scope, CurrentSignIn], bool] | None = None,
    ) -> None:
        self.app = app
        self.open_paths = open_paths
        self.refuse = refuse
        self.accept = accept
        """Whether a sign-in counts on the connection it arrived on."""
        self.kinds = kinds
        """Only sign-ins of these kinds count (the local app's network: the person's own
        devices, never an account of a shared server that used the same database)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        token = request.cookies.get(cookie_name(request))
        found = await anyio.to_thread.run_sync(_accounts(request).current, token) if token else None
        if found is not None and self.kinds is not None and found.kind not in self.kinds:
            found = None
        if found is not None and self.accept is not None and not self.accept(scope, found):
            found = None
        scope.setdefault("state", {})["sign_in"] = found
        if found is None and not is_open(request.url.path, self.open_paths):
            from unknot.web.problems import allowed_methods

            # A method no route takes here is the router's 405 (naming those it does), as
            # for anyone: it reads nobody's data, and the schema lists the routes anyway.
            if request.method in allowed_methods(request) or request.method == "HEAD":
                await self.refuse(request)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _signed_in_response(request: Request, signed: SignedIn, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, signed)
    return response


def set_cookie(request: Request, response: Response, signed: SignedIn) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(
        cookie_name(request),
        signed.token,
        max_age=signed.lifetime_s,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def _page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    from unknot.web.pages import render

    return render(request, name, status=status, **values)


async def _check_form(request: Request) -> None:
    from unknot.web.pages import check_form

    await check_form(request)


router = APIRouter(include_in_schema=False, dependencies=[Depends(_check_form)])


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "/", changed: bool = False) -> Response:
    from unknot.web.pages import local_path

    if signed_in(request) is not None:
        return RedirectResponse(local_path(next, "/"), status_code=303)
    notice = (
        "Your password was changed and every device was signed out. Sign in with the new one."
        if changed
        else None
    )
    return _page(
        request, "sign_in.html", next=local_path(next, "/"), email="", error=None, notice=notice
    )


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    from unknot.web.pages import local_path

    form = await request.form()
    email = str(form.get("email") or "")
    password = str(form.get("password") or "")
    target = local_path(form.get("next"), "/")
    accounts = _accounts(request)
    try:
        signed = await anyio.to_thread.run_sync(
            lambda: accounts.sign_in(
                email,
                password,
                address=_client(request),
                agent=request.headers.get("user-agent"),
            )
        )
    except (errors.SignInRefused, errors.SignInThrottled) as error:
        status = 429 if isinstance(error, errors.SignInThrottled) else 400
        page = _page(
            request,
            "sign_in.html",
            status=status,
            next=target,
            email=email,
            error=str(error),
            notice=None,
        )
        if isinstance(error, errors.SignInThrottled):
            page.headers["Retry-After"] = str(error.retry_after_s)
        return page
    return _signed_in_or_next_step(request, signed, target)


def _signed_in_or_next_step(
    request: Request, signed: SignedIn | SecondStep, target: str, error: str | None = None
) -> Response:
    """Signed in: the cookie, and on to the page (an account without a programme to its own
    page; a first enrolment by its recovery codes). A second step needed: its page."""
    from unknot.services.accounts import SecondStep

    if isinstance(signed, SecondStep):
        return _page(request, "second_step.html", step=signed, next=target, error=error)
    if signed.account.person_id is None and target == "/":
        target = "/account"
    if signed.recovery_codes:
        page = _page(request, "recovery_codes.html", codes=signed.recovery_codes, next=target)
        set_cookie(request, page, signed)
        return page
    return _signed_in_response(request, signed, target)


def _from_the_password(request: Request, target: str, message: str) -> HTMLResponse:
    """The second step's 5 minutes are over: the sign-in form again, saying so."""
    return _page(
        request, "sign_in.html", status=400, next=target, email="", error=message, notice=None
    )


@router.post("/sign-in/code")
async def second_step(request: Request) -> Response:
    from unknot.web.pages import local_path

    form = await request.form()
    step_token = str(form.get("step") or "")
    target = local_path(form.get("next"), "/")
    accounts = _accounts(request)
    try:
        signed = await anyio.to_thread.run_sync(
            lambda: accounts.complete_sign_in(
                step_token,
                str(form.get("code") or ""),
                address=_client(request),
                agent=request.headers.get("user-agent"),
            )
        )
    except errors.LinkNotValid as error:
        return _from_the_password(request, target, str(error))
    except (errors.SignInRefused, errors.SignInThrottled) as error:
        status = 429 if isinstance(error, errors.SignInThrottled) else 400
        try:
            again = accounts.second_step_again(step_token)
        except errors.LinkNotValid as gone:
            return _from_the_password(request, target, str(gone))
        return _page(
            request, "second_step.html", status=status, step=again, next=target, error=str(error)
        )
    return _signed_in_or_next_step(request, signed, target)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    _accounts(request).sign_out(request.cookies.get(cookie_name(request)))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(
        cookie_name(request), path="/", secure=request.url.scheme == "https", httponly=True
    )
    # Nothing of this account stays in the browser for whoever signs in next on it.
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


# The pages that set a password through a one-time link: what each says and does.
LINK_PAGES: dict[str, tuple[str, str]] = {
    "claim": (
        "Set up your account",
        "This unknot now has accounts. Everything you recorded is kept: choose the e-mail "
        "address and password you will sign in with.",
    ),
    "invitation": ("Choose your password", "Choose the password you will sign in with."),
    "reset": (
        "Choose a new password",
        "Choose a new password. Every device you were signed in on will be signed out.",
    ),
}


def _link_page(
    request: Request, purpose: LinkPurpose, token: str, status: int = 200, **values: Any
) -> HTMLResponse:
    title, intro = LINK_PAGES[purpose]
    values.setdefault("email", "")
    values.setdefault("error", None)
    return _page(
        request,
        "choose_password.html",
        status=status,
        title=title,
        intro=intro,
        action=f"/{purpose}/{token}",
        ask_email=purpose == "claim",
        **values,
    )


def _link_gone(request: Request) -> HTMLResponse:
    return _page(
        request,
        "message.html",
        status=404,
        title="This link has been used or has expired",
        text="Ask your unknot administrator for a new one, or reset your password at /reset.",
    )


def _link_form(request: Request, purpose: LinkPurpose, token: str) -> HTMLResponse:
    if not _accounts(request).link_is_valid(token, purpose):
        return _link_gone(request)
    return _link_page(request, purpose, token)


async def _link_post(request: Request, purpose: LinkPurpose, token: str) -> Response:
    form = await request.form()
    email = str(form.get("email") or "")
    password = str(form.get("password") or "")
    if password != str(form.get("password_again") or ""):
        return _link_page(
            request,
            purpose,
            token,
            status=400,
            email=email,
            error="The two passwords are not the same; type them again.",
        )
    accounts = _accounts(request)
    address, agent = _client(request), request.headers.get("user-agent")

    def use() -> SignedIn | SecondStep | None:
        if purpose == "claim":
            return accounts.claim(token, email, password, address=address, agent=agent)
        if purpose == "invitation":
            return accounts.accept_invitation(token, password, address=address, agent=agent)
        accounts.reset_password(token, password, address=address)
        return None

    try:
        signed = await anyio.to_thread.run_sync(use)
    except errors.LinkNotValid:
        return _link_gone(request)
    except (errors.PasswordRejected, errors.AccountProblem) as error:
        return _link_page(request, purpose, token, status=400, email=email, error=str(error))
    if signed is None:
        return RedirectResponse("/sign-in?changed=1", status_code=303)
    return _signed_in_or_next_step(request, signed, "/")


@router.get("/claim/{token}")
def claim_form(request: Request, token: str) -> Response:
    return _link_form(request, "claim", token)


@router.post("/claim/{token}")
async def claim(request: Request, token: str) -> Response:
    return await _link_post(request, "claim", token)


@router.get("/invitation/{token}")
def invitation_form(request: Request, token: str) -> Response:
    return _link_form(request, "invitation", token)


@router.post("/invitation/{token}")
async def accept_invitation(request: Request, token: str) -> Response:
    return await _link_post(request, "invitation", token)


@router.get("/reset")
def reset_form(request: Request) -> Response:
    return _page(request, "reset.html", asked=False)


@router.post("/reset")
async def ask_reset(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email") or "")
    accounts = _accounts(request)
    address = _client(request)
    await anyio.to_thread.run_sync(lambda: accounts.request_reset(email, address=address))
    # The same page whether or not an account has the address.
    return _page(request, "reset.html", asked=True)


@router.get("/reset/{token}")
def new_password_form(request: Request, token: str) -> Response:
    return _link_form(request, "reset", token)


@router.post("/reset/{token}")
async def new_password(request: Request, token: str) -> Response:
    return await _link_post(request, "reset", token)


def _account_page(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    found = signed_in(request)
    assert found is not None  # the gate lets nobody else here
    accounts = _accounts(request)
    values.setdefault("invited", None)
    values.setdefault("invite_error", None)
    values.setdefault("password_error", None)
    values.setdefault("email_error", None)
    values.setdefault("email_sent_to", None)
    values.setdefault("code_error", None)
    values.setdefault("changed", request.query_params.get("changed") == "1")
    return _page(
        request,
        "account.html",
        status=status,
        passkeys=application(request).passkeys().passkeys(found.account.id),
        recovery_left=accounts.recovery_codes_left(found.account.id),
        recent=accounts.recently_signed_in(found),
        sessions=accounts.sessions(found.account.id, found.login_id),
        people=accounts.members(found.account.organisation_id)
        if found.account.role == "admin"
        else [],
        care_links=application(request).care().organisation_links(found.account)
        if found.account.role == "admin"
        else [],
        **values,
    )


@router.get("/confirm")
def confirm_form(request: Request, next: str = "/data") -> Response:
    from unknot.web.pages import local_path

    return _page(request, "confirm.html", next=local_path(next, "/data"), error=None)


@router.post("/confirm")
async def confirm(request: Request) -> Response:
    from unknot.web.pages import local_path

    found = signed_in(request)
    assert found is not None
    form = await request.form()
    target = local_path(form.get("next"), "/data")
    accounts = _accounts(request)
    try:
        await anyio.to_thread.run_sync(
            lambda: accounts.confirm_password(
                found, str(form.get("password") or ""), address=_client(request)
            )
        )
    except (errors.SignInRefused, errors.SignInThrottled) as error:
        status = 429 if isinstance(error, errors.SignInThrottled) else 400
        return _page(request, "confirm.html", status=status, next=target, error=str(error))
    return RedirectResponse(target, status_code=303)


@router.get("/account")
def account(request: Request) -> Response:
    return _account_page(request)


@router.post("/account/invite")
async def invite(request: Request) -> Response:
    found = signed_in(request)
    assert found is not None
    form = await request.form()
    role = str(form.get("role") or "")
    if role not in ROLES:
        return _account_page(
            request, status=400, invite_error="Choose a role: person, clinician or administrator."
        )
    accounts = _accounts(request)
    try:
        invited = await anyio.to_thread.run_sync(
            lambda: accounts.invite(
                found.account,
                str(form.get("email") or ""),
                cast("Role", role),
                address=_client(request),
            )
        )
    except errors.AccountProblem as error:
        status = 403 if found.account.role != "admin" else 400
        return _account_page(request, status=status, invite_error=str(error))
    return _account_page(request, invited=invited)


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    found = signed_in(request)
    assert found is not None
    form = await request.form()
    new = str(form.get("new") or "")
    if new != str(form.get("new_again") or ""):
        return _account_page(
            request, status=400, password_error="The two new passwords are not the same."
        )
    accounts = _accounts(request)
    try:
        signed = await anyio.to_thread.run_sync(
            lambda: accounts.change_password(
                found,
                str(form.get("old") or ""),
                new,
                address=_client(request),
                agent=request.headers.get("user-agent"),
            )
        )
    except (errors.SignInRefused, errors.SignInThrottled, errors.PasswordRejected) as error:
        status = 429 if isinstance(error, errors.SignInThrottled) else 400
        return _account_page(request, status=status, password_error=str(error))
    # A new session id with the new password; the page is read under it.
    response = RedirectResponse("/account?changed=1", status_code=303)
    set_cookie(request, response, signed)
    return response


@router.post("/account/members/{account_id}/role")
async def change_role(request: Request, account_id: int) -> Response:
    found = signed_in(request)
    assert found is not None
    form = await request.form()
    role = str(form.get("role") or "")
    if role not in ROLES:
        return _account_page(request, status=400, invite_error="Choose clinician or administrator.")
    try:
        _accounts(request).change_role(found.account, account_id, cast("Role", role))
    except errors.NotLinked as error:
        return _page(request, "message.html", status=404, title="Not found", text=str(error))
    except errors.AccountProblem as error:
        return _account_page(request, status=400, invite_error=str(error))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/email")
async def change_email(request: Request) -> Response:
    found = signed_in(request)
    assert found is not None
    form = await request.form()
    email = str(form.get("email") or "")
    accounts = _accounts(request)
    try:
        sent_to = await anyio.to_thread.run_sync(
            lambda: accounts.ask_email_change(found, email, address=_client(request))
        )
    except errors.PasswordAgain:
        return RedirectResponse("/confirm?next=/account", status_code=303)
    except errors.AccountProblem as error:
        return _account_page(request, status=400, email_error=str(error))
    return _account_page(request, email_sent_to=sent_to)


@router.get("/email/{token}")
def email_form(request: Request, token: str) -> Response:
    # Opening the link changes nothing: mail scanners fetch links before people do.
    new = _accounts(request).email_link_address(token)
    if new is None:
        return _link_gone(request)
    return _page(request, "confirm_email.html", email=new, action=f"/email/{token}")


@router.post("/email/{token}")
async def confirm_email(request: Request, token: str) -> Response:
    await request.form()
    accounts = _accounts(request)
    try:
        changed = await anyio.to_thread.run_sync(
            lambda: accounts.confirm_email_change(token, address=_client(request))
        )
    except errors.LinkNotValid:
        return _link_gone(request)
    except errors.AccountProblem as error:
        return _page(
            request,
            "message.html",
            status=409,
            title="Your address stays as it was",
            text=str(error),
        )
    return _page(
        request,
        "message.html",
        title="Your e-mail address is changed",
        text=f"You sign in with {changed.email} from now on.",
    )


@router.post("/account/authenticator")
def new_authenticator(request: Request) -> Response:
    found = signed_in(request)
    assert found is not None
    try:
        step = _accounts(request).start_new_authenticator(found)
    except errors.PasswordAgain:
        return RedirectResponse("/confirm?next=/account", status_code=303)
    except errors.AccountProblem as error:
        return _account_page(request, status=400, code_error=str(error))
    return _page(request, "second_step.html", step=step, replacing=True, error=None)


@router.post("/account/authenticator/confirm")
async def confirm_new_authenticator(request: Request) -> Response:
    found = signed_in(request)
    assert found is not None
    form = await request.form()
    accounts = _accounts(request)
    try:
        codes = await anyio.to_thread.run_sync(
            lambda: accounts.confirm_new_authenticator(
                found, str(form.get("code") or ""), address=_client(request)
            )
        )
    except errors.PasswordAgain:
        return RedirectResponse("/confirm?next=/account", status_code=303)
    except errors.AccountProblem as error:
        return _account_page(request, status=400, code_error=str(error))
    except (errors.SignInRefused, errors.SignInThrottled) as error:
        again = accounts.new_authenticator_again(found)
        if again is None:
            return _account_page(request, status=400, code_error=str(error))
        status = 429 if isinstance(error, errors.SignInThrottled) else 400
        return _page(
            request,
            "second_step.html",
            status=status,
            step=again,
            replacing=True,
            error=str(error),
        )
    return _page(request, "recovery_codes.html", codes=codes, next="/account")


@router.post("/account/recovery-codes")
def new_recovery_codes(request: Request) -> Response:
    found = signed_in(request)
    assert found is not None
    try:
        codes = _accounts(request).replace_recovery_codes(found, address=_client(request))
    except errors.PasswordAgain:
        return RedirectResponse("/confirm?next=/account", status_code=303)
    except errors.AccountProblem as error:
        return _account_page(request, status=400, code_error=str(error))
    return _page(request, "recovery_codes.html", codes=codes, next="/account")


def _change_member(request: Request, change: Callable[[Accounts, Account], object]) -> Response:
    found = signed_in(request)
    assert found is not None
    try:
        change(_accounts(request), found.account)
    except errors.NotLinked as error:
        return _page(request, "message.html", status=404, title="Not found", text=str(error))
    except errors.AccountProblem as error:
        return _account_page(request, status=400, invite_error=str(error))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/members/{member_id}/switch-off")
def switch_off(request: Request, member_id: int) -> Response:
    address = _client(request)
    return _change_member(request, lambda a, by: a.switch_off(by, member_id, address=address))


@router.post("/account/members/{member_id}/switch-on")
def switch_on(request: Request, member_id: int) -> Response:
    address = _client(request)
    return _change_member(request, lambda a, by: a.switch_on(by, member_id, address=address))


@router.post("/account/members/{member_id}/reset-code")
def reset_code(request: Request, member_id: int) -> Response:
    address = _client(request)
    return _change_member(
        request, lambda a, by: a.reset_second_factor(by, member_id, address=address)
    )


@router.post("/account/passkeys/{passkey_id}/remove")
def remove_passkey(request: Request, passkey_id: int) -> Response:
    found = signed_in(request)
    assert found is not None
    try:
        application(request).passkeys().remove(found, passkey_id)
    except errors.PasswordAgain:
        return RedirectResponse("/confirm?next=/account", status_code=303)
    except errors.NotLinked as error:
        return _page(request, "message.html", status=404, title="Not found", text=str(error))
    return RedirectResponse("/account", status_code=303)


@router.post("/account/sessions/{login_id}/end")
def end_session(request: Request, login_id: int) -> Response:
    found = signed_in(request)
    assert found is not None
    _accounts(request).revoke(found.account.id, login_id)
    if login_id == found.login_id:
        return sign_out(request)
    return RedirectResponse("/account", status_code=303)


def install(app: FastAPI) -> None:
    """Server mode: the gate in front of everything, these pages, and the answers for a
    request that reaches a person's route without one."""

    @app.exception_handler(SignInNeeded)
    async def on_sign_in_needed(request: Request, _error: SignInNeeded) -> Response:
        return refusal(request)

    @app.exception_handler(NoProgramme)
    async def on_no_programme(request: Request, _error: NoProgramme) -> Response:
        if request.url.path.startswith("/api/"):
            return problem_response(
                request,
                403,
                "Not a person's account",
                "This account manages unknot or sees people through care links; it has no "
                "exercise programme of its own.",
            )
        return _page(
            request,
            "message.html",
            status=403,
            title="This account has no programme of its own",
            text="It manages unknot, or sees people through care links. Your account page is "
            "at /account.",
        )

    @app.exception_handler(ReauthNeeded)
    async def on_reauth(request: Request, _error: ReauthNeeded) -> Response:
        if request.url.path.startswith("/api/"):
            return problem_response(
                request,
                403,
                "Confirm your password first",
                "Downloading or deleting everything, or changing how you sign in, needs your "
                "password from the last 5 minutes: give it at /confirm, then try again.",
            )
        back = (
            request.url.path
            if request.method == "GET"
            else "/account"
            if request.url.path.startswith("/account")
            else "/data"
        )
        if request.method == "GET":
            return RedirectResponse(f"/confirm?next={quote(back, safe='/')}", status_code=303)
        return _page(request, "confirm.html", status=403, next=back, error=None)

    @app.exception_handler(Refused)
    @app.exception_handler(NoRule)
    async def on_refused(request: Request, error: Exception) -> Response:
        who = str(error) if isinstance(error, Refused) else "nobody yet: it has no access rule"
        if request.url.path.startswith("/api/"):
            return problem_response(request, 403, "Not for this account", f"This is for {who}.")
        return _page(
            request,
            "message.html",
            status=403,
            title="Not for this account",
            text=f"This page is for {who}.",
        )

    from unknot.web import care, passkeys

    app.include_router(router)
    app.include_router(care.router)
    app.include_router(passkeys.router)
    app.add_middleware(SignInGate)
