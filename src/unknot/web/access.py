"""Who may call each route on the shared server (issue 20): one explicit rule per route, in one
table, enforced before the route runs. A route missing from the table is refused to everyone
(and `tests/web/test_access.py`, which walks the route table, fails).

The rules say which accounts may call a route at all. Which rows they then reach is the
services' part: a person's routes act as that person only, and a clinician's reach a person
only through an accepted care link (`services.care`), so a row they may not read is a 404.
"""

from __future__ import annotations

from typing import Final, Literal

from fastapi import Request

from unknot.web.asking import application, signed_in

Rule = Literal["open", "signed_in", "person", "clinician", "admin", "care"]

WHO: Final[dict[Rule, str]] = {
    "open": "anyone, signed in or not",
    "signed_in": "any signed-in account",
    "person": "a person doing the programme, on their own records",
    "clinician": "a clinician, on people linked to them",
    "admin": "an administrator",
    "care": "a person or a clinician, on their own care links",
}

_PERSON_PAGES = (
    "GET /screening",
    "POST /screening",
    "POST /screening/mistake",
    "GET /clearance",
    "POST /clearance",
    "GET /profile",
    "POST /profile",
    "GET /today",
    "POST /today/swap",
    "GET /sessions/{session_id}/summary",
    "POST /checkin",
    "GET /player",
    "GET /progress",
    "POST /progress/activities",
    "POST /advice/dismiss",
    "GET /handout.pdf",
    "GET /exercises/{exercise_id}/handout.pdf",
    "GET /report.pdf",
    "GET /calendar",
    "POST /calendar",
    "GET /calendar.ics",
    "POST /calendar/feed",
    "POST /calendar/feed/revoke",
    "GET /reminders",
    "POST /reminders",
    "POST /reminders/nudges/stop",
    "GET /breaks/{break_id}",
    "POST /breaks/{break_id}/check-in",
    "GET /history",
    "GET /data",
    "POST /data/forget",
)
_PERSON_API = (
    "GET /api/v1/screening/questions",
    "POST /api/v1/screening",
    "POST /api/v1/screening/{screening_id}/mistake",
    "POST /api/v1/clearance",
    "GET /api/v1/status",
    "GET /api/v1/profile",
    "PUT /api/v1/profile",
    "GET /api/v1/plan/today",
    "GET /api/v1/plan/today/swap/{exercise_id}",
    "POST /api/v1/plan/today/swap",
    "POST /api/v1/sessions",
    "GET /api/v1/sessions/{session_id}/summary",
    "GET /api/v1/sessions/active",
    "POST /api/v1/sessions/{session_id}/runs",
    "POST /api/v1/sessions/{session_id}/events",
    "POST /api/v1/checkins",
    "GET /api/v1/progress",
    "POST /api/v1/advice/dismiss",
    "GET /api/v1/history",
    "GET /api/v1/export",
    "POST /api/v1/forget",
)

