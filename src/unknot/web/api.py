"""The JSON API under /api/v1: everything the pages do. Routes only translate; services decide."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParameter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from unknot import services
from unknot.clock import Clock
from unknot.domain.engine import SYMPTOMS, Symptom
from unknot.domain.profile import Profile
from unknot.domain.progress import NOTE_MAX_CHARS, Concern
from unknot.domain.screening import COUNTRY_NAMES, QUESTIONS, UnansweredQuestions
from unknot.domain.vocabulary import Area, Item, Moment, PainArea, Phase
from unknot.web.headers import CLEAR_SITE_DATA
from unknot.web.problems import Problem, documented_problems


async def require_json(request: Request) -> None:
    """Every call that changes something is JSON: a cross-site page cannot send that without a
    CORS preflight, which unknot never grants (issue 12). Checked after routing, so a method a
    path does not take is a 405 (issue 13)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise Problem(
            415,
            "JSON required",
            f"{request.method} {request.url.path} takes a JSON body; send it with "
            "Content-Type: application/json (an empty body is {})",
        )


router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(require_json)], responses=documented_problems()
)


def context(request: Request) -> tuple[services.Workspace, Clock]:
    return request.app.state.workspace, request.app.state.clock


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


class RunStarted(BaseModel):
    run_id: int
    session_id: int
    started_at: float
    """The run's start on the server's clock (epoch seconds): events are timed from it."""
    resume_at: int
    pain_limits: dict[str, int]
    """Per area, pain above this ends an exercise in this run, fixed as it started (areas not
    named use `rules.pain_limit_unknown`)."""


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


class EventStored(BaseModel):
    stored: bool
    """False: this event was here already (sent twice)."""
    replayed: int
    """How many of the run's events the records now reflect."""
    waiting: int
    """Events that arrived before an earlier one: replayed when it comes."""


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


@router.get("/catalog", summary="Exercises, filtered")
def catalog(
    request: Request,
    phase: Phase | None = None,
    target: Area | None = None,
    equipment: Annotated[list[Item] | None, Query()] = None,
) -> list[dict[str, Any]]:
    workspace, _ = context(request)
    return services.catalog_records(workspace, phase=phase, target=target, equipment=equipment)


@router.get("/catalog/{exercise_id}", summary="One exercise's card")
def exercise(request: Request, exercise_id: str) -> dict[str, Any]:
    workspace, _ = context(request)
    try:
        return services.exercise_record(workspace, exercise_id)
    except services.UnknownExercise as error:
        raise Problem(404, "Unknown exercise", str(error)) from None


@router.get("/screening/questions", summary="The warning-sign questions")
def questions() -> list[dict[str, Any]]:
    return [q.model_dump() for q in services.questions()]


@router.post(
    "/screening",
    summary="Answer the warning-sign questions",
    status_code=201,
    responses=links(SetAside="screening_mistake:screening_id=/id"),
)
def screening(request: Request, body: ScreeningAnswers) -> dict[str, Any]:
    workspace, clock = context(request)
    setup = services.prepare(workspace, clock)
    if body.country is not None:
        services.choose_country(setup.store, setup.person_id, body.country)
    try:
        record = services.submit_screening(
            setup.store, setup.person_id, body.answers, clock, setup.pain
        )
    except UnansweredQuestions as error:
        raise Problem(422, "Every question needs an answer", str(error)) from None
    # What stands now: answering "no" does not lift an earlier warning (issue 12).
    standing = services.current_standing(setup.store, setup.person_id) or record.result
    return {
        **record.result.model_dump(mode="json"),
        "id": record.id,
        "standing": standing.model_dump(mode="json"),
        "advice": standing.advice(workspace.emergency()),
    }


@router.post(
    "/screening/{screening_id}/mistake",
    summary="Set just-given answers aside as a mistake (kept on record)",
    operation_id="screening_mistake",
)
def screening_mistake(request: Request, screening_id: RowId, _body: Empty) -> dict[str, Any]:
    workspace, clock = context(request)
    store = workspace.open_store()
    answers = services.withdraw_screening(store, store.local_person(), screening_id, clock)
    if answers is None:
        raise Problem(
            409,
            "These answers stand",
            "only the latest answers can be set aside, within 30 minutes and before a session "
            "starts; answer the questions again instead",
        )
    return {"withdrawn": screening_id, "answers": answers}


