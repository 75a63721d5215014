"""Care-link pages (issue 20): a clinician asks, the person accepts or ends, the clinician reads
the person's records and writes notes. Only a server-mode app installs them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unknot.services import errors
from unknot.services.accounts import Account
from unknot.web.asking import application, signed_in


async def _check_form(request: Request) -> None:
    from unknot.web.pages import check_form

    await check_form(request)


router = APIRouter(include_in_schema=False, dependencies=[Depends(_check_form)])


def _account(request: Request) -> Account:
    found = signed_in(request)
    assert found is not None  # web.access lets only signed-in accounts of the right role here
    return found.account


def _page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    from unknot.web.pages import render

    return render(request, name, status=status, **values)


def _care_page(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    from unknot.services.care import CONSENT_TEXT, CONSENT_VERSION

    care = application(request).care()
    you = _account(request)
    values.setdefault("error", None)
    return _page(
        request,
        "care.html",
        status=status,
        links=care.links(you),
        consent_text=CONSENT_TEXT,
        consent_version=CONSENT_VERSION,
        notes=care.notes(you.id) if you.role == "person" else [],
        looked=care.who_looked(you) if you.role == "person" else [],
        **values,
    )


def _not_found(request: Request, error: Exception) -> HTMLResponse:
    return _page(request, "message.html", status=404, title="Not found", text=str(error))


@router.get("/care")
def care_page(request: Request) -> Response:
    return _care_page(request)


@router.post("/care/ask")
async def ask(request: Request) -> Response:
    form = await request.form()
    try:
        application(request).care().ask(_account(request), str(form.get("email") or ""))
    except errors.AccountProblem as error:
        return _care_page(request, status=400, error=str(error))
    return RedirectResponse("/care", status_code=303)


@router.post("/care/{link_id}/accept")
async def accept(request: Request, link_id: int) -> Response:
    form = await request.form()
    try:
        application(request).care().accept(
            _account(request), link_id, str(form.get("consent_version") or "")
        )
    except errors.NotLinked as error:
        return _not_found(request, error)
    except errors.AccountProblem as error:
        return _care_page(request, status=409, error=str(error))
    return RedirectResponse("/care", status_code=303)


@router.post("/care/{link_id}/end")
def end(request: Request, link_id: int) -> Response:
    try:
        application(request).care().end(_account(request), link_id)
    except errors.NotLinked as error:
        return _not_found(request, error)
    return RedirectResponse("/care", status_code=303)


@router.get("/people/{account_id}")
def person(request: Request, account_id: int) -> Response:
    try:
        records = application(request).care().person_records(_account(request), account_id)
    except errors.NotLinked as error:
        return _not_found(request, error)
    return _page(request, "person.html", records=records, error=None)


@router.post("/people/{account_id}/notes")
async def write_note(request: Request, account_id: int) -> Response:
    form = await request.form()
    care = application(request).care()
    try:
        care.write_note(_account(request), account_id, str(form.get("text") or ""))
    except errors.NotLinked as error:
        return _not_found(request, error)
    except errors.AccountProblem as error:
        records = care.person_records(_account(request), account_id)
        return _page(request, "person.html", status=400, records=records, error=str(error))
    return RedirectResponse(f"/people/{account_id}", status_code=303)


@router.post("/account/care-links/{link_id}/end")
def end_as_administrator(request: Request, link_id: int) -> Response:
    try:
        application(request).care().end_as_administrator(_account(request), link_id)
    except errors.NotLinked as error:
        return _not_found(request, error)
    return RedirectResponse("/account", status_code=303)
