"""Passkey routes (issue 20): JSON for the page's script to hand to navigator.credentials and
back. No form tokens: these are JSON calls, which the site guard allows from this site's own
origin only. The shared server installs them, and the local app on a network for its paired
devices at a host name (issue 21)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from unknot.services import errors
from unknot.services.passkeys import Passkey, PasskeyOptions
from unknot.web.asking import application, signed_in
from unknot.web.problems import problem_response

router = APIRouter(prefix="/api/v1", include_in_schema=False)


def _origin(request: Request) -> str:
    """The page's origin as the browser sees it (the site guard has checked the host)."""
    return f"{request.url.scheme}://{request.url.netloc}"


class NewPasskey(BaseModel):
    challenge_id: str = Field(max_length=100)
    name: str = Field(default="Passkey", max_length=200)
    credential: dict[str, Any]


class PasskeySignIn(BaseModel):
    challenge_id: str = Field(max_length=100)
    credential: dict[str, Any]
    next: str = Field(default="/", max_length=2000)


@router.post("/passkeys/options")
def registration_options(request: Request) -> Response:
    found = signed_in(request)
    if found is None:  # the local app off the network: nobody signs in there
        return problem_response(request, 401, "Sign in first", "Nobody is signed in here.")
    try:
        made = application(request).passkeys().registration_options(found, _origin(request))
    except errors.PasswordAgain as error:
        return problem_response(request, 403, "Confirm your password first", str(error))
    return JSONResponse(made.model_dump())


@router.post("/passkeys", status_code=201)
def register(request: Request, body: NewPasskey) -> Response:
    found = signed_in(request)
    if found is None:  # the local app off the network: nobody signs in there
        return problem_response(request, 401, "Sign in first", "Nobody is signed in here.")
    try:
        made: Passkey = (
            application(request)
            .passkeys()
            .register(found, body.challenge_id, body.credential, body.name, _origin(request))
        )
    except errors.PasskeyRefused as error:
        return problem_response(request, 400, "Passkey not added", str(error))
    return JSONResponse(made.model_dump(mode="json"), status_code=201)


@router.post("/sign-in/passkey/options")
def sign_in_options(request: Request) -> PasskeyOptions:
    return application(request).passkeys().sign_in_options(_origin(request))


@router.post("/sign-in/passkey")
async def sign_in(request: Request, body: PasskeySignIn) -> Response:
    from unknot.web.accounts import set_cookie
    from unknot.web.pages import local_path

    passkeys = application(request).passkeys()
    address = request.client.host if request.client else None
    try:
        signed = await anyio.to_thread.run_sync(
            lambda: passkeys.sign_in(
                body.challenge_id,
                body.credential,
                address=address,
                agent=request.headers.get("user-agent"),
                origin=_origin(request),
                as_device=not application(request).server_mode,
            )
        )
    except errors.PasskeyRefused as error:
        return problem_response(request, 400, "Not signed in", str(error))
    target = local_path(body.next, "/")
    if signed.account.person_id is None and target == "/":
        target = "/account"
    response = JSONResponse({"signed_in": True, "next": target})
    set_cookie(request, response, signed)
    return response
