"""Database faults answered as a person can act on them: a problem for the API, a page else.

A full disk, a read-only folder or a damaged database file used to surface as a bare 500 with a
traceback in the server's log (issue 13). The status says whether retrying can help: 507 when
the disk is full, 503 otherwise.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from unknot.services.errors import StorageFault, database_errors
from unknot.web.asking import application
from unknot.web.problems import problem_response

STATUS = {"full": 507, "read_only": 503, "busy": 503, "not_a_database": 503, "unreachable": 503}


def answer(request: Request, fault: StorageFault) -> Response:
    status = STATUS[fault.kind]
    headers = {"Retry-After": "5"} if fault.kind == "busy" else {}
    if request.url.path.startswith("/api/"):
        response: Response = problem_response(
            request, status, fault.title, str(fault), fault=fault.kind
        )
    else:
        from unknot.web.pages import render

        text = str(fault)
        text = f"{text[:1].upper()}{text[1:]}."
        response = render(request, "message.html", status=status, title=fault.title, text=text)
    response.headers.update(headers)
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(StorageFault)
    async def on_fault(request: Request, error: StorageFault) -> Response:
        return answer(request, error)

    async def on_driver_error(request: Request, error: Exception) -> Response:
        fault = application(request).fault_of(error)
        if fault is None:
            raise error
        return answer(request, fault)

    for kind in database_errors():
        app.add_exception_handler(kind, on_driver_error)
