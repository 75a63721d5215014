"""Server-rendered pages. They call the same services as the API; templates only display."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, cast, get_args

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from unknot import services
from unknot.domain.profile import EXPERIENCES, GOALS, Profile
from unknot.domain.progress import NOTE_MAX_CHARS
from unknot.domain.screening import TIER_TITLES, Question, UnansweredQuestions
from unknot.domain.vocabulary import (
    AREAS,
    ITEMS,
    PAIN_AREAS,
    PHASES,
    POSITION_AVOIDANCES,
    Moment,
    parse_score,
)
from unknot.text import PHASE_TITLES, clock, dose_text, planned_dose
from unknot.web.forms import FIELD, FormRefused, FormTokens
from unknot.web.headers import CLEAR_SITE_DATA


async def check_form(request: Request) -> None:
    """Every page form that changes something carries this browser's token (issue 12)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()  # cached on the request: the route reads the same form
    tokens: FormTokens = request.app.state.form_tokens
    tokens.check(request, form.get(FIELD))


router = APIRouter(include_in_schema=False, dependencies=[Depends(check_form)])
MOMENTS = get_args(Moment)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(
    phase_titles=PHASE_TITLES,
    planned_dose=planned_dose,
    clock=clock,
    dose_text=dose_text,
    words=lambda value: str(value).replace("_", " "),
    tier_titles=TIER_TITLES,
)


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    tokens: FormTokens = request.app.state.form_tokens
    workspace: services.Workspace = request.app.state.workspace
    call = workspace.emergency_call()
    values.setdefault("emergency_number", call.number)
    values.setdefault("emergency_guessed", call.guessed)
    values.setdefault("catalog_problems", services.catalog_problems(workspace))
    response = templates.TemplateResponse(
        request, name, {**values, "form_token": tokens.issue(request)}, status_code=status
    )
    tokens.set_cookie(request, response)
    return response


def install(app: FastAPI) -> None:
    """Pages' own error answers: a refused form is a page a person can act on."""

    @app.exception_handler(FormRefused)
    async def on_refused(request: Request, _error: FormRefused) -> HTMLResponse:
        return render(
            request,
            "message.html",
            status=403,
            title="This form could not be accepted",
            text=(
                "It came from another site, or from a page opened before unknot last started "
                "afresh. Nothing was changed. Go back, reload the page and try again."
            ),
        )