@router.post("/clearance", summary="Record that a clinician saw you and cleared you")
def clearance(request: Request, body: Clearance) -> dict[str, Any]:
    workspace, clock = context(request)
    store = workspace.open_store()
    if not body.confirm:
        raise Problem(
            422,
            "Not confirmed",
            "confirm: set it to true to confirm that a clinician saw you and said you may exercise",
        )
    try:
        cleared = services.record_clearance(
            store, store.local_person(), clock, body.seen_on, body.seen_by, body.note
        )
    except services.ClearanceProblem as error:
        raise Problem(422, "Clearance not recorded", str(error)) from None
    return {"cleared": cleared}


@router.get("/status", summary="Where the person stands: screening, profile, session")
def status(request: Request) -> dict[str, Any]:
    workspace, clock = context(request)
    setup = services.prepare(workspace, clock)
    standing = setup.readiness.standing
    return {
        "needs_screening": setup.readiness.needs_screening,
        "may_start": setup.readiness.may_start,
        "reason": setup.readiness.reason,
        "explanation": setup.readiness.explanation(workspace.emergency()),
        "tier": standing.tier if standing else None,
        "advice": standing.advice(workspace.emergency()) if standing else None,
        "emergency_number": workspace.emergency(),
        "has_profile": setup.store.load_profile(setup.person_id) is not None,
        "active_session": setup.resumable.id if setup.resumable else None,
        # Own exercise files left out of the catalog, so an app can say so as the pages do.
        "left_out_exercises": [
            {"file": str(p.path), "field": p.field, "message": p.message}
            for p in services.catalog_problems(workspace)
        ],
    }


@router.get("/profile", summary="The profile (defaults when none is stored)")
def get_profile(request: Request) -> dict[str, Any]:
    workspace, clock = context(request)
    return services.prepare(workspace, clock).profile.model_dump(mode="json")


class ProfileBody(Profile):
    """The profile as the API takes it: numbers are JSON numbers, not `true` or `"3"`."""

    pain: dict[PainArea, Annotated[int, Field(ge=0, le=10, strict=True)]] = Field(
        default_factory=dict
    )
    minutes: Annotated[int, Field(ge=5, le=60, strict=True)] = 15
    sessions_per_week: Annotated[int, Field(ge=2, le=7, strict=True)] = 3


@router.put("/profile", summary="Replace the profile")
def put_profile(request: Request, body: ProfileBody) -> dict[str, Any]:
    workspace, clock = context(request)
    profile = Profile.model_validate(body.model_dump())
    services.save_profile(workspace, clock, profile)
    return profile.model_dump(mode="json")


# The two hottest routes run on the event loop: their SQLite work takes well under a millisecond,
# and handing each request to a worker thread cost more than the work (issue 7 bench).
@router.get("/plan/today", summary="Today's plan, with reasons")
async def plan_today(request: Request) -> Response:
    workspace, clock = context(request)
    try:
        text = services.today_plan_json(workspace, clock)
    except PermissionError as error:
        raise Problem(409, "No plan today", str(error)) from None
    return Response(text, media_type="application/json")


@router.post("/plan/today/swap", summary="Swap an exercise out of today's plan")
def swap(request: Request, body: Swap) -> dict[str, Any]:
    workspace, clock = context(request)
    try:
        plan_id, plan = services.swap_exercise(workspace, clock, body.exercise_id)
    except LookupError as error:
        raise Problem(404, "Not in today's plan", str(error).strip("'\"")) from None
    except PermissionError as error:
        raise Problem(409, "No plan today", str(error)) from None
    return {"plan_id": plan_id, **plan.model_dump(mode="json")}


@router.post(
    "/sessions",
    summary="Start today's session (or get the unfinished one)",
    status_code=201,
    responses=links(StartRun="session_run:session_id=/session_id"),
)
def start(request: Request, _body: Empty) -> dict[str, Any]:
    workspace, clock = context(request)
    try:
        return services.begin_session(workspace, clock)
    except PermissionError as error:
        raise Problem(409, "Screening needed first", str(error)) from None