RULES: Final[dict[str, Rule]] = {
    **dict.fromkeys(_PERSON_PAGES + _PERSON_API, "person"),
    # The catalog and figures hold no one's data; any account may read them (a clinician
    # choosing exercises, an administrator answering a question).
    "GET /": "signed_in",
    "GET /exercises": "signed_in",
    "GET /exercises/{exercise_id}": "signed_in",
    "GET /figures/{name}": "signed_in",
    "GET /api/v1/catalog": "signed_in",
    "GET /api/v1/catalog/{exercise_id}": "signed_in",
    "GET /docs": "signed_in",
    "GET /sw.js": "open",
    # A calendar service fetching a person's feed: its token is the key (services.calendars).
    "GET /calendar/feed.ics": "open",
    "GET /manifest.webmanifest": "open",
    # Signing in, and the one-time links that lead to it.
    "GET /sign-in": "open",
    "POST /sign-in": "open",
    "POST /sign-in/code": "open",
    "GET /claim/{token}": "open",
    "POST /claim/{token}": "open",
    "GET /invitation/{token}": "open",
    "POST /invitation/{token}": "open",
    "GET /reset": "open",
    "POST /reset": "open",
    "GET /reset/{token}": "open",
    "POST /reset/{token}": "open",
    # One's own account.
    "POST /sign-out": "signed_in",
    "GET /account": "signed_in",
    "POST /account/sessions/{login_id}/end": "signed_in",
    "POST /account/invite": "admin",
    "POST /account/password": "signed_in",
    "POST /account/passkeys/{passkey_id}/remove": "signed_in",
    "POST /account/members/{account_id}/role": "admin",
    "POST /account/members/{member_id}/switch-off": "admin",
    "POST /account/members/{member_id}/switch-on": "admin",
    "POST /account/members/{member_id}/reset-code": "admin",
    "POST /account/email": "signed_in",
    "GET /email/{token}": "open",
    "POST /email/{token}": "open",
    "POST /account/authenticator": "signed_in",
    "POST /account/authenticator/confirm": "signed_in",
    "POST /account/recovery-codes": "signed_in",
    "POST /api/v1/passkeys/options": "signed_in",
    "POST /api/v1/passkeys": "signed_in",
    "POST /api/v1/sign-in/passkey/options": "open",
    "POST /api/v1/sign-in/passkey": "open",
    "GET /confirm": "signed_in",
    "POST /confirm": "signed_in",
    # Care links.
    "GET /care": "care",
    "POST /care/ask": "clinician",
    "POST /care/{link_id}/accept": "person",
    "POST /care/{link_id}/end": "care",
    "GET /people/{account_id}": "clinician",
    "POST /people/{account_id}/notes": "clinician",
    "POST /account/care-links/{link_id}/end": "admin",
}
# Everything about a person leaves or goes for good here, or what signs in as them changes: the
# password must have been given in the last 5 minutes of the sign-in session
# (services.accounts.REAUTH_WITHIN). The services check it again where they can (PasswordAgain).
SENSITIVE: Final = frozenset(
    {
        "GET /data",
        "POST /data/forget",
        "GET /api/v1/export",
        "POST /api/v1/forget",
        "POST /account/email",
        "POST /account/authenticator",
        "POST /account/recovery-codes",
        "POST /account/members/{member_id}/reset-code",
        "POST /account/members/{member_id}/switch-off",
        "POST /account/members/{member_id}/switch-on",
        "POST /account/members/{account_id}/role",
        "POST /account/authenticator/confirm",
    }
)

# Served outside the routers (the schema, static files): the sign-in gate's rule alone.
OUTSIDE_ROUTERS: Final[dict[str, Rule]] = {
    "/openapi.json": "signed_in",
    "/static": "open",
    "/docs/static": "open",
}


class Refused(Exception):
    """The signed-in account's role may not call this route."""


class ReauthNeeded(Exception):
    """A sensitive route, and the password was not given in the last 5 minutes."""


class NoRule(Exception):
    """A route without a rule in `RULES`: refused to everyone until it has one."""


def rule_of(method: str, path: str) -> Rule | None:
    return RULES.get(f"{'GET' if method == 'HEAD' else method} {path}")


def allows(rule: Rule, role: str | None, has_records: bool) -> bool:
    """Whether an account of `role` (None: nobody signed in) may call a route of `rule`."""
    if rule == "open":
        return True
    if role is None:
        return False
    return {
        "signed_in": True,
        "person": has_records,
        "clinician": role == "clinician",
        "admin": role == "admin",
        "care": has_records or role == "clinician",
    }[rule]


async def enforce(request: Request) -> None:
    """The app-wide dependency: on the shared server, the route's rule or a refusal."""
    app = application(request)
    if not app.server_mode:
        return
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    rule = None if path is None else rule_of(request.method, path)
    if rule is None:
        raise NoRule(f"{request.method} {path}")
    found = signed_in(request)
    role = None if found is None else found.account.role
    has_records = found is not None and found.account.person_id is not None
    if allows(rule, role, has_records):
        key = f"{'GET' if request.method == 'HEAD' else request.method} {path}"
        if found is not None and key in SENSITIVE and not app.accounts().recently_signed_in(found):
            raise ReauthNeeded
        return
    if found is None:
        from unknot.web.asking import SignInNeeded

        raise SignInNeeded
    import anyio.to_thread

    from unknot.clock import instant

    records = app.accounts().records
    await anyio.to_thread.run_sync(
        lambda: records.append_audit(
            at=instant(app.clock.now()),
            action="refused",
            actor_account_id=found.account.id,
            detail={"route": f"{request.method} {path}", "rule": rule},
            address=request.client.host if request.client else None,
        )
    )
    raise Refused(WHO[rule])
