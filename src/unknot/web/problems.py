"""Errors as RFC 9457 problem details, each with a message a person can act on."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

MEDIA_TYPE = "application/problem+json"


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error answer carries them."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    """What is wrong and what to do; a validation error names the field first."""
    instance: str
    """The path that was asked for."""


_WHEN = {
    400: "The request could not be read",
    401: "On the shared server: not signed in, or the sign-in has ended",
    403: "Refused: from another site or origin, or not for this account's role",
    404: "Nothing is there, or no such exercise, session or screening",
    405: "The path does not take this method (`Allow` names those it does)",
    409: "Not now: screening needed, a warning stands, or not this session",
    413: "The body is over 1 MiB",
    415: "The body is not JSON",
    421: "Not a host name this server answers to",
    422: "A field is missing or out of range: `errors` names each",
    503: "The database is read-only, locked, damaged or cannot be reached",
    507: "The disk is full: nothing was lost, this was not saved",
}


def documented_problems() -> dict[int | str, dict[str, Any]]:
    """The error answers every API route can give, for the OpenAPI document (issue 13)."""
    schema = ProblemDetails.model_json_schema()
    content = {MEDIA_TYPE: {"schema": schema}}
    allow = {"Allow": {"description": "the methods this path takes", "schema": {"type": "string"}}}
    return {
        status: {
            "description": text,
            "content": content,
            **({"headers": allow} if status == 405 else {}),
        }
        for status, text in _WHEN.items()
    }


class HTTPProblem(Exception):
    """Raise in a route to answer with problem details."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra


def problem_response(
    request: Request, status: int, title: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this request's path, by the router's own matching."""
    methods = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.append(method)
    return methods


def _field(error: Any, body: Any) -> str:
    """The field a validation error is about: its path in the body, or for a kind that names
    none of a body's forms, the field that names the kind. A body whose form its `kind` picks
    (a session event) has that kind in the error's path, which is not a field: it is left out."""
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return str(error.get("ctx", {}).get("discriminator", "")).strip("'")
    path = [str(p) for p in error["loc"]]
    if path[:1] == ["body"]:
        path = path[1:]
        if len(path) > 1 and isinstance(body, dict) and path[0] == body.get("kind"):
            path = path[1:]
    return ".".join(path)


def install(app: FastAPI) -> None:
    """Route every error through problem details."""

    @app.exception_handler(HTTPProblem)
    async def on_problem(request: Request, error: HTTPProblem) -> JSONResponse:
        return problem_response(request, error.status, error.title, error.detail, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": _field(e, error.body), "message": str(e["msg"])} for e in error.errors()
        ]
        first = fields[0] if fields else {"field": "", "message": "invalid request"}
        return problem_response(
            request,
            422,
            "Invalid request",
            f"{first['field'] or 'body'}: {first['message']}",
            errors=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 413: "Request too large"}
        detail = str(error.detail) if error.detail else titles.get(error.status_code, "Error")
        if error.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}; see /docs for the API"
        response = problem_response(
            request, error.status_code, titles.get(error.status_code, "Error"), detail
        )
        response.headers.update(error.headers or {})
        if error.status_code == 405:
            # RFC 9110 wants every method the path takes; Starlette names only those of the
            # first route that matched the path (GET /profile hid PUT /profile, issue 13).
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response
