"""Errors as RFC 9457 problem details, each with a message a person can act on."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
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


def install(app: FastAPI) -> None:
    """Route every error through problem details."""

    @app.exception_handler(Problem)
    async def on_problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(request, error.status, error.title, error.detail, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p != "body"),
                "message": str(e["msg"]),
            }
            for e in error.errors()
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
        return problem_response(
            request, error.status_code, titles.get(error.status_code, "Error"), detail
        )
