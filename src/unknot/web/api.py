"""The JSON API under /api/v1: everything the pages do. Routes only translate; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParameter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from unknot.services import errors
from unknot.services.actor import Actor
from unknot.services.catalog import ExerciseRecord, Exercises
from unknot.services.models import (
    COUNTRY_NAMES,
    NOTE_MAX_CHARS,
    QUESTIONS,
    SYMPTOMS,
    Profile,
    Question,
    Symptom,
)
from unknot.services.planning import SwapChoice, TodayPlan
from unknot.services.player import EventReceipt, RunStart, SessionPayload
from unknot.services.progress import HISTORY_PAGE, CheckInSaved, PastSession, ProgressReport
from unknot.services.records import ExportDocument
from unknot.services.screening import ScreeningOutcome, Status
from unknot.services.summary import SessionSummary
from unknot.services.vocabulary import Area, Concern, Item, Moment, PainArea, Phase
from unknot.web.asking import actor, forget_everything
from unknot.web.asking import catalog as catalog_of
from unknot.web.headers import CLEAR_SITE_DATA
from unknot.web.problems import HTTPProblem, documented_problems


async def require_json(request: Request) -> None:
    """Every call that changes something is JSON: a cross-site page cannot send that without a
    CORS preflight, which unknot never grants (issue 12). Checked after routing, so a method a
    path does not take is a 405 (issue 13)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise HTTPProblem(
            415,
            "JSON required",
            f"{request.method} {request.url.path} takes a JSON body; send it with "
            "Content-Type: application/json (an empty body is {})",
        )


router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(require_json)], responses=documented_problems()
)


You = Annotated[Actor, Depends(actor)]
Catalog = Annotated[Exercises, Depends(catalog_of)]
"""Who is asking (the local person until accounts)."""


class Body(BaseModel):
    # Strict: `true` is not the number 1, nor "3" the number 3 (issue 13).
    model_config = ConfigDict(extra="forbid", strict=True)


# A stored row's id: SQLite and PostgreSQL keep 64-bit integers; a bigger one is refused as
# input instead of overflowing the driver (a 500, found by the fuzzing, issue 13).
RowId = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]
# A position in a session: its steps, pain reports and effort answers.
Position = Annotated[int, Field(ge=0, le=9_999)]


class Empty(Body):
    """A call that changes something but needs nothing more: send `{}`."""


