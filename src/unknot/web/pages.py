"""Server-rendered pages. They call the same services as the API; templates only display."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import Path as FastAPIPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from unknot.services import errors
from unknot.services.actor import Actor
from unknot.services.catalog import Exercises
from unknot.services.models import (
    COUNTRY_NAMES,
    EXPERIENCES,
    GOALS,
    NOTE_MAX_CHARS,
    SYMPTOM_TABLE,
    TIER_TITLES,
    Profile,
    Question,
    ScreeningResult,
)
from unknot.services.printouts import LABEL_MAX, PAPERS, Paper
from unknot.services.progress import HISTORY_PAGE
from unknot.services.vocabulary import (
    AREAS,
    CONCERNS,
    ITEMS,
    MOMENTS,
    PAIN_AREAS,
    PHASES,
    POSITION_AVOIDANCES,
    WEEK_STARTS,
    parse_score,
)
from unknot.services.wording import (
    CHOICE_WORDS,
    PHASE_TITLES,
    STATUS_WORDS,
    VERDICT_WORDS,
    browser_words,
    clock,
    day_text,
    dose_text,
    local_time,
    planned_dose,
    records_text,
    validation_message,
    week_days,
    week_span,
    weekday_text,
    words,
)
from unknot.web.asking import actor, application, forget_everything, signed_in, who_is_asking
from unknot.web.asking import catalog as catalog_of
from unknot.web.figures import figure_path
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
You = Annotated[Actor, Depends(actor)]
Catalog = Annotated[Exercises, Depends(catalog_of)]
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(
    phase_titles=PHASE_TITLES,
    planned_dose=planned_dose,
    clock=clock,
    dose_text=dose_text,
    words=words,
    tier_titles=TIER_TITLES,
    verdict_words=VERDICT_WORDS,
    records_text=records_text,
    choice_words=CHOICE_WORDS,
    local_time=local_time,
    day_text=day_text,
    weekday_text=weekday_text,
    week_span=week_span,
    week_days=week_days,
    status_words=STATUS_WORDS,
    figure_path=figure_path,
    browser_words=browser_words,
)


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    tokens: FormTokens = request.app.state.form_tokens
    found = signed_in(request)
    if application(request).server_mode and (found is None or found.account.person_id is None):
        # Nobody's records to read: signing in, or an account that manages unknot.
        call = application(request).workspace.emergency_call(None)
        values.setdefault("catalog_problems", [])
    else:
        you = who_is_asking(request)
        call = you.emergency_call()
        values.setdefault("catalog_problems", you.catalog_problems())
    values.setdefault("emergency_number", call.number)
    values.setdefault("emergency_guessed", call.guessed)
    values.setdefault("account", found.account if found else None)
    # On the shared server before signing in, the menu's pages would only ask to sign in.
    from unknot.web.devices import on_the_network

    network = not application(request).server_mode and on_the_network(request)
    values.setdefault("signed_out", (application(request).server_mode or network) and found is None)
    values.setdefault("shared", application(request).server_mode)
    values.setdefault("network", network)
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


def go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
def home(request: Request) -> Response:
    found = signed_in(request)
    if found is not None and found.account.person_id is None:
        return go("/account")  # an administrator or clinician: no programme of their own
    you = who_is_asking(request)
    now = you.situation()
    if now.readiness.needs_screening:
        return go("/screening")
    if not now.has_profile:
        return go("/profile")
    return go("/today")


class QuestionNode:
    """A question with its follow-ups, as the screening form nests them."""

    def __init__(self, question: Question, follow_ups: list[QuestionNode], number: int = 0) -> None:
        self.question = question
        self.follow_ups = follow_ups
        self.number = number


def question_tree(you: Actor, parent: str | None = None) -> list[QuestionNode]:
    return [
        QuestionNode(q, question_tree(you, q.id)) for q in you.questions() if q.ask_if == parent
    ]


def question_groups(you: Actor) -> list[tuple[str, list[QuestionNode]]]:
    """The form's themes, each with its questions and their follow-ups, numbered throughout."""
    groups = []
    number = 0
    for theme, questions in you.question_themes():
        nodes = []
        for question in questions:
            number += 1
            nodes.append(QuestionNode(question, question_tree(you, question.id), number))
        groups.append((theme, nodes))
    return groups