@router.get("/sessions/active", summary="The unfinished session, to resume")
def active(request: Request) -> dict[str, Any]:
    workspace, clock = context(request)
    payload = services.active_session(workspace, clock)
    if payload is None:
        raise Problem(404, "No unfinished session", "there is no unfinished session to resume")
    return payload


def _missing(error: LookupError) -> Problem:
    return Problem(404, "Unknown session", str(error))


@router.post(
    "/sessions/{session_id}/runs",
    summary="Begin playing a session: events are timed from the run's start",
    status_code=201,
    operation_id="session_run",
    responses=links(RecordEvent="session_event:session_id=/session_id"),
)
def run(request: Request, session_id: RowId, body: RunRequest) -> RunStarted:
    workspace, clock = context(request)
    try:
        started = services.start_run(workspace, clock, session_id, body.resume_at, body.session_key)
    except LookupError as error:
        raise _missing(error) from None
    except services.NotThisSession as error:
        raise Problem(409, "Another session's run", str(error)) from None
    except services.SessionOver as error:
        raise Problem(409, "Session over", str(error)) from None
    except ValueError as error:
        raise Problem(422, "Invalid run", str(error)) from None
    return RunStarted(**asdict(started))


@router.post(
    "/sessions/{session_id}/events",
    summary="What happened in a run (idempotent): the engine replays them into the records",
    operation_id="session_event",
    status_code=201,
    responses={
        200: {"description": "Stored before: the same event was sent again", "model": EventStored}
    },
)
def event(
    request: Request, session_id: RowId, body: SessionEvent, response: Response
) -> EventStored:
    workspace, clock = context(request)
    data = body.model_dump(exclude={"run_id", "seq", "at", "kind", "session_key"})
    try:
        receipt = services.record_event(
            workspace,
            clock,
            session_id,
            body.run_id,
            body.seq,
            body.kind,
            body.at,
            data,
            body.session_key,
        )
    except LookupError as error:
        raise _missing(error) from None
    except services.NotThisSession as error:
        raise Problem(409, "Another session's event", str(error)) from None
    except ValueError as error:
        raise Problem(422, "Invalid event", str(error)) from None
    response.status_code = 201 if receipt.stored else 200
    return EventStored(stored=receipt.stored, replayed=receipt.replayed, waiting=receipt.waiting)


@router.post("/checkins", summary="Record pain", status_code=201)
def checkin(request: Request, body: CheckIn) -> dict[str, Any]:
    workspace, clock = context(request)
    store = workspace.open_store()
    worse = services.record_checkin(
        store,
        store.local_person(),
        clock,
        body.moment,
        {str(a): v for a, v in body.pain.items()},
        body.note,
    )
    return {"saved": True, "rescreen": worse}


@router.get("/progress", summary="Pain, function, adherence and advice")
def progress(request: Request, weeks: Annotated[int, Query(ge=1, le=104)] = 8) -> dict[str, Any]:
    workspace, clock = context(request)
    return services.progress_report(workspace, clock, weeks)


@router.post(
    "/advice/dismiss", summary="Record a choice about see-a-clinician advice", status_code=204
)
def dismiss(request: Request, body: Dismissal) -> Response:
    workspace, clock = context(request)
    store = workspace.open_store()
    services.dismiss_advice(store, store.local_person(), clock, body.concern, body.choice)
    return Response(status_code=204)


@router.get("/history", summary="Past sessions")
def history(request: Request) -> list[dict[str, Any]]:
    workspace, _ = context(request)
    return services.session_history(workspace)


@router.get("/export", summary="Everything unknot holds about you, as JSON")
def export(request: Request) -> JSONResponse:
    workspace, clock = context(request)
    document = services.export_document(workspace, clock)
    return JSONResponse(
        document,
        headers={"Content-Disposition": 'attachment; filename="unknot-export.json"'},
    )


@router.post("/forget", summary="Delete everything (type 'forget me')")
def forget(request: Request, body: Forget, response: Response) -> dict[str, Any]:
    workspace, _ = context(request)
    if body.confirm.strip().lower() != "forget me":
        raise Problem(422, "Not confirmed", "type 'forget me' to confirm; nothing was deleted")
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return {"deleted": services.forget(workspace)}