def local_path(target: object, fallback: str = "/today") -> str:
    """A redirect target only if it is a path on this site; otherwise `fallback` (issue 12).

    One leading slash, not two (so no scheme either), no backslash or control character:
    browsers read `//host` and `/\\host` as another site, and drop tabs and newlines first.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return fallback
    return target


def ctx(request: Request) -> tuple[services.Workspace, Any]:
    return request.app.state.workspace, request.app.state.clock


def go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
def home(request: Request) -> Response:
    workspace, clock = ctx(request)
    setup = services.prepare(workspace, clock)
    if setup.readiness.needs_screening:
        return go("/screening")
    if setup.store.load_profile(setup.person_id) is None:
        return go("/profile")
    return go("/today")


class QuestionNode:
    """A question with its follow-ups, as the screening form nests them."""

    def __init__(self, question: Question, follow_ups: list[QuestionNode]) -> None:
        self.question = question
        self.follow_ups = follow_ups


def question_tree(parent: str | None = None) -> list[QuestionNode]:
    return [
        QuestionNode(q, question_tree(q.id)) for q in services.questions() if q.ask_if == parent
    ]


def country_choice(request: Request) -> str | None:
    """The country to offer: the one chosen before, else the browser's language's, if any."""
    from unknot.domain.screening import COUNTRY_NAMES, country_of

    workspace: services.Workspace = request.app.state.workspace
    chosen = workspace.open_store().local_country()
    guess = country_of(request.headers.get("accept-language"))
    for country in (chosen, guess):
        if country in COUNTRY_NAMES:
            return country
    return None


def screening_page(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    from unknot.domain.screening import COUNTRY_NAMES

    return render(
        request,
        "screening.html",
        status=status,
        questions=question_tree(),
        countries=sorted(COUNTRY_NAMES.items(), key=lambda item: item[1]),
        country=values.pop("country", None) or country_choice(request),
        **values,
    )


@router.get("/screening")
def screening_form(request: Request) -> HTMLResponse:
    workspace, clock = ctx(request)
    setup = services.prepare(workspace, clock)
    return screening_page(request, reason=setup.readiness.reason, missing=[])


@router.post("/screening")
async def screening_submit(request: Request) -> HTMLResponse:
    workspace, clock = ctx(request)
    form = await request.form()
    from unknot.domain.screening import COUNTRY_NAMES, asked

    answers = {q.id: form.get(q.id) == "yes" for q in services.questions() if form.get(q.id)}
    # Left unchosen, the number stays a guess the pages ask the person to check.
    country = str(form.get("country") or "")
    setup = services.prepare(workspace, clock)
    if country and country not in COUNTRY_NAMES:
        return screening_page(
            request,
            status=422,
            reason="Please choose the country you are in: it sets the emergency number.",
            missing=[],
            given=answers,
        )
    if country:
        services.choose_country(setup.store, setup.person_id, country)
    try:
        record = services.submit_screening(setup.store, setup.person_id, answers, clock, setup.pain)
    except UnansweredQuestions:
        missing = [q.id for q in asked(answers) if q.id not in answers]
        return screening_page(
            request,
            status=422,
            reason='Please answer every question (and each one marked "If yes" after a yes).',
            missing=missing,
            given=answers,
            country=country,
        )
    return _screening_result(request, record.id, record.result)


def _screening_result(request: Request, screening_id: int | None, result: Any) -> HTMLResponse:
    """The result page, with what now stands: a new "no" does not lift an earlier warning."""
    workspace, _ = ctx(request)
    store = workspace.open_store()
    person = store.local_person()
    standing = services.current_standing(store, person) or result
    return render(
        request,
        "screening_result.html",
        result=result,
        standing=standing,
        advice=standing.advice(workspace.emergency()),
        screening_id=screening_id,
        has_profile=store.load_profile(person) is not None,
    )


@router.post("/screening/mistake")
async def screening_mistake(request: Request) -> HTMLResponse:
    """ "I answered this by mistake": the answers are set aside (and kept on record), and the
    questions are asked again with them filled in."""
    workspace, clock = ctx(request)
    form = await request.form()
    screening = str(form.get("screening_id") or "")
    store = workspace.open_store()
    answers = (
        services.withdraw_screening(store, store.local_person(), int(screening), clock)
        if screening.isdigit()
        else None
    )
    if answers is None:
        return render(
            request,
            "message.html",
            status=409,
            title="These answers stand",
            text=(
                "Answers can be set aside as a mistake only from their result page, within 30 "
                "minutes and before a session starts. If something has changed, answer the "
                "questions again; a warning sign stays until a clinician clears you."
            ),
        )
    return screening_page(
        request,
        reason=(
            "Your last answers were set aside as a mistake; that is kept on record. Correct "
            "the answer that was wrong and see the result again."
        ),
        missing=[],
        given=answers,
    )


@router.get("/clearance")
def clearance_form(request: Request) -> HTMLResponse:
    return _clearance_page(request)


def _clearance_page(
    request: Request, status: int = 200, error: str | None = None, **given: str
) -> HTMLResponse:
    workspace, clock = ctx(request)
    setup = services.prepare(workspace, clock)
    from unknot.clock import today as today_of

    return render(
        request,
        "clearance.html",
        status=status,
        standing=setup.readiness.standing,
        today=today_of(clock).isoformat(),
        error=error,
        given=given,
    )


@router.post("/clearance")
async def clearance_submit(request: Request) -> Response:
    import datetime as dt

    workspace, clock = ctx(request)
    form = await request.form()
    given = {k: str(form.get(k) or "").strip() for k in ("seen_on", "seen_by", "note")}
    error = None
    if not given["seen_by"]:
        error = "Say who saw you (for example 'Dr Rao, GP' or 'physiotherapist at the clinic')."
    elif len(given["seen_by"]) > 200 or len(given["note"]) > 1000:
        error = "Keep who saw you under 200 characters and the note under 1,000."
    elif form.get("confirm") != "yes":
        error = "Tick the box to confirm that a clinician saw you and said you may exercise."
    day = None
    if error is None:
        try:
            day = dt.date.fromisoformat(given["seen_on"])
        except ValueError:
            error = "Give the day the clinician saw you, as a date (YYYY-MM-DD)."
    if error is None and day is not None:
        store = workspace.open_store()
        try:
            services.record_clearance(
                store, store.local_person(), clock, day, given["seen_by"], given["note"] or None
            )
        except services.ClearanceProblem as problem:
            error = str(problem).capitalize() + "."
        else:
            return go("/today")
    return _clearance_page(request, status=422, error=error, **given)


@router.get("/profile")
def profile_form(request: Request) -> HTMLResponse:
    workspace, clock = ctx(request)
    profile = services.prepare(workspace, clock).profile
    return render(
        request,
        "profile.html",
        profile=profile,
        pain_areas=PAIN_AREAS,
        items=ITEMS,
        avoidances=POSITION_AVOIDANCES,
        experiences=EXPERIENCES,
        goals=GOALS,
        error=None,
    )


@router.post("/profile")
async def profile_submit(request: Request) -> Response:
    from pydantic import ValidationError

    workspace, clock = ctx(request)
    form = await request.form()
    # Values go to the model as given, so that a wrong one is named by the model's message.
    data = {
        "pain": {a: str(form.get(f"pain_{a}") or 0) for a in PAIN_AREAS},
        "equipment": form.getlist("equipment"),
        "minutes": form.get("minutes") or 15,
        "sessions_per_week": form.get("sessions_per_week") or 3,
        "avoid_positions": form.getlist("avoid_positions"),
        "experience": form.get("experience") or "new",
        "goals": form.getlist("goals") or ["relief"],
    }
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        message = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        return render(
            request,
            "profile.html",
            status=422,
            profile=services.prepare(workspace, clock).profile,
            pain_areas=PAIN_AREAS,
            items=ITEMS,
            avoidances=POSITION_AVOIDANCES,
            experiences=EXPERIENCES,
            goals=GOALS,
            error=message,
        )
    services.save_profile(workspace, clock, profile)
    return go("/today")


@router.get("/today")
def today(request: Request) -> Response:
    workspace, clock = ctx(request)
    setup = services.prepare(workspace, clock)
    if setup.readiness.needs_screening:
        return go("/screening")
    plan_id, plan = None, None
    if setup.readiness.may_start:
        plan_id, plan = services.today_plan(workspace, clock, setup)
    checkins = setup.store.checkins(setup.person_id)
    sessions = setup.store.sessions(setup.person_id)
    from unknot.clock import today as today_of

    day = today_of(clock)
    yesterday = [s for s in sessions if s.started_at.date() < day]
    ask_morning = bool(yesterday) and not any(
        c.day == day and c.moment == "morning" for c in checkins
    )
    return render(
        request,
        "today.html",
        plan=plan,
        plan_id=plan_id,
        advice=services.current_advice(workspace, clock),
        blocked=None
        if setup.readiness.may_start
        else setup.readiness.explanation(workspace.emergency()),
        resumable=setup.resumable,
        standing=setup.readiness.standing,
        ask_morning=ask_morning,
        pain_areas=PAIN_AREAS,
        profile=setup.profile,
        figured={r["id"] for r in services.catalog_records(workspace) if r.get("has_figure")},
    )


@router.post("/today/swap")
async def swap(request: Request) -> Response:
    workspace, clock = ctx(request)
    form = await request.form()
    # If the plan changed under the form, or sessions are held back, today's page says so.
    with contextlib.suppress(LookupError, PermissionError):
        services.swap_exercise(workspace, clock, str(form.get("exercise_id")))
    return go("/today")


@router.post("/checkin")
async def checkin(request: Request) -> Response:
    workspace, clock = ctx(request)
    form = await request.form()
    given = {a: str(form.get(f"pain_{a}")) for a in PAIN_AREAS if form.get(f"pain_{a}")}
    pain = {a: parse_score(v) for a, v in given.items()}
    wrong = [a for a, v in pain.items() if v is None]
    moment = str(form.get("moment") or "check")
    note = str(form.get("note") or "") or None
    if wrong or moment not in MOMENTS or not pain or (note and len(note) > NOTE_MAX_CHARS):
        if wrong or not pain:
            field = f"pain_{wrong[0]}" if wrong else "pain"
            text = f"{field}: give the pain as a whole number from 0 to 10, then save again."
        elif moment not in MOMENTS:
            text = f"moment: one of {', '.join(MOMENTS)}; nothing was saved."
        else:
            text = f"note: keep it to {NOTE_MAX_CHARS} characters, then save again."
        return render(request, "message.html", status=422, title="Nothing was saved", text=text)
    store = workspace.open_store()
    worse = services.record_checkin(
        store,
        store.local_person(),
        clock,
        cast(Moment, moment),
        {a: v for a, v in pain.items() if v is not None},
        note,
    )
    if worse:
        return go("/screening")
    return go(local_path(form.get("next")))


@router.get("/player")
def player(request: Request) -> HTMLResponse:
    from unknot.domain.engine import SYMPTOM_TABLE

    return render(request, "player.html", pain_areas=PAIN_AREAS, symptoms=SYMPTOM_TABLE)


@router.get("/progress")
def progress(request: Request) -> HTMLResponse:
    workspace, clock = ctx(request)
    report = services.progress_report(workspace, clock, 8)
    return render(
        request,
        "progress.html",
        report=report,
        charts=services.chart_svgs(report),
        activity_error=None,
        activities=_activity_names(workspace),
    )


@router.post("/progress/activities")
async def activities(request: Request) -> Response:
    workspace, clock = ctx(request)
    form = await request.form()
    ratings: dict[str, int] = {}
    for number in range(5):
        name = str(form.get(f"activity_{number}") or "").strip()
        score = str(form.get(f"score_{number}") or "")
        value = parse_score(score)
        if name and value is not None:
            ratings[name[:120]] = value
    store = workspace.open_store()
    try:
        services.record_function(store, store.local_person(), clock, ratings)
    except ValueError as error:
        report = services.progress_report(workspace, clock, 8)
        return render(
            request,
            "progress.html",
            status=422,
            report=report,
            charts=services.chart_svgs(report),
            activity_error=str(error),
            activities=_activity_names(workspace),
        )
    return go("/progress")


def _activity_names(workspace: services.Workspace) -> list[str]:
    store = workspace.open_store()
    return sorted({r.activity for r in store.function_ratings(store.local_person())})


@router.post("/advice/dismiss")
async def dismiss(request: Request) -> Response:
    workspace, clock = ctx(request)
    form = await request.form()
    concern = str(form.get("concern"))
    choice = str(form.get("choice") or "").strip()
    from unknot.domain.progress import CONCERNS

    if concern in CONCERNS and choice:
        store = workspace.open_store()
        services.dismiss_advice(store, store.local_person(), clock, concern, choice)
    return go(local_path(form.get("next"), "/progress"))


@router.get("/exercises")
def exercises(
    request: Request, phase: str | None = None, target: str | None = None
) -> HTMLResponse:
    workspace, _ = ctx(request)
    phase = phase if phase in PHASES else None
    target = target if target in AREAS else None
    equipment = [e for e in request.query_params.getlist("equipment") if e in ITEMS] or None
    records = services.catalog_records(workspace, phase=phase, target=target, equipment=equipment)
    return render(
        request,
        "catalog.html",
        records=records,
        phases=PHASES,
        areas=AREAS,
        items=ITEMS,
        chosen={"phase": phase, "target": target, "equipment": equipment or []},
    )


@router.get("/exercises/{exercise_id}")
def exercise(request: Request, exercise_id: str) -> HTMLResponse:
    workspace, _ = ctx(request)
    try:
        record = services.exercise_record(workspace, exercise_id)
    except services.UnknownExercise as error:
        return render(
            request, "message.html", status=404, title="Unknown exercise", text=str(error)
        )
    return render(request, "exercise.html", record=record)


@router.get("/history")
def history(request: Request) -> HTMLResponse:
    workspace, _ = ctx(request)
    return render(request, "history.html", rows=services.session_history(workspace))


@router.get("/data")
def data(request: Request) -> HTMLResponse:
    return render(request, "data.html", deleted=None, error=None)


@router.post("/data/forget")
async def forget(request: Request) -> HTMLResponse:
    workspace, _ = ctx(request)
    form = await request.form()
    if str(form.get("confirm") or "").strip().lower() != "forget me":
        return render(
            request,
            "data.html",
            status=422,
            deleted=None,
            error="Type 'forget me' to confirm; nothing was deleted.",
        )
    # `forgotten`: this page registers no service worker again; it removes the one there was.
    deleted = services.forget(workspace)
    response = render(request, "data.html", deleted=deleted, error=None, forgotten=True)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