def screening_page(request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    you = who_is_asking(request)
    return render(
        request,
        "screening.html",
        status=status,
        groups=question_groups(you),
        countries=sorted(COUNTRY_NAMES.items(), key=lambda item: item[1]),
        country=values.pop("country", None)
        or you.country_to_offer(request.headers.get("accept-language")),
        **values,
    )


@router.get("/screening")
def screening_form(request: Request, you: You) -> HTMLResponse:
    return screening_page(request, reason=you.situation().readiness.reason, missing=[])


@router.post("/screening")
async def screening_submit(request: Request, you: You) -> HTMLResponse:
    form = await request.form()
    answers = {q.id: form.get(q.id) == "yes" for q in you.questions() if form.get(q.id)}
    # Left unchosen, the number stays a guess the pages ask the person to check.
    country = str(form.get("country") or "")
    if country and country not in COUNTRY_NAMES:
        return screening_page(
            request,
            status=422,
            reason="Please choose the country you are in: it sets the emergency number.",
            missing=[],
            given=answers,
        )
    try:
        outcome = you.submit_screening(answers, country or None)
    except errors.MissingAnswers as error:
        return screening_page(
            request,
            status=422,
            reason='Please answer every question (and each one marked "If yes" after a yes).',
            missing=error.missing,
            given=answers,
            country=country,
        )
    return _screening_result(request, you, outcome.id, outcome.result, outcome.standing)


def _screening_result(
    request: Request,
    you: Actor,
    screening_id: int | None,
    result: ScreeningResult,
    standing: ScreeningResult,
) -> HTMLResponse:
    """The result page, with what now stands: a new "no" does not lift an earlier warning."""
    return render(
        request,
        "screening_result.html",
        result=result,
        standing=standing,
        advice=standing.advice(you.emergency_call().number),
        screening_id=screening_id,
        has_profile=you.situation().has_profile,
    )


@router.post("/screening/mistake")
async def screening_mistake(request: Request, you: You) -> HTMLResponse:
    """ "I answered this by mistake": the answers are set aside (and kept on record), and the
    questions are asked again with them filled in."""
    form = await request.form()
    screening = str(form.get("screening_id") or "")
    given = screening.isascii() and screening.isdigit() and len(screening) < 19
    answers = you.withdraw_screening(int(screening)) if given else None
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
def clearance_form(request: Request, you: You) -> HTMLResponse:
    return _clearance_page(request, you)


def _clearance_page(
    request: Request, you: Actor, status: int = 200, error: str | None = None, **given: str
) -> HTMLResponse:
    return render(
        request,
        "clearance.html",
        status=status,
        standing=you.situation().readiness.standing,
        today=you.today_date().isoformat(),
        error=error,
        given=given,
    )


@router.post("/clearance")
async def clearance_submit(request: Request, you: You) -> Response:
    import datetime as dt

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
        try:
            you.record_clearance(day, given["seen_by"], given["note"] or None)
        except errors.ClearanceProblem as problem:
            error = str(problem).capitalize() + "."
        else:
            return go("/today")
    return _clearance_page(request, you, status=422, error=error, **given)


def _profile_page(
    request: Request, profile: Profile, status: int = 200, error: str | None = None
) -> HTMLResponse:
    return render(
        request,
        "profile.html",
        status=status,
        profile=profile,
        pain_areas=PAIN_AREAS,
        items=ITEMS,
        avoidances=POSITION_AVOIDANCES,
        experiences=EXPERIENCES,
        goals=GOALS,
        week_start=who_is_asking(request).week_start(),
        error=error,
    )


@router.get("/profile")
def profile_form(request: Request, you: You) -> HTMLResponse:
    return _profile_page(request, you.profile())


@router.post("/profile")
async def profile_submit(request: Request, you: You) -> Response:
    from pydantic import ValidationError

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
    week_start = str(form.get("week_start") or "")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as error:
        return _profile_page(request, you.profile(), 422, validation_message(error))
    if week_start and week_start not in WEEK_STARTS:
        return _profile_page(
            request, you.profile(), 422, f"week_start: one of {', '.join(WEEK_STARTS)}"
        )
    you.save_profile(profile)
    if week_start and week_start != you.week_start():
        you.choose_week_start(week_start)
    return go("/today")


@router.get("/today")
def today(request: Request, you: You) -> Response:
    page = you.today()
    now = page.situation
    if now.readiness.needs_screening:
        return go("/screening")
    swapping = request.query_params.get("swap")
    choices = []
    if swapping and page.plan is not None:
        # Swap offers a choice (issue 17): the exercises that fit the same place.
        with contextlib.suppress(errors.NotInPlan, errors.SessionsHeldBack, errors.NoSwap):
            choices = you.swap_choices(swapping)
    return render(
        request,
        "today.html",
        plan=page.plan,
        plan_id=page.plan.plan_id if page.plan else None,
        advice=page.advice,
        blocked=now.held_back,
        resumable=now.resumable,
        standing=now.readiness.standing,
        ask_morning=page.ask_morning,
        pain_areas=PAIN_AREAS,
        profile=now.profile,
        figured=page.figured,
        done=page.done if request.query_params.get("again") is None else None,
        swapping=swapping,
        choices=choices,
    )


@router.post("/today/swap")
async def swap(request: Request, you: You) -> Response:
    form = await request.form()
    exercise_id = str(form.get("exercise_id"))
    replacement = str(form.get("replacement") or "") or None
    # If the plan changed under the form, or sessions are held back, today's page says so.
    with contextlib.suppress(errors.NotInPlan, errors.SessionsHeldBack, errors.NoSwap):
        you.swap_exercise(exercise_id, replacement)
        # Back where the person was on the page: at the exercise now in that place.
        return go(f"/today#item-{replacement or exercise_id}")
    return go(f"/today#item-{exercise_id}")


@router.get("/sessions/{session_id}/summary")
def summary(request: Request, you: You, session_id: str) -> Response:
    try:
        if not (session_id.isascii() and session_id.isdigit()) or len(session_id) > 18:
            raise errors.NoSuchSession(session_id)
        done = you.session_summary(int(session_id))
    except errors.NoSuchSession:
        return render(
            request,
            "message.html",
            status=404,
            title="No such session",
            text="That session is not one of yours. Your sessions are listed under History.",
        )
    return render(request, "summary.html", done=done)


@router.post("/checkin")
async def checkin(request: Request, you: You) -> Response:
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
    saved = you.record_checkin(moment, {a: v for a, v in pain.items() if v is not None}, note)
    if saved.rescreen:
        return go("/screening")
    return go(local_path(form.get("next")))


@router.get("/player")
def player(request: Request) -> HTMLResponse:
    return render(request, "player.html", pain_areas=PAIN_AREAS, symptoms=SYMPTOM_TABLE)


def _progress_page(
    request: Request, you: Actor, status: int = 200, activity_error: str | None = None
) -> HTMLResponse:
    report = you.progress_report(8)
    return render(
        request,
        "progress.html",
        status=status,
        report=report,
        charts=you.chart_svgs(report),
        activity_error=activity_error,
        activities=you.activity_names(),
        # Desk breaks over the same weeks as the sessions (issue 22).
        breaks=you.desk_breaks_since(
            dt.datetime.combine(report.today - dt.timedelta(weeks=8), dt.time(0), tzinfo=dt.UTC)
        ),
    )


@router.get("/progress")
def progress(request: Request, you: You) -> HTMLResponse:
    return _progress_page(request, you)


@router.post("/progress/activities")
async def activities(request: Request, you: You) -> Response:
    form = await request.form()
    ratings: dict[str, int] = {}
    for number in range(5):
        name = str(form.get(f"activity_{number}") or "").strip()
        score = str(form.get(f"score_{number}") or "")
        value = parse_score(score)
        if name and value is not None:
            ratings[name[:120]] = value
    try:
        you.record_function(ratings)
    except errors.RatingsProblem as error:
        return _progress_page(request, you, 422, str(error))
    return go("/progress")


@router.post("/advice/dismiss")
async def dismiss(request: Request, you: You) -> Response:
    form = await request.form()
    concern = str(form.get("concern"))
    choice = str(form.get("choice") or "").strip()
    if concern in CONCERNS and choice:
        you.dismiss_advice(concern, choice)
    return go(local_path(form.get("next"), "/progress"))


@router.get("/exercises")
def exercises(
    request: Request, you: Catalog, phase: str | None = None, target: str | None = None
) -> HTMLResponse:
    phase = phase if phase in PHASES else None
    target = target if target in AREAS else None
    equipment = [e for e in request.query_params.getlist("equipment") if e in ITEMS] or None
    records = you.catalog_records(phase=phase, target=target, equipment=equipment)
    records.sort(key=lambda r: r["name"].lower())
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
def exercise(request: Request, you: Catalog, exercise_id: str) -> HTMLResponse:
    try:
        record = you.exercise_record(exercise_id)
    except errors.UnknownExercise as error:
        return render(
            request, "message.html", status=404, title="Unknown exercise", text=str(error)
        )
    return render(request, "exercise.html", record=record)


def _pdf(request: Request, make: Callable[[], bytes], name: str) -> Response:
    """A printed document as a download; why there is none yet as a page (issue 19).

    Routes that call this are plain functions, so FastAPI runs them (and WeasyPrint's second
    or so of rendering) on its worker threads, never on the event loop."""
    try:
        pdf = make()
    except errors.SessionsHeldBack as error:
        return render(
            request, "message.html", status=409, title="Nothing to print yet", text=str(error)
        )
    except errors.PlanImpossible as error:
        return render(
            request, "message.html", status=409, title="Nothing to print yet", text=str(error)
        )
    except errors.UnknownExercise as error:
        return render(
            request, "message.html", status=404, title="Unknown exercise", text=str(error)
        )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _paper(request: Request) -> Paper | None:
    chosen = request.query_params.get("paper", "a4")
    return next((p for p in PAPERS if p == chosen), None)


def _bad_query(request: Request, text: str) -> HTMLResponse:
    return render(request, "message.html", status=400, title="This cannot be printed", text=text)


@router.get("/handout.pdf")
def handout(request: Request, you: You) -> Response:
    paper = _paper(request)
    if paper is None:
        return _bad_query(request, "paper: choose a4 or letter.")
    return _pdf(request, lambda: you.handout_pdf(paper), "unknot-programme.pdf")


@router.get("/exercises/{exercise_id}/handout.pdf")
def exercise_handout(request: Request, you: You, exercise_id: str) -> Response:
    paper = _paper(request)
    if paper is None:
        return _bad_query(request, "paper: choose a4 or letter.")
    return _pdf(request, lambda: you.handout_pdf(paper, exercise_id), f"unknot-{exercise_id}.pdf")


@router.get("/report.pdf")
def report(request: Request, you: You) -> Response:
    paper = _paper(request)
    label = request.query_params.get("for", "").strip()
    weeks = request.query_params.get("weeks", "8")
    if paper is None:
        return _bad_query(request, "paper: choose a4 or letter.")
    if not (weeks.isascii() and weeks.isdigit() and len(weeks) <= 3) or not 1 <= int(weeks) <= 104:
        return _bad_query(request, "weeks: a whole number from 1 to 104.")
    if len(label) > LABEL_MAX:
        return _bad_query(request, f"for: at most {LABEL_MAX} characters.")
    return _pdf(request, lambda: you.report_pdf(int(weeks), label, paper), "unknot-report.pdf")


@router.get("/calendar")
def calendar_page(request: Request, you: You) -> HTMLResponse:
    return _calendar_page(request, you)


def _calendar_page(
    request: Request,
    you: Actor,
    status: int = 200,
    error: str | None = None,
    saved: bool = False,
    typed: tuple[str, str] | None = None,
    feed_url: str | None = None,
    feed_stopped: bool = False,
) -> HTMLResponse:
    from unknot.services.calendars import local_zone

    when = you.session_time()
    return render(
        request,
        "calendar.html",
        status=status,
        when=when,
        # What was typed stays in the form beside its message.
        shown_time=typed[0] if typed else when.time.strftime("%H:%M"),
        shown_zone=typed[1] if typed else when.time_zone,
        error=error,
        saved=saved,
        suggested_zone=local_zone(),
        # A hosted calendar cannot reach an app on loopback: feeds are the shared server's.
        feeds=application(request).server_mode,
        feed_since=you.calendar_feed_since(),
        feed_url=feed_url,
        feed_stopped=feed_stopped,
    )


@router.post("/calendar")
async def save_calendar(request: Request, you: You) -> HTMLResponse:
    from unknot.services.calendars import session_time_from

    form = await request.form()
    typed = (str(form.get("time") or "")[:20], str(form.get("time_zone") or "")[:60])
    try:
        when = session_time_from(typed[0], typed[1], you.session_time())
    except errors.SessionTimeProblem as error:
        return _calendar_page(request, you, status=400, error=str(error), typed=typed)
    you.save_session_time(when)
    return _calendar_page(request, you, saved=True)


@router.get("/reminders")
def reminders_page(request: Request, you: You) -> HTMLResponse:
    return _reminders_page(request, you)


def _reminders_page(
    request: Request,
    you: Actor,
    status: int = 200,
    error: str | None = None,
    typed: dict[str, object] | None = None,
    **flags: bool,
) -> HTMLResponse:
    from unknot.services.reminders import CHANNEL_WORDS, WEEKDAYS

    overview = you.reminder_overview()
    settings = overview.settings
    shown: dict[str, object] = {
        "on": settings.on,
        "time": settings.time.strftime("%H:%M"),
        "days": settings.days,
        "channels": {c.value for c in settings.channels},
        "nudge": settings.nudge,
        "nudge_at": settings.nudge_at.strftime("%H:%M"),
        "quiet_from": settings.quiet_from.strftime("%H:%M"),
        "quiet_until": settings.quiet_until.strftime("%H:%M"),
        "time_zone": settings.time_zone,
    }
    return render(
        request,
        "reminders.html",
        status=status,
        overview=overview,
        # What was typed stays in the form beside its message.
        shown=shown | (typed or {}),
        error=error,
        weekdays=list(enumerate(WEEKDAYS, start=1)),
        channel_words=CHANNEL_WORDS,
        server_mode=application(request).server_mode,
        **flags,
    )


@router.post("/reminders")
async def save_reminders(request: Request, you: You) -> HTMLResponse:
    from unknot.services.reminders import DAY_NAMES, reminder_settings_from

    form = await request.form()

    def field(name: str, longest: int = 20) -> str:
        return str(form.get(name) or "")[:longest]

    days = [str(d)[:3] for d in form.getlist("day")][:7]
    chosen = field("days_from") == "chosen"
    channels = [str(c)[:10] for c in form.getlist("channel")][:4]
    typed: dict[str, object] = {
        "on": bool(form.get("on")),
        "time": field("time"),
        "days": frozenset(DAY_NAMES[d] for d in days if d in DAY_NAMES) if chosen else frozenset(),
        "channels": set(channels),
        "nudge": bool(form.get("nudge")),
        "nudge_at": field("nudge_at"),
        "quiet_from": field("quiet_from"),
        "quiet_until": field("quiet_until"),
        "time_zone": field("time_zone", 60),
    }
    if chosen and not days:
        return _reminders_page(
            request,
            you,
            status=400,
            error="Tick the days you want reminders on, or choose the days your plan sets.",
            typed=typed,
        )
    try:
        settings = reminder_settings_from(
            you.reminder_settings(),
            on=bool(typed["on"]),
            time=field("time"),
            days=",".join(days) if chosen else "planned",
            zone=field("time_zone", 60),
            quiet=f"{field('quiet_from')}-{field('quiet_until')}",
            nudge=bool(typed["nudge"]),
            nudge_at=field("nudge_at") or None,
            channels=channels,
        )
    except errors.ReminderProblem as error:
        return _reminders_page(request, you, status=400, error=str(error), typed=typed)
    you.save_reminder_settings(settings)
    return _reminders_page(request, you, saved=True)


@router.post("/reminders/nudges/stop")
def stop_nudges(request: Request, you: You) -> HTMLResponse:
    you.stop_nudges()
    return _reminders_page(request, you, nudges_stopped=True)


BreakId = Annotated[int, FastAPIPath(ge=1, le=2**31 - 1)]


@router.get("/breaks/{break_id}")
def break_page(request: Request, you: You, break_id: BreakId) -> HTMLResponse:
    """A desk break's routine, opened from its notice's Start: the break is started."""
    try:
        desk = you.start_break(break_id)
    except errors.NoSuchBreak as error:
        return render(request, "message.html", status=404, title="No such break", text=str(error))
    return _break_page(request, you, desk)


def _break_page(
    request: Request,
    you: Actor,
    desk: object,
    status: int = 200,
    error: str | None = None,
    typed: str | None = None,
) -> HTMLResponse:
    records = {record["id"]: record for record in you.catalog_records()}
    return render(
        request,
        "break.html",
        status=status,
        desk=desk,
        records=records,
        error=error,
        typed=typed,
    )


@router.post("/breaks/{break_id}/check-in")
async def break_check_in(request: Request, you: You, break_id: BreakId) -> HTMLResponse:
    form = await request.form()
    typed = str(form.get("pain") or "")[:10]
    pain = parse_score(typed)
    try:
        if pain is None:
            return _break_page(
                request,
                you,
                you.desk_break(break_id),
                status=400,
                error=f"{typed!r} is not a pain score: give a whole number from 0 to 10.",
                typed=typed,
            )
        desk = you.check_in_after_break(break_id, pain)
    except errors.NoSuchBreak as error:
        return render(request, "message.html", status=404, title="No such break", text=str(error))
    return _break_page(request, you, desk)


@router.get("/calendar/feed.ics")
def calendar_feed(request: Request, token: str = "") -> Response:
    """What a calendar service fetches: the token is the feed's only key (in the query string,
    which access logs leave out)."""
    player = f"{request.url.scheme}://{request.url.netloc}/today"
    made = application(request).calendar_feed(token, player)
    if made is None:
        return render(
            request,
            "message.html",
            status=404,
            title="No such calendar",
            text="This calendar address was stopped or never existed. Make a new one on the "
            "Calendar page of unknot.",
        )
    return Response(
        made,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Robots-Tag": "noindex"},
    )


@router.post("/calendar/feed")
def new_calendar_feed(request: Request, you: You) -> HTMLResponse:
    token = you.new_calendar_feed()
    # https only: calendar apps fetch a webcal:// address over plain http, which would carry
    # the token in the clear and into a port-80 log.
    url = f"https://{request.url.netloc}/calendar/feed.ics?token={token}"
    return _calendar_page(request, you, feed_url=url)


@router.post("/calendar/feed/revoke")
def revoke_calendar_feed(request: Request, you: You) -> HTMLResponse:
    you.revoke_calendar_feed()
    return _calendar_page(request, you, feed_stopped=True)


@router.get("/calendar.ics")
def calendar_file(request: Request, you: You) -> Response:
    weeks = request.query_params.get("weeks", "4")
    if not (weeks.isascii() and weeks.isdigit() and len(weeks) <= 3) or not 1 <= int(weeks) <= 12:
        return _bad_query(request, "weeks: a whole number from 1 to 12.")
    player = f"{request.url.scheme}://{request.url.netloc}/today"
    try:
        made = you.calendar(int(weeks), player)
    except errors.PlanImpossible as error:
        return render(
            request, "message.html", status=409, title="No sessions to add yet", text=str(error)
        )
    return Response(
        made,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="unknot.ics"'},
    )


@router.get("/history")
def history(request: Request, you: You, before: str | None = None) -> HTMLResponse:
    older = (
        int(before)
        if before and before.isascii() and before.isdigit() and len(before) < 19
        else None
    )
    rows = you.session_history(HISTORY_PAGE + 1, older)
    return render(
        request,
        "history.html",
        rows=rows[:HISTORY_PAGE],
        older=rows[HISTORY_PAGE - 1].id if len(rows) > HISTORY_PAGE else None,
        newer=older is not None,
    )


@router.get("/data")
def data(request: Request) -> HTMLResponse:
    return render(request, "data.html", deleted=None, error=None)


@router.post("/data/forget")
async def forget(request: Request, you: You) -> HTMLResponse:
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
    deleted = forget_everything(request, you)
    response = render(request, "data.html", deleted=deleted, error=None, forgotten=True)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