def links(**targets: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI links from a created resource to the calls that take its id, for the stateful
    fuzzing (issue 13): `name=operation_id:parameter=json-pointer`."""
    found: dict[str, Any] = {}
    for name, target in targets.items():
        operation, binding = target.split(":", 1)
        parameter, pointer = binding.split("=", 1)
        found[name] = {
            "operationId": operation,
            "parameters": {parameter: f"$response.body#{pointer}"},
        }
    return {201: {"description": "Created", "links": found}}


def _every_question(schema: dict[str, Any]) -> None:
    # Validation stays with the domain, whose message names each missing or unknown question;
    # the document says the same thing, so clients and the fuzzer know every id is required.
    # Follow-ups (`ask_if`) are needed only after a yes to their question.
    schema.update(
        properties={q.id: {"type": "boolean"} for q in QUESTIONS},
        required=[q.id for q in QUESTIONS if q.ask_if is None],
        additionalProperties=False,
    )


class ScreeningAnswers(Body):
    answers: Annotated[dict[str, bool], Field(json_schema_extra=_every_question)]
    country: Annotated[
        Literal[tuple(COUNTRY_NAMES)] | None,  # type: ignore[valid-type]
        Field(description="where the person is (ISO 3166): it sets the emergency number"),
    ] = None


SessionKey = Annotated[
    str | None,
    Field(
        max_length=40,
        description="the session's own key (`session_key` when it started): refused for "
        "another session",
    ),
]


class RunRequest(Body):
    resume_at: Position = 0
    """The step the player starts at: 0, or where it got to before (a reload)."""
    session_key: SessionKey = None


class EventBase(Body):
    run_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
    seq: Annotated[
        int, Field(ge=0, le=99_999, description="the event's number in its run: 0, 1, 2...")
    ]
    at: Annotated[
        float,
        Field(
            ge=0,
            le=86_400,
            allow_inf_nan=False,
            description="seconds since the run started, on a clock that does not jump "
            "(performance.now()), never the device's wall clock",
        ),
    ]
    session_key: SessionKey = None


class PlainEvent(EventBase):
    kind: Literal["start", "tick", "pause", "resume", "skip", "back", "done", "stop"]


class PainEvent(EventBase):
    kind: Literal["pain"]
    area: PainArea
    score: Annotated[int, Field(ge=0, le=10)]
    symptoms: Annotated[list[Symptom], Field(max_length=len(SYMPTOMS))] = []


class EffortEvent(EventBase):
    kind: Literal["effort"]
    item_index: Position | None = None
    reps_in_reserve: Annotated[int, Field(ge=0, le=10)]


SessionEvent = Annotated[PlainEvent | PainEvent | EffortEvent, Field(discriminator="kind")]


class CheckIn(Body):
    moment: Moment
    pain: dict[PainArea, Annotated[int, Field(ge=0, le=10)]]
    note: Annotated[str, Field(max_length=NOTE_MAX_CHARS)] | None = None


class Dismissal(Body):
    concern: Concern
    choice: Annotated[str, Field(min_length=2, max_length=120)]


class Clearance(Body):
    seen_on: Annotated[dt.date, Field(strict=False, description="the day the clinician saw you")]
    seen_by: Annotated[str, Field(min_length=2, max_length=200)]
    note: Annotated[str, Field(max_length=1000)] | None = None
    confirm: bool


class Forget(Body):
    confirm: str


class Swap(Body):
    exercise_id: str
    replacement: str | None = None
    """One of the exercise's swap choices; the first of them when absent."""


@router.get("/catalog", summary="Exercises, filtered")
def catalog(
    you: Catalog,
    phase: Phase | None = None,
    target: Area | None = None,
    equipment: Annotated[list[Item] | None, Query()] = None,
) -> list[ExerciseRecord]:
    return you.catalog_records(phase=phase, target=target, equipment=equipment)


@router.get("/catalog/{exercise_id}", summary="One exercise's card")
def exercise(you: Catalog, exercise_id: str) -> ExerciseRecord:
    try:
        return you.exercise_record(exercise_id)
    except errors.UnknownExercise as error:
        raise HTTPProblem(404, "Unknown exercise", str(error)) from None


@router.get("/screening/questions", summary="The warning-sign questions")
def questions(you: You) -> list[Question]:
    return list(you.questions())


@router.post(
    "/screening",
    summary="Answer the warning-sign questions",
    status_code=201,
    responses=links(SetAside="screening_mistake:screening_id=/id"),
)
def screening(you: You, body: ScreeningAnswers) -> ScreeningOutcome:
    try:
        return you.submit_screening(body.answers, body.country)
    except errors.MissingAnswers as error:
        raise HTTPProblem(422, "Every question needs an answer", str(error)) from None


class SetAside(BaseModel):
    withdrawn: int
    """The screening set aside."""
    answers: dict[str, bool]
    """Its answers, to correct and send again."""


@router.post(
    "/screening/{screening_id}/mistake",
    summary="Set just-given answers aside as a mistake (kept on record)",
    operation_id="screening_mistake",
)
def screening_mistake(you: You, screening_id: RowId, _body: Empty) -> SetAside:
    answers = you.withdraw_screening(screening_id)
    if answers is None:
        raise HTTPProblem(
            409,
            "These answers stand",
            "only the latest answers can be set aside, within 30 minutes and before a session "
            "starts; answer the questions again instead",
        )
    return SetAside(withdrawn=screening_id, answers=answers)


class Cleared(BaseModel):
    cleared: int
    """How many screenings' warning signs the clearance covers."""


@router.post("/clearance", summary="Record that a clinician saw you and cleared you")
def clearance(you: You, body: Clearance) -> Cleared:
    if not body.confirm:
        raise HTTPProblem(
            422,
            "Not confirmed",
            "confirm: set it to true to confirm that a clinician saw you and said you may exercise",
        )
    try:
        return Cleared(cleared=you.record_clearance(body.seen_on, body.seen_by, body.note))
    except errors.ClearanceProblem as error:
        raise HTTPProblem(422, "Clearance not recorded", str(error)) from None


@router.get("/status", summary="Where the person stands: screening, profile, session")
def status(you: You) -> Status:
    return you.status()


@router.get("/profile", summary="The profile (defaults when none is stored)")
def get_profile(you: You) -> Profile:
    return you.profile()


class ProfileBody(Profile):
    """The profile as the API takes it: numbers are JSON numbers, not `true` or `"3"`."""

    pain: dict[PainArea, Annotated[int, Field(ge=0, le=10, strict=True)]] = Field(
        default_factory=dict
    )
    minutes: Annotated[int, Field(ge=5, le=60, strict=True)] = 15
    sessions_per_week: Annotated[int, Field(ge=2, le=7, strict=True)] = 3


@router.put("/profile", summary="Replace the profile")
def put_profile(you: You, body: ProfileBody) -> Profile:
    profile = Profile.model_validate(body.model_dump())
    you.save_profile(profile)
    return profile


# The two hottest routes run on the event loop: their SQLite work takes well under a millisecond,
# and handing each request to a worker thread cost more than the work (issue 7 bench).
@router.get(
    "/plan/today",
    summary="Today's plan, with reasons",
    response_model=TodayPlan,
    responses={200: {"model": TodayPlan, "description": "Today's plan"}},
)
async def plan_today(you: You) -> Response:
    try:
        text = you.today_plan_json()
    except errors.SessionsHeldBack as error:
        raise HTTPProblem(409, "No plan today", str(error)) from None
    return Response(text, media_type="application/json")


@router.get(
    "/plan/today/swap/{exercise_id}",
    summary="What could take an exercise's place in today's plan, best first",
)
def swap_choices(you: You, exercise_id: str) -> list[SwapChoice]:
    try:
        return you.swap_choices(exercise_id)
    except errors.NoSwap as error:
        raise HTTPProblem(422, "Cannot swap", str(error)) from None
    except errors.NotInPlan as error:
        raise HTTPProblem(404, "Not in today's plan", str(error).strip("'\"")) from None
    except errors.SessionsHeldBack as error:
        raise HTTPProblem(409, "No plan today", str(error)) from None


@router.post("/plan/today/swap", summary="Put another exercise in one's place in the programme")
def swap(you: You, body: Swap) -> TodayPlan:
    try:
        return you.swap_exercise(body.exercise_id, body.replacement)
    except errors.NotInPlan as error:
        raise HTTPProblem(404, "Not in today's plan", str(error).strip("'\"")) from None
    except errors.NoSwap as error:
        raise HTTPProblem(422, "Cannot swap", str(error)) from None
    except errors.SessionsHeldBack as error:
        raise HTTPProblem(409, "No plan today", str(error)) from None


@router.post(
    "/sessions",
    summary="Start today's session (or get the unfinished one)",
    status_code=201,
    responses=links(StartRun="session_run:session_id=/session_id"),
)
def start(you: You, _body: Empty) -> SessionPayload:
    try:
        return you.begin_session()
    except errors.SessionsHeldBack as error:
        raise HTTPProblem(409, "Screening needed first", str(error)) from None


@router.get(
    "/sessions/{session_id}/summary",
    summary="What a session did, pain before and after, what changes next time",
)
def session_summary(you: You, session_id: RowId) -> SessionSummary:
    try:
        return you.session_summary(session_id)
    except errors.NoSuchSession as error:
        raise HTTPProblem(404, "Unknown session", str(error)) from None


@router.get("/sessions/active", summary="The unfinished session, to resume")
def active(you: You) -> SessionPayload:
    payload = you.active_session()
    if payload is None:
        raise HTTPProblem(404, "No unfinished session", "there is no unfinished session to resume")
    return payload


@router.post(
    "/sessions/{session_id}/runs",
    summary="Begin playing a session: events are timed from the run's start",
    status_code=201,
    operation_id="session_run",
    responses=links(RecordEvent="session_event:session_id=/session_id"),
)
def run(you: You, session_id: RowId, body: RunRequest) -> RunStart:
    """`started_at` is the run's start on the server's clock (epoch seconds): events are timed
    from it. `pain_limits`: per area, pain above this ends an exercise in this run, fixed as it
    started (areas not named use `rules.pain_limit_unknown`)."""
    try:
        return you.start_run(session_id, body.resume_at, body.session_key)
    except errors.NoSuchSession as error:
        raise HTTPProblem(404, "Unknown session", str(error)) from None
    except errors.NotThisSession as error:
        raise HTTPProblem(409, "Another session's run", str(error)) from None
    except errors.SessionOver as error:
        raise HTTPProblem(409, "Session over", str(error)) from None
    except errors.EventRefused as error:
        raise HTTPProblem(422, "Invalid run", str(error)) from None


@router.post(
    "/sessions/{session_id}/events",
    summary="What happened in a run (idempotent): the engine replays them into the records",
    operation_id="session_event",
    status_code=201,
    responses={
        200: {"description": "Stored before: the same event was sent again", "model": EventReceipt}
    },
)
def event(you: You, session_id: RowId, body: SessionEvent, response: Response) -> EventReceipt:
    """`stored` is false for an event that was here already (sent twice); `replayed` counts the
    run's events the records now reflect; `waiting`, those that arrived before an earlier one
    (replayed when it comes)."""
    data = body.model_dump(exclude={"run_id", "seq", "at", "kind", "session_key"})
    try:
        receipt = you.record_event(
            session_id, body.run_id, body.seq, body.kind, body.at, data, body.session_key
        )
    except errors.NoSuchSession as error:
        raise HTTPProblem(404, "Unknown session", str(error)) from None
    except errors.NotThisSession as error:
        raise HTTPProblem(409, "Another session's event", str(error)) from None
    except errors.EventRefused as error:
        raise HTTPProblem(422, "Invalid event", str(error)) from None
    response.status_code = 201 if receipt.stored else 200
    return receipt


@router.post("/checkins", summary="Record pain", status_code=201)
def checkin(you: You, body: CheckIn) -> CheckInSaved:
    return you.record_checkin(body.moment, {str(a): v for a, v in body.pain.items()}, body.note)


@router.get("/progress", summary="Pain, function, adherence and advice")
def progress(you: You, weeks: Annotated[int, Query(ge=1, le=104)] = 8) -> ProgressReport:
    return you.progress_report(weeks)


@router.post(
    "/advice/dismiss",
    summary="Record a choice about see-a-clinician advice",
    status_code=204,
    response_class=Response,
    responses={204: {"description": "Recorded; the advice stays quiet for 4 weeks"}},
)
def dismiss(you: You, body: Dismissal) -> Response:
    you.dismiss_advice(body.concern, body.choice)
    return Response(status_code=204)


@router.get("/history", summary="Past sessions, newest first, a page at a time")
def history(
    you: You,
    limit: Annotated[int, Query(ge=1, le=500, description="sessions per page")] = HISTORY_PAGE,
    before: Annotated[
        int | None,
        Query(ge=1, le=2**63 - 1, description="the oldest session id of the page before"),
    ] = None,
) -> list[PastSession]:
    return you.session_history(limit, before)


@router.get(
    "/export",
    summary="Everything unknot holds about you, as JSON",
    response_model=ExportDocument,
    responses={200: {"model": ExportDocument, "description": "The export, as a download"}},
)
def export(you: You) -> JSONResponse:
    document = you.export_document()
    return JSONResponse(
        document.model_dump(mode="json"),
        headers={"Content-Disposition": 'attachment; filename="unknot-export.json"'},
    )


class Forgotten(BaseModel):
    deleted: dict[str, int]
    """Rows deleted, by table."""


@router.post("/forget", summary="Delete everything (type 'forget me')")
def forget(request: Request, you: You, body: Forget, response: Response) -> Forgotten:
    if body.confirm.strip().lower() != "forget me":
        raise HTTPProblem(422, "Not confirmed", "type 'forget me' to confirm; nothing was deleted")
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return Forgotten(deleted=forget_everything(request, you))
