"""The repository: unknot's records in and out of the database, as domain objects."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from unknot.domain.engine import (
    MarkAggravating,
    RecordEffort,
    RecordPain,
    SessionEnded,
    StepRecord,
)
from unknot.domain.history import (
    RECENT_SESSIONS,
    ExerciseOutcome,
    History,
    RecordedSets,
    SessionOutcome,
    exercise_outcome,
)
from unknot.domain.pain import starting_pain
from unknot.domain.plan import SessionPlan
from unknot.domain.profile import Profile
from unknot.domain.programme import Programme
from unknot.domain.progress import (
    DAYS_AFTER_SESSION,
    FunctionRating,
    PainCheckIn,
    session_pain,
)
from unknot.domain.screening import ScreeningRecord, ScreeningResult
from unknot.domain.timeline import EXERCISE_KINDS
from unknot.storage import tables as t

LOCAL_PERSON = t.LOCAL_LABEL


# Built once: building a statement costs about as much as running it (issue 12 bench).
_SELECT_LOCAL_PERSON = select(t.persons.c.id).where(t.persons.c.label == t.LOCAL_LABEL)
_SCREENINGS = (
    select(t.screenings)
    .where(t.screenings.c.person_id == bindparam("person"), t.screenings.c.withdrawn_at.is_(None))
    .order_by(t.screenings.c.taken_at, t.screenings.c.id)
)
_PAIN_NOW = select(
    select(t.checkins.c.pain)
    .where(
        t.checkins.c.person_id == bindparam("person"),
        t.checkins.c.day == bindparam("day"),
        t.checkins.c.moment.in_(bindparam("moments", expanding=True)),
    )
    .order_by(t.checkins.c.taken_at.desc(), t.checkins.c.id.desc())
    .limit(1)
    .scalar_subquery()
    .label("pain"),
    select(t.profiles.c.data)
    .where(t.profiles.c.person_id == bindparam("person"))
    .scalar_subquery()
    .label("profile"),
)

_PLAN_OF_THE_DAY_TEXT = (
    # CAST in SQL: the driver must not decode the JSON (psycopg would).
    select(t.plans.c.id, cast(t.plans.c.data, Text).label("data"))
    .where(
        t.plans.c.person_id == bindparam("person"),
        t.plans.c.day == bindparam("day"),
        # NOT EXISTS by ix_sessions_plan: one seek per plan of the day, not every session.
        ~select(t.sessions.c.id)
        .where(t.sessions.c.plan_id == t.plans.c.id, t.sessions.c.status != "active")
        .exists(),
    )
    .order_by(t.plans.c.id.desc())
    .limit(1)
)

_SESSION_BRIEF = select(
    t.sessions.c.plan_id,
    t.sessions.c.paced,
    t.sessions.c.session_key,
    t.sessions.c.status,
    t.sessions.c.started_at,
    t.sessions.c.ended_at,
).where(t.sessions.c.id == bindparam("id"), t.sessions.c.person_id == bindparam("person"))


def _screening(row: Any) -> ScreeningRecord:
    return ScreeningRecord(
        id=row.id,
        taken_on=row.taken_on,
        result=ScreeningResult(
            tier=row.tier,
            restrictions=frozenset(row.restrictions),
            flagged=tuple(row.flagged),
            findings=tuple(row.findings or ()),
        ),
        pain=row.pain,
        cleared_on=row.cleared_on,
    )


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A stored session and where it got to."""

    id: int
    plan_id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    status: str
    paced: bool
    steps_total: int
    steps_done: int
    """Steps recorded (done or skipped)."""
    next_step: int
    """The first step not yet recorded: where a resume starts."""
    exercise_seconds: float
    """Time spent in the exercises themselves (holds and work, not rests)."""
    key: str | None = None
    """The session's own random key (None for sessions stored before keys)."""


@dataclass(frozen=True, slots=True)
class SessionBrief:
    """What a write to a session is checked against."""

    plan_id: int
    paced: bool
    key: str | None
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class PainReported:
    """Pain reported during a session (`area` and `score`), or an exercise marked as hurting
    with no report left in the period (`area` None)."""

    exercise_id: str
    area: str | None
    score: int | None
    symptoms: tuple[str, ...]
    at: dt.datetime
    marked: bool
    """The exercise is marked as one that hurt: the planner leaves it out."""


@dataclass(frozen=True, slots=True)
class RunRow:
    """A run of a session (issue 15): where it began, and how much of its replay is stored."""

    id: int
    session_id: int
    started_at: dt.datetime
    resume_at: int
    applied: int
    start_pain: dict[str, int]
    """Each area's pain as the run began: its pain limits."""


@dataclass(frozen=True, slots=True)
class EventRow:
    """One event of a run, as it arrived."""

    seq: int
    kind: str
    offset_s: float
    data: dict[str, Any]


class RunLog:
    """A run's event log inside one transaction (`Store.run_log`).

    The event goes in first: in SQLite that takes the database's write lock, and in PostgreSQL
    `locked` then locks the run's row, so one replay at a time reads the run and writes after
    it, and none writes what another already has.
    """

    def __init__(self, store: Store, db: Connection, person_id: int, run: RunRow) -> None:
        self.store = store
        self.db = db
        self.person_id = person_id
        self.run = run

    def add(self, event: EventRow, received_at: dt.datetime) -> bool:
        """Store an event as it arrived; one already there (same number) is kept as it was.
        True if new."""
        statement = (
            self.store._insert_ignoring_duplicates(t.session_events)
            .values(
                person_id=self.person_id,
                run_id=self.run.id,
                seq=event.seq,
                kind=event.kind,
                offset_s=event.offset_s,
                data=event.data,
                received_at=received_at,
            )
            .returning(t.session_events.c.id)
        )
        return self.db.execute(statement).first() is not None

    def locked(self) -> RunRow:
        """The run as it stands now, locked until the transaction ends."""
        runs = t.session_runs
        applied = self.db.execute(
            select(runs.c.applied).where(runs.c.id == self.run.id).with_for_update()
        ).scalar_one()
        self.run = replace(self.run, applied=applied)
        return self.run

    def events(self, since: int = 0, until: int | None = None) -> list[EventRow]:
        """The run's events numbered `since` to `until` (excluded), in the order they happened."""
        events = t.session_events
        where = [events.c.run_id == self.run.id, events.c.seq >= since]
        if until is not None:
            where.append(events.c.seq < until)
        rows = self.db.execute(
            select(events.c.seq, events.c.kind, events.c.offset_s, events.c.data)
            .where(*where)
            .order_by(events.c.seq)
        ).all()
        return [EventRow(int(r.seq), str(r.kind), float(r.offset_s), dict(r.data)) for r in rows]

    def write(self, writes: Sequence[tuple[SessionWrite, dt.datetime]]) -> None:
        """Store writes outside the replay's count (a symptom report acted on at once)."""
        self.store._write(self.db, self.person_id, self.run.session_id, writes)

    def apply(self, writes: Sequence[tuple[SessionWrite, dt.datetime]]) -> None:
        """Store the replay's writes after the `applied` ones, and count them."""
        runs = t.session_runs
        self.db.execute(
            update(runs)
            .where(runs.c.id == self.run.id)
            .values(applied=self.run.applied + len(writes))
        )
        self.store._write(self.db, self.person_id, self.run.session_id, writes)


# What the engine's effects write, each with its wall time: a step, an effort answer, a pain
# report, an exercise that hurt, the screening a safety stop makes, the session's end.
SessionWrite = (
    StepRecord | RecordEffort | RecordPain | MarkAggravating | ScreeningRecord | SessionEnded
)


def _new_session(
    person_id: int, plan_id: int, at: dt.datetime, steps_total: int, paced: bool
) -> Any:
    """The INSERT of a new active session, with its own random key."""
    return insert(t.sessions).values(
        person_id=person_id,
        plan_id=plan_id,
        started_at=at,
        status="active",
        paced=paced,
        steps_total=steps_total,
        session_key=new_session_key(),
    )


def _new_plan(person_id: int, plan: SessionPlan, at: dt.datetime) -> Any:
    """The INSERT of a plan."""
    return insert(t.plans).values(
        person_id=person_id, day=plan.day, created_at=at, data=plan.model_dump(mode="json")
    )


def _microseconds(dialect: str, start: Any, end: Any) -> Any:
    """Whole microseconds from `start` to `end`, exact in SQL: SQLite keeps times as text
    ("YYYY-MM-DD HH:MM:SS.ffffff", its julianday() is a float a few microseconds off), and
    PostgreSQL's epoch of an interval is an exact numeric."""
    if dialect == "postgresql":
        return func.round(func.extract("epoch", end - start) * 1_000_000)

    def micros(moment: Any) -> Any:
        whole = cast(func.strftime("%s", moment), Integer) * 1_000_000
        return whole + cast(func.substr(moment, 21, 6), Integer)

    return micros(end) - micros(start)


def new_session_key() -> str:
    """16 random URL-safe characters."""
    import secrets

    return secrets.token_urlsafe(12)


class Store:
    """All reads and writes for one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite takes one writer at a time. Threads of one process queue here for their turn
        # instead of in SQLite's busy handler, which sleeps in growing steps: under 32 concurrent
        # event posts that made the p99 a second (issue 15 bench). Other processes still take
        # their turns through the busy timeout.
        self._one_writer = threading.RLock() if engine.dialect.name == "sqlite" else None

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        if self._one_writer is None:
            with self.engine.begin() as connection:
                yield connection
            return
        with self._one_writer, self.engine.begin() as connection:
            yield connection

    def _insert_ignoring_duplicates(self, table: Any) -> Any:
        """INSERT ... ON CONFLICT DO NOTHING in the engine's dialect."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table).on_conflict_do_nothing()

    # People and profiles ----------------------------------------------------------------------

    def find_local_person(self) -> int | None:
        """The local person's id, without creating one."""
        with self.engine.connect() as db:
            found = db.execute(
                select(t.persons.c.id).where(t.persons.c.label == LOCAL_PERSON)
            ).scalar()
        return None if found is None else int(found)

    def local_person(self) -> int:
        """The id of the one local person, created on first use.

        Not cached: with several server processes, one may `forget` the person another knew.
        Creation cannot race: a unique index keeps one "me", and a second process's insert does
        nothing and reads the first one's (issue 13).
        """
        with self._tx() as db:
            found = db.execute(_SELECT_LOCAL_PERSON).scalar()
            if found is None:
                db.execute(
                    self._insert_ignoring_duplicates(t.persons).values(
                        label=LOCAL_PERSON, created_at=dt.datetime.now(dt.UTC)
                    )
                )
                found = db.execute(_SELECT_LOCAL_PERSON).scalar_one()
            return int(found)

    @staticmethod
    def _lock_person(db: Connection, person_id: int) -> None:
        """Hold the person's row (PostgreSQL) or the database's write lock (SQLite) until the
        transaction ends, so that what it reads next stays true while it writes."""
        db.execute(
            update(t.persons).where(t.persons.c.id == person_id).values(label=t.persons.c.label)
        )

    def save_profile(self, person_id: int, profile: Profile, at: dt.datetime) -> None:
        data = profile.model_dump(mode="json")
        with self._tx() as db:
            changed = db.execute(
                update(t.profiles)
                .where(t.profiles.c.person_id == person_id)
                .values(data=data, updated_at=at)
            )
            if changed.rowcount == 0:
                db.execute(insert(t.profiles).values(person_id=person_id, data=data, updated_at=at))

    def set_country(self, person_id: int, country: str) -> None:
        with self._tx() as db:
            db.execute(update(t.persons).where(t.persons.c.id == person_id).values(country=country))

    def country(self, person_id: int) -> str | None:
        """The country the person chose, in one read (every page asks for the emergency
        number)."""
        with self.engine.connect() as db:
            found = db.execute(
                select(t.persons.c.country).where(t.persons.c.id == person_id)
            ).scalar()
        return None if found is None else str(found)

    def set_week_start(self, person_id: int, week_start: str) -> None:
        with self._tx() as db:
            db.execute(
                update(t.persons).where(t.persons.c.id == person_id).values(week_start=week_start)
            )

    def calendar_of(
        self, person_id: int
    ) -> tuple[str | None, str | None, dt.datetime | None, dt.date | None]:
        """The person's chosen week start, their country, when they were first stored and the
        day of their first screening, in one read (the progress report's weeks need them)."""
        first_screened = (
            select(func.min(t.screenings.c.taken_on))
            .where(t.screenings.c.person_id == person_id)
            .scalar_subquery()
        )
        with self.engine.connect() as db:
            found = db.execute(
                select(
                    t.persons.c.week_start,
                    t.persons.c.country,
                    t.persons.c.created_at,
                    first_screened.label("first_screened"),
                ).where(t.persons.c.id == person_id)
            ).one_or_none()
        if found is None:
            return None, None, None, None
        return found.week_start, found.country, found.created_at, found.first_screened

    def local_country(self) -> str | None:
        """The local person's country, in one read: every page asks it for the emergency
        number, so it neither creates the person nor opens a write transaction."""
        with self.engine.connect() as db:
            found = db.execute(
                select(t.persons.c.country).where(t.persons.c.label == t.LOCAL_LABEL)
            ).scalar()
        return None if found is None else str(found)

    def load_profile(self, person_id: int) -> Profile | None:
        with self.engine.connect() as db:
            data = db.execute(
                select(t.profiles.c.data).where(t.profiles.c.person_id == person_id)
            ).scalar()
        return None if data is None else Profile.model_validate(data)

    # Programmes ----------------------------------------------------------------------------------

    def programme(self, person_id: int) -> Programme | None:
        """The person's current programme (the latest stored), or None."""
        with self.engine.connect() as db:
            data = db.execute(
                select(t.programmes.c.data)
                .where(t.programmes.c.person_id == person_id)
                .order_by(t.programmes.c.id.desc())
                .limit(1)
            ).scalar()
        return None if data is None else Programme.model_validate(data)

    def save_programme(self, person_id: int, programme: Programme, at: dt.datetime) -> None:
        """Store `programme` as the person's current one."""
        with self._tx() as db:
            db.execute(
                insert(t.programmes).values(
                    person_id=person_id,
                    started_on=programme.started_on,
                    created_at=at,
                    data=programme.model_dump(mode="json"),
                )
            )

    # Screenings ----------------------------------------------------------------------------------

    def add_screening(
        self,
        person_id: int,
        record: ScreeningRecord,
        answers: dict[str, bool],
        at: dt.datetime,
        source: str = "questions",
    ) -> int:
        with self._tx() as db:
            return self._add_screening(db, person_id, record, answers, at, source)

    @staticmethod
    def _add_screening(
        db: Connection,
        person_id: int,
        record: ScreeningRecord,
        answers: dict[str, bool],
        at: dt.datetime,
        source: str,
    ) -> int:
        result = db.execute(
            insert(t.screenings).values(
                person_id=person_id,
                taken_at=at,
                taken_on=record.taken_on,
                source=source,
                answers=answers,
                tier=record.result.tier,
                restrictions=sorted(record.result.restrictions),
                flagged=list(record.result.flagged),
                findings=list(record.result.findings),
                pain=record.pain,
                cleared_on=record.cleared_on,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def screenings(self, person_id: int) -> list[ScreeningRecord]:
        """The person's screenings, oldest first, without those set aside as a mistake."""
        with self.engine.connect() as db:
            rows = db.execute(_SCREENINGS, {"person": person_id}).all()
        return [_screening(row) for row in rows]

    def readiness_inputs(
        self, person_id: int, day: dt.date, moments: Collection[str]
    ) -> tuple[list[ScreeningRecord], dict[str, int]]:
        """In one read: the screenings (oldest first, none set aside) and the pain now: the day's
        latest check-in at one of `moments`, else the stored profile's pain ({} without one).

        Every page and the plan's hot path ask this, so it is one connection and two prepared
        statements, not whole profiles and check-in histories (issue 12 bench).
        """
        with self.engine.connect() as db:
            rows = db.execute(_SCREENINGS, {"person": person_id}).all()
            pain, profile = db.execute(
                _PAIN_NOW, {"person": person_id, "day": day, "moments": list(moments)}
            ).one()
        if pain is None:
            pain = (profile or {}).get("pain", {})
        return [_screening(row) for row in rows], {str(a): int(v) for a, v in pain.items()}

    def latest_screening(self, person_id: int) -> ScreeningRecord | None:
        with self.engine.connect() as db:
            row = db.execute(
                select(t.screenings)
                .where(t.screenings.c.person_id == person_id, t.screenings.c.withdrawn_at.is_(None))
                .order_by(t.screenings.c.taken_at.desc(), t.screenings.c.id.desc())
                .limit(1)
            ).first()
        return None if row is None else _screening(row)

    @staticmethod
    def _latest_screening_id(db: Connection, person_id: int) -> int | None:
        found = db.execute(
            select(t.screenings.c.id)
            .where(t.screenings.c.person_id == person_id, t.screenings.c.withdrawn_at.is_(None))
            .order_by(t.screenings.c.taken_at.desc(), t.screenings.c.id.desc())
            .limit(1)
        ).scalar()
        return None if found is None else int(found)

    def set_screening_pain(self, person_id: int, pain: dict[str, int]) -> None:
        """Set the pain baseline of the latest screening."""
        with self._tx() as db:
            latest = self._latest_screening_id(db, person_id)
            if latest is not None:
                db.execute(
                    update(t.screenings).where(t.screenings.c.id == latest).values(pain=pain)
                )

    def record_clearance(
        self,
        person_id: int,
        screening_ids: Sequence[int],
        day: dt.date,
        by: str | None,
        note: str | None,
    ) -> int:
        """Mark these screenings of the person as cleared by a clinician; how many were."""
        if not screening_ids:
            return 0
        with self._tx() as db:
            changed = db.execute(
                update(t.screenings)
                .where(
                    t.screenings.c.person_id == person_id,
                    t.screenings.c.id.in_(list(screening_ids)),
                )
                .values(cleared_on=day, cleared_by=by, clearance_note=note)
            )
            return int(changed.rowcount)

    def withdraw_screening(
        self, person_id: int, screening_id: int, at: dt.datetime, within: dt.timedelta
    ) -> dict[str, bool] | None:
        """Set the latest screening aside as answered by mistake, and return its answers.

        Only a screening the person answered (not a stop during a session), still the latest,
        taken less than `within` ago, with no session started since; otherwise None.
        """
        with self._tx() as db:
            latest = self._latest_screening_id(db, person_id)
            if latest != screening_id:
                return None
            row = db.execute(select(t.screenings).where(t.screenings.c.id == latest)).one()
            if row.source != "questions" or not at - within <= row.taken_at <= at:
                return None
            later = db.execute(
                select(func.count())
                .select_from(t.sessions)
                .where(t.sessions.c.person_id == person_id, t.sessions.c.started_at >= row.taken_at)
            ).scalar()
            if later:
                return None
            db.execute(
                update(t.screenings).where(t.screenings.c.id == latest).values(withdrawn_at=at)
            )
            return dict(row.answers)

    # Plans and sessions --------------------------------------------------------------------------

    def save_plan(self, person_id: int, plan: SessionPlan, at: dt.datetime) -> int:
        with self._tx() as db:
            result = db.execute(_new_plan(person_id, plan, at))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def save_plan_of_the_day(
        self, person_id: int, plan: SessionPlan, at: dt.datetime
    ) -> tuple[int, bool]:
        """Store `plan` as its day's plan, (its id, True); or, when the day has its plan already
        (see `plan_of_the_day_text`), (that one's id, False): requests at once store one plan,
        not one each (issue 13)."""
        with self._tx() as db:
            self._lock_person(db, person_id)
            day = {"person": person_id, "day": plan.day}
            found = db.execute(_PLAN_OF_THE_DAY_TEXT, day).first()
            if found is not None:
                return int(found.id), False
            result = db.execute(_new_plan(person_id, plan, at))
            return int(result.inserted_primary_key[0]), True  # type: ignore[index]

    def plan_of_the_day_text(self, person_id: int, day: dt.date) -> tuple[int, str] | None:
        """The day's plan, as its stored JSON text: the latest plan for `day` that no session
        ended with (one not started yet, or the active session's)."""
        with self.engine.connect() as db:
            row = db.execute(_PLAN_OF_THE_DAY_TEXT, {"person": person_id, "day": day}).first()
        return None if row is None else (int(row.id), str(row.data))

    def plan_of_the_day(self, person_id: int, day: dt.date) -> tuple[int, SessionPlan] | None:
        """The day's plan (see `plan_of_the_day_text`)."""
        found = self.plan_of_the_day_text(person_id, day)
        return None if found is None else (found[0], SessionPlan.model_validate_json(found[1]))

    def discard_unstarted_plans(self, person_id: int) -> None:
        """Plans no session used yet: made stale by a new screening or profile."""
        used = select(t.sessions.c.plan_id).where(t.sessions.c.person_id == person_id)
        with self._tx() as db:
            db.execute(
                delete(t.plans).where(t.plans.c.person_id == person_id, t.plans.c.id.not_in(used))
            )

    def session_brief(self, person_id: int, session_id: int) -> SessionBrief | None:
        """One of the person's sessions, briefly; None when it is not theirs or not there."""
        with self.engine.connect() as db:
            row = db.execute(_SESSION_BRIEF, {"person": person_id, "id": session_id}).first()
        if row is None:
            return None
        return SessionBrief(
            plan_id=int(row.plan_id),
            paced=bool(row.paced),
            key=row.session_key,
            status=str(row.status),
            started_at=row.started_at,
            ended_at=row.ended_at,
        )

    def load_plan(self, plan_id: int) -> SessionPlan:
        with self.engine.connect() as db:
            data = db.execute(select(t.plans.c.data).where(t.plans.c.id == plan_id)).scalar_one()
        return SessionPlan.model_validate(data)

    def start_session(
        self, person_id: int, plan_id: int, at: dt.datetime, steps_total: int, paced: bool
    ) -> int:
        with self._tx() as db:
            result = db.execute(_new_session(person_id, plan_id, at, steps_total, paced))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def start_or_find_session(
        self,
        person_id: int,
        plan_id: int,
        at: dt.datetime,
        steps_total: int,
        paced: bool,
        resume_since: dt.datetime | None,
    ) -> tuple[int, bool]:
        """Start a session unless the person has an active one begun since `resume_since`:
        (its id, True) when started, (the active one's id, False) when not. Older active
        sessions (every one, for None) are marked abandoned first. Atomic: concurrent starts
        make one session, and a unique index keeps one active session per person whatever else
        writes (issue 13).
        """
        with self._tx() as db:
            self._lock_person(db, person_id)
            stale = [t.sessions.c.person_id == person_id, t.sessions.c.status == "active"]
            if resume_since is not None:
                stale.append(t.sessions.c.started_at < resume_since)
            db.execute(update(t.sessions).where(*stale).values(status="abandoned", ended_at=at))
            active = db.execute(
                select(t.sessions.c.id).where(
                    t.sessions.c.person_id == person_id, t.sessions.c.status == "active"
                )
            ).scalar()
            if active is not None:
                return int(active), False
            result = db.execute(_new_session(person_id, plan_id, at, steps_total, paced))
            return int(result.inserted_primary_key[0]), True  # type: ignore[index]

    def end_session(self, session_id: int, status: str, at: dt.datetime) -> None:
        with self._tx() as db:
            self._end_session(db, session_id, status, at)

    @staticmethod
    def _end_session(db: Connection, session_id: int, status: str, at: dt.datetime) -> None:
        """A session ends once: a later end (another tab's run, a late event) changes nothing."""
        sessions = t.sessions
        db.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.status == "active")
            .values(status=status, ended_at=at)
        )

    def record_step(
        self, person_id: int, session_id: int, record: StepRecord, key: str | None = None
    ) -> bool:
        """Save a finished step at once; a repeated step or key is stored once. True if new."""
        with self._tx() as db:
            return self._record_step(db, person_id, session_id, record, key)

    def _record_step(
        self,
        db: Connection,
        person_id: int,
        session_id: int,
        record: StepRecord,
        key: str | None = None,
    ) -> bool:
        statement = (
            self._insert_ignoring_duplicates(t.session_steps)
            .values(
                person_id=person_id,
                session_id=session_id,
                step_index=record.index,
                item_index=record.item_index,
                exercise_id=record.exercise_id,
                kind=record.kind,
                set_number=record.set_number,
                side=record.side,
                direction=record.direction,
                reps=record.reps,
                hold_s=record.hold_s,
                started_at=_utc(record.started_at),
                ended_at=_utc(record.ended_at),
                skipped=record.skipped,
                paused_s=record.paused_s,
                idempotency_key=key or f"{session_id}:{record.index}",
            )
            .returning(t.session_steps.c.id)
        )
        return db.execute(statement).first() is not None

    def step_records(self, session_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as db:
            rows = db.execute(
                select(t.session_steps)
                .where(t.session_steps.c.session_id == session_id)
                .order_by(t.session_steps.c.step_index)
            ).mappings()
            return [dict(r) for r in rows]

    def record_effort(
        self,
        person_id: int,
        session_id: int,
        item_index: int,
        exercise_id: str,
        reserve: int,
        at: dt.datetime,
    ) -> None:
        with self._tx() as db:
            self._record_effort(
                db, person_id, session_id, RecordEffort(item_index, exercise_id, reserve), at
            )

    def _record_effort(
        self, db: Connection, person_id: int, session_id: int, effort: RecordEffort, at: dt.datetime
    ) -> None:
        db.execute(
            self._insert_ignoring_duplicates(t.efforts).values(
                person_id=person_id,
                session_id=session_id,
                item_index=effort.item_index,
                exercise_id=effort.exercise_id,
                reps_in_reserve=effort.reps_in_reserve,
                recorded_at=at,
            )
        )

    def record_pain(
        self,
        person_id: int,
        session_id: int,
        step_index: int,
        item_index: int,
        exercise_id: str,
        area: str,
        score: int,
        symptoms: Sequence[str],
        at: dt.datetime,
    ) -> None:
        pain = RecordPain(step_index, item_index, exercise_id, area, score, frozenset(symptoms))  # type: ignore[arg-type]
        with self._tx() as db:
            self._record_pain(db, person_id, session_id, pain, at)

    @staticmethod
    def _record_pain(
        db: Connection, person_id: int, session_id: int, pain: RecordPain, at: dt.datetime
    ) -> None:
        db.execute(
            insert(t.pain_reports).values(
                person_id=person_id,
                session_id=session_id,
                step_index=pain.step_index,
                item_index=pain.item_index,
                exercise_id=pain.exercise_id,
                area=pain.area,
                score=pain.score,
                symptoms=sorted(pain.symptoms),
                reported_at=at,
            )
        )

    def mark_aggravating(self, person_id: int, exercise_id: str, at: dt.datetime) -> None:
        with self._tx() as db:
            self._mark_aggravating(db, person_id, exercise_id, at)

    def _mark_aggravating(
        self, db: Connection, person_id: int, exercise_id: str, at: dt.datetime
    ) -> None:
        db.execute(
            self._insert_ignoring_duplicates(t.aggravations).values(
                person_id=person_id, exercise_id=exercise_id, marked_at=at
            )
        )

    def apply_writes(
        self, person_id: int, session_id: int, writes: Sequence[tuple[SessionWrite, dt.datetime]]
    ) -> None:
        """Store what a session's effects write, all or nothing."""
        with self._tx() as db:
            self._write(db, person_id, session_id, writes)

    def _write(
        self,
        db: Connection,
        person_id: int,
        session_id: int,
        writes: Sequence[tuple[SessionWrite, dt.datetime]],
    ) -> None:
        for write, at in writes:
            if isinstance(write, StepRecord):
                self._record_step(db, person_id, session_id, write)
            elif isinstance(write, RecordEffort):
                self._record_effort(db, person_id, session_id, write, at)
            elif isinstance(write, RecordPain):
                self._record_pain(db, person_id, session_id, write, at)
            elif isinstance(write, MarkAggravating):
                self._mark_aggravating(db, person_id, write.exercise_id, at)
            elif isinstance(write, ScreeningRecord):
                self._add_screening(db, person_id, write, {}, at, "session")
            else:
                status = "finished" if write.finished else "stopped"
                self._end_session(db, session_id, status, at)

    @contextmanager
    def run_log(self, person_id: int, run: RunRow) -> Iterator[RunLog]:
        """One transaction on a run's event log: add an event, read the run and its events,
        store its replay's new writes; all or nothing."""
        with self._tx() as db:
            yield RunLog(self, db, person_id, run)

    # Runs and their events (issue 15) -----------------------------------------------------------

    def start_run(
        self,
        person_id: int,
        session_id: int,
        started_at: dt.datetime,
        resume_at: int,
        start_pain: dict[str, int],
    ) -> RunRow:
        with self._tx() as db:
            result = db.execute(
                insert(t.session_runs).values(
                    person_id=person_id,
                    session_id=session_id,
                    started_at=started_at,
                    resume_at=resume_at,
                    start_pain=start_pain,
                    applied=0,
                )
            )
            run_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        return RunRow(run_id, session_id, started_at, resume_at, 0, start_pain)

    def count_runs(self, session_id: int) -> int:
        runs = t.session_runs
        with self.engine.connect() as db:
            return int(
                db.execute(
                    select(func.count()).select_from(runs).where(runs.c.session_id == session_id)
                ).scalar_one()
            )

    def run(self, person_id: int, run_id: int) -> RunRow | None:
        """One of the person's runs; None when it is not theirs or not there."""
        runs = t.session_runs
        with self.engine.connect() as db:
            row = db.execute(
                select(runs).where(runs.c.id == run_id, runs.c.person_id == person_id)
            ).first()
        if row is None:
            return None
        return RunRow(
            int(row.id),
            int(row.session_id),
            row.started_at,
            int(row.resume_at),
            int(row.applied),
            dict(row.start_pain),
        )

    def aggravating(self, person_id: int) -> frozenset[str]:
        with self.engine.connect() as db:
            return self._aggravating(db, person_id)

    @staticmethod
    def _aggravating(db: Connection, person_id: int) -> frozenset[str]:
        rows = db.execute(
            select(t.aggravations.c.exercise_id).where(t.aggravations.c.person_id == person_id)
        ).scalars()
        return frozenset(rows)

    def _session_rows(
        self,
        db: Connection,
        person_id: int,
        where: Any = None,
        newest: int | None = None,
    ) -> list[SessionRow]:
        """The person's sessions (those matching `where`; only the `newest` latest of them when
        given), oldest first, with what their steps add up to: only their own steps are read."""
        sessions = t.sessions.c
        query = select(t.sessions).where(sessions.person_id == person_id)
        if where is not None:
            query = query.where(where)
        if newest is None:
            rows = list(db.execute(query.order_by(sessions.started_at, sessions.id)).all())
        else:
            latest = query.order_by(sessions.started_at.desc(), sessions.id.desc()).limit(newest)
            rows = list(db.execute(latest).all())[::-1]
        # Every session of the person: their steps by person, not by a list of every id.
        ids = None if where is None and newest is None else [row.id for row in rows]
        done = self._steps_done(db, person_id, ids)
        seconds = self._exercise_seconds(db, person_id, ids)
        return [
            SessionRow(
                id=row.id,
                plan_id=row.plan_id,
                started_at=row.started_at,
                ended_at=row.ended_at,
                status=row.status,
                paced=row.paced,
                steps_total=row.steps_total,
                steps_done=done.get(row.id, (0, -1))[0],
                next_step=done.get(row.id, (0, -1))[1] + 1,
                exercise_seconds=seconds.get(row.id, 0.0),
                key=row.session_key,
            )
            for row in rows
        ]

    @staticmethod
    def _steps_done(
        db: Connection, person_id: int, ids: list[int] | None
    ) -> dict[int, tuple[int, int]]:
        """Per session: steps recorded and the highest step index recorded."""
        if ids == []:
            return {}
        step = t.session_steps.c
        found = db.execute(
            select(step.session_id, func.count(), func.max(step.step_index))
            .where(_of(step, person_id, ids))
            .group_by(step.session_id)
        )
        return {int(s): (int(n), int(last)) for s, n, last in found}

    def _exercise_seconds(
        self, db: Connection, person_id: int, ids: list[int] | None
    ) -> dict[int, float]:
        """Time in the exercises themselves per session: holds held, work steps' length less
        their pauses; added up by the database, not step by step here."""
        if ids == []:
            return {}
        query = _exercise_seconds_query(self.engine.dialect.name, by_person=ids is None)
        given = {"person": person_id} if ids is None else {"ids": ids}
        found = db.execute(query, given)
        return {int(session): float(micros or 0) / 1_000_000 for session, micros in found}

    def sessions(
        self,
        person_id: int,
        *,
        limit: int | None = None,
        before: int | None = None,
        since: dt.datetime | None = None,
    ) -> list[SessionRow]:
        """The person's sessions, oldest first: every one, or the `limit` latest; only those
        older than session `before` when it is given (a page of history, newest first, is
        `reversed(sessions(p, limit=n, before=the oldest shown))`), only those started at
        `since` or later when that is (the weeks a progress report shows)."""
        sessions = t.sessions.c
        where = []
        if before is not None:
            mark = (
                select(sessions.started_at)
                .where(sessions.id == before, sessions.person_id == person_id)
                .scalar_subquery()
            )
            where.append(
                or_(
                    sessions.started_at < mark,
                    and_(sessions.started_at == mark, sessions.id < before),
                )
            )
        if since is not None:
            where.append(sessions.started_at >= since)
        with self.engine.connect() as db:
            return self._session_rows(db, person_id, and_(*where) if where else None, newest=limit)

    def finished_totals(self, person_id: int) -> tuple[int, float]:
        """How many sessions the person finished, and their minutes from start to end, added
        up by the database (a progress report's totals, without reading every session)."""
        sessions = t.sessions.c
        with self.engine.connect() as db:
            count, micros = db.execute(
                select(
                    func.count(),
                    func.sum(
                        _microseconds(
                            self.engine.dialect.name, sessions.started_at, sessions.ended_at
                        )
                    ),
                ).where(
                    sessions.person_id == person_id,
                    sessions.status == "finished",
                    sessions.ended_at.is_not(None),
                )
            ).one()
        return int(count), float(micros or 0) / 60_000_000

    def stopped_part_way(self, person_id: int) -> int:
        """How many of the person's sessions ended, stopped or abandoned, after at least one
        step was recorded: counted by the database."""
        sessions = t.sessions.c
        steps = t.session_steps.c
        begun = select(steps.session_id).where(steps.session_id == sessions.id).exists()
        with self.engine.connect() as db:
            found = db.execute(
                select(func.count()).where(
                    sessions.person_id == person_id,
                    sessions.status.in_(("stopped", "abandoned")),
                    begun,
                )
            ).scalar()
        return int(found or 0)

    def session(self, person_id: int, session_id: int) -> SessionRow | None:
        """One of the person's sessions, with where it got to; None when not theirs or not
        there. Reads that session's steps only (a start or resume sends it to the player)."""
        with self.engine.connect() as db:
            rows = self._session_rows(db, person_id, t.sessions.c.id == session_id)
        return rows[0] if rows else None

    def latest_session_id(
        self, person_id: int, started_before: dt.datetime | None = None
    ) -> int | None:
        """The person's latest session (the latest started before `started_before`, when
        given); None without one. A check-in after a session, or the next morning, names it."""
        sessions = t.sessions.c
        query = select(sessions.id).where(sessions.person_id == person_id)
        if started_before is not None:
            query = query.where(sessions.started_at < started_before)
        with self.engine.connect() as db:
            found = db.execute(
                query.order_by(sessions.started_at.desc(), sessions.id.desc()).limit(1)
            ).scalar()
        return None if found is None else int(found)

    def started_on(self, person_id: int) -> dt.date | None:
        """The day the person's record begins: their first session's (its UTC date) or first
        check-in's, whichever is earlier; None with neither (the "persists" rule counts from
        it)."""
        with self.engine.connect() as db:
            first_session, first_checkin = db.execute(
                select(
                    select(func.min(t.sessions.c.started_at))
                    .where(t.sessions.c.person_id == person_id)
                    .scalar_subquery(),
                    select(func.min(t.checkins.c.day))
                    .where(t.checkins.c.person_id == person_id)
                    .scalar_subquery(),
                )
            ).one()
        days = [first_checkin] if first_checkin is not None else []
        if first_session is not None:
            days.append(first_session.date())
        return min(days, default=None)

    def active_session(self, person_id: int) -> SessionRow | None:
        """The latest session that was neither finished nor stopped: one to resume."""
        with self.engine.connect() as db:
            rows = self._session_rows(db, person_id, t.sessions.c.status == "active", newest=1)
        return rows[-1] if rows else None

    def abandon_session(self, session_id: int, at: dt.datetime) -> None:
        self.end_session(session_id, "abandoned", at)

    # Check-ins, function ratings, advice -----------------------------------------------------

    def add_checkin(self, person_id: int, checkin: PainCheckIn, at: dt.datetime) -> int:
        with self._tx() as db:
            result = db.execute(
                insert(t.checkins).values(
                    person_id=person_id,
                    taken_at=at,
                    day=checkin.day,
                    moment=checkin.moment,
                    session_id=checkin.session_id,
                    pain=checkin.pain,
                    note=checkin.note,
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def checkins(
        self, person_id: int, day: dt.date | None = None, *, since: dt.date | None = None
    ) -> list[PainCheckIn]:
        """The person's check-ins, oldest first; only that day's when `day` is given, only
        those of `since` and after when that is (both by ix_checkins_person_day)."""
        query = select(t.checkins).where(t.checkins.c.person_id == person_id)
        if day is not None:
            query = query.where(t.checkins.c.day == day)
        if since is not None:
            query = query.where(t.checkins.c.day >= since)
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(t.checkins.c.taken_at, t.checkins.c.id)).mappings()
            return [_checkin(r) for r in rows]

    def checkins_in(
        self, person_id: int, spans: Sequence[tuple[dt.date, dt.date]]
    ) -> list[PainCheckIn]:
        """The person's check-ins on the days of any of these spans ([start, end)), oldest
        first: what the progress rules read (`progress.days_that_count`)."""
        merged: list[list[dt.date]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            elif start < end:
                merged.append([start, end])
        if not merged:
            return []
        checkins = t.checkins.c
        # One range of the (person, day) index per span: SQLite reads an OR of ranges by
        # scanning every check-in of the person instead.
        parts = [
            select(t.checkins).where(
                checkins.person_id == person_id, checkins.day >= start, checkins.day < end
            )
            for start, end in merged
        ]
        with self.engine.connect() as db:
            rows = db.execute(union_all(*parts)).mappings().all()
        found = sorted(rows, key=lambda r: (r["taken_at"], r["id"]))
        return [_checkin(r) for r in found]

    def reading_days(
        self, person_id: int, areas: Sequence[str], moments: Collection[str]
    ) -> tuple[dt.date | None, dict[str, tuple[dt.date, dt.date]]]:
        """The person's first check-in day, and per area the first and latest day of a reading
        at these moments; added up by the database."""
        query = _reading_days_query(tuple(areas), tuple(sorted(moments)))
        with self.engine.connect() as db:
            first, *spans = db.execute(query, {"person": person_id}).one()
        found = {
            area: (spans[2 * n], spans[2 * n + 1])
            for n, area in enumerate(areas)
            if spans[2 * n] is not None
        }
        return first, found

    def add_function_rating(self, person_id: int, rating: FunctionRating, at: dt.datetime) -> None:
        with self._tx() as db:
            db.execute(
                insert(t.function_ratings).values(
                    person_id=person_id,
                    day=rating.day,
                    activity=rating.activity,
                    score=rating.score,
                    recorded_at=at,
                )
            )

    def function_ratings(self, person_id: int) -> list[FunctionRating]:
        with self.engine.connect() as db:
            rows = db.execute(
                select(t.function_ratings)
                .where(t.function_ratings.c.person_id == person_id)
                .order_by(t.function_ratings.c.day, t.function_ratings.c.id)
            ).mappings()
            return [
                FunctionRating(day=r["day"], activity=r["activity"], score=r["score"]) for r in rows
            ]

    def dismiss_advice(
        self, person_id: int, concern: str, choice: str, day: dt.date, at: dt.datetime
    ) -> None:
        with self._tx() as db:
            db.execute(
                insert(t.advice_dismissals).values(
                    person_id=person_id, concern=concern, choice=choice, day=day, dismissed_at=at
                )
            )

    def choices_made(self, person_id: int) -> list[tuple[str, str, dt.date]]:
        """Every advice the person dismissed, with what they chose and when, oldest first (the
        progress report prints them for a clinician)."""
        dismissals = t.advice_dismissals
        with self.engine.connect() as db:
            rows = db.execute(
                select(dismissals.c.concern, dismissals.c.choice, dismissals.c.day)
                .where(dismissals.c.person_id == person_id)
                .order_by(dismissals.c.day, dismissals.c.id)
            ).all()
        return [(str(r.concern), str(r.choice), r.day) for r in rows]

    def pain_reported(self, person_id: int, since: dt.datetime) -> list[PainReported]:
        """Pain reported during sessions since `since`, with the exercise it came in, oldest
        first; and the exercises marked as hurting (`aggravations`) since then."""
        reports = t.pain_reports
        with self.engine.connect() as db:
            rows = db.execute(
                select(
                    reports.c.exercise_id,
                    reports.c.area,
                    reports.c.score,
                    reports.c.symptoms,
                    reports.c.reported_at,
                )
                .where(reports.c.person_id == person_id, reports.c.reported_at >= since)
                .order_by(reports.c.reported_at, reports.c.id)
            ).all()
            marked = dict(
                db.execute(
                    select(t.aggravations.c.exercise_id, t.aggravations.c.marked_at).where(
                        t.aggravations.c.person_id == person_id,
                        t.aggravations.c.marked_at >= since,
                    )
                ).all()
            )
        return [
            PainReported(
                exercise_id=str(r.exercise_id),
                area=str(r.area),
                score=int(r.score),
                symptoms=tuple(sorted(r.symptoms or ())),
                at=r.reported_at,
                marked=r.exercise_id in marked,
            )
            for r in rows
        ] + [
            PainReported(exercise_id=e, area=None, score=None, symptoms=(), at=at, marked=True)
            for e, at in marked.items()
            if not any(r.exercise_id == e for r in rows)
        ]

    def dismissals(self, person_id: int) -> dict[str, dt.date]:
        """The latest day each concern was dismissed."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(t.advice_dismissals.c.concern, func.max(t.advice_dismissals.c.day))
                .where(t.advice_dismissals.c.person_id == person_id)
                .group_by(t.advice_dismissals.c.concern)
            ).all()
        return dict(rows)

    def history(
        self, person_id: int, recent: int | None = RECENT_SESSIONS, *, earlier: bool = True
    ) -> History:
        """What the planner and the advice read of past sessions (see `domain.history`): the
        latest `recent` sessions with a step recorded (every one for None); when that leaves
        older ones out and `earlier` asks for them (the planner does, the advice does not), the
        latest outcome of each exercise done before them; and the exercises marked aggravating.

        Only those sessions' rows are read, their steps added up by the database, so planning
        costs the same however long the history (issue 16).
        """
        with self.engine.connect() as db:
            latest = self._sessions_with_steps(db, person_id, recent)
            # Each exercise not done in those sessions, by the older session it was last done in.
            last_done: dict[str, int] = {}
            if earlier and recent is not None and len(latest) == recent:
                shown = {row.id for row in latest}
                last_done = {
                    exercise: session
                    for exercise, session in db.execute(
                        _LATEST_SESSION_OF_EACH_EXERCISE,
                        {"person": person_id, "kinds": sorted(EXERCISE_KINDS)},
                    ).all()
                    if session is not None and session not in shown
                }
            older = self._sessions_with_plans(db, person_id, set(last_done.values()))
            facts = _SessionFacts.read(db, person_id, latest + older)
            aggravating = self._aggravating(db, person_id)
        sessions = tuple(facts.session_outcome(*row) for row in latest)
        before = tuple(
            outcome
            for row in older
            for outcome in _last_in_session(facts.exercise_outcomes(*row))
            if last_done.get(outcome.exercise_id) == row.id
        )
        return History(sessions=sessions, aggravating=aggravating, earlier=before)

    def session_outcome(self, person_id: int, session_id: int) -> SessionOutcome | None:
        """How one of the person's sessions went, as the planner reads it (see `history`);
        None when it is not theirs or not there."""
        with self.engine.connect() as db:
            rows = self._sessions_with_plans(db, person_id, {session_id})
            if not rows:
                return None
            facts = _SessionFacts.read(db, person_id, rows)
        return facts.session_outcome(*rows[0])

    @staticmethod
    def _sessions_with_steps(db: Connection, person_id: int, newest: int | None) -> list[Any]:
        """(id, started_at, plan) of the person's sessions with a step recorded, oldest first:
        the `newest` latest ones (every one for None)."""
        if newest is None:
            return list(db.execute(_EVERY_SESSION_WITH_STEPS, {"person": person_id}).all())
        latest = db.execute(_LATEST_SESSIONS_WITH_STEPS, {"person": person_id, "newest": newest})
        return list(latest.all())[::-1]

    @staticmethod
    def _sessions_with_plans(db: Connection, person_id: int, ids: set[int]) -> list[Any]:
        """(id, started_at, plan) of these sessions of the person, oldest first."""
        if not ids:
            return []
        found = db.execute(_SESSIONS_WITH_PLANS, {"person": person_id, "ids": sorted(ids)})
        return list(found.all())


# The statements of `Store.history`, built once (building one costs about as much as running
# it): sessions with their plans, and what those sessions recorded, by the sessions' ids.
def _with_plans(*where: Any) -> Any:
    sessions = t.sessions.c
    return (
        select(sessions.id, sessions.started_at, t.plans.c.data)
        .join(t.plans, t.plans.c.id == sessions.plan_id)
        .where(sessions.person_id == bindparam("person"), *where)
    )


_HAS_STEPS = select(t.session_steps.c.id).where(t.session_steps.c.session_id == t.sessions.c.id)
_EVERY_SESSION_WITH_STEPS = _with_plans(_HAS_STEPS.exists()).order_by(
    t.sessions.c.started_at, t.sessions.c.id
)
_LATEST_SESSIONS_WITH_STEPS = (
    _with_plans(_HAS_STEPS.exists())
    .order_by(t.sessions.c.started_at.desc(), t.sessions.c.id.desc())
    .limit(bindparam("newest"))
)
_SESSIONS_WITH_PLANS = _with_plans(t.sessions.c.id.in_(bindparam("ids", expanding=True))).order_by(
    t.sessions.c.started_at, t.sessions.c.id
)
_STEP = t.session_steps.c
# Per planned exercise of each session: the sets with a step done, and whether any was skipped.
_RECORDED_SETS = (
    select(
        _STEP.session_id,
        _STEP.item_index,
        func.count(distinct(case((_STEP.skipped.is_(False), _STEP.set_number)))),
        func.max(case((_STEP.skipped.is_(True), 1), else_=0)),
    )
    .where(
        _STEP.session_id.in_(bindparam("ids", expanding=True)),
        _STEP.kind.in_(sorted(EXERCISE_KINDS)),
    )
    .group_by(_STEP.session_id, _STEP.item_index)
)
_EFFORTS = select(
    t.efforts.c.session_id, t.efforts.c.item_index, t.efforts.c.reps_in_reserve
).where(t.efforts.c.session_id.in_(bindparam("ids", expanding=True)))
_PAIN_REPORTS = (
    select(
        t.pain_reports.c.session_id,
        t.pain_reports.c.item_index,
        t.pain_reports.c.area,
        t.pain_reports.c.score,
    )
    .where(t.pain_reports.c.session_id.in_(bindparam("ids", expanding=True)))
    .order_by(t.pain_reports.c.id)
)
# Check-ins naming one of the sessions, or on one of the days; each side of the OR by its own
# index (a check-in naming one of the person's sessions is the person's).
_CHECKINS_NEAR = (
    select(t.checkins)
    .where(
        or_(
            and_(
                t.checkins.c.person_id == bindparam("person"),
                t.checkins.c.day.in_(bindparam("days", expanding=True)),
            ),
            t.checkins.c.session_id.in_(bindparam("ids", expanding=True)),
        )
    )
    .order_by(t.checkins.c.taken_at, t.checkins.c.id)
)


# The latest session in which each exercise the person ever did had a work or hold step: a
# loose index scan of ix_session_steps_person_exercise (the next exercise id, then its highest
# session id), two index seeks per exercise however many steps are stored. Session ids follow
# the order sessions start in (they are given as sessions start; an import keeps them).
_LATEST_SESSION_OF_EACH_EXERCISE = text(
    """
    WITH RECURSIVE done(exercise_id) AS (
        SELECT MIN(exercise_id) FROM session_steps WHERE person_id = :person
        UNION ALL
        SELECT (
            SELECT MIN(s.exercise_id) FROM session_steps AS s
            WHERE s.person_id = :person AND s.exercise_id > done.exercise_id
        )
        FROM done WHERE done.exercise_id IS NOT NULL
    )
    SELECT done.exercise_id, (
        SELECT s.session_id FROM session_steps AS s
        WHERE s.person_id = :person AND s.exercise_id = done.exercise_id AND s.kind IN :kinds
        ORDER BY s.session_id DESC LIMIT 1
    )
    FROM done WHERE done.exercise_id IS NOT NULL
    """
).bindparams(bindparam("kinds", expanding=True))


def _last_in_session(outcomes: Iterable[ExerciseOutcome]) -> list[ExerciseOutcome]:
    """Of a session's outcomes, the last of each exercise (planned twice, it counts as last
    done), in plan order."""
    last: dict[str, ExerciseOutcome] = {}
    for outcome in outcomes:
        last.pop(outcome.exercise_id, None)
        last[outcome.exercise_id] = outcome
    return list(last.values())


@dataclass(frozen=True, slots=True)
class _SessionFacts:
    """What some sessions recorded, read at once: each planned exercise's sets added up by the
    database, effort answers and pain reports by (session, item), and the check-ins that may
    belong to them (oldest first)."""

    sets: dict[tuple[int, int], RecordedSets]
    reserve: dict[tuple[int, int], int]
    reports: dict[tuple[int, int], list[tuple[str, int]]]
    checkins: list[PainCheckIn]

    @classmethod
    def read(cls, db: Connection, person_id: int, sessions: list[Any]) -> _SessionFacts:
        """The facts of these sessions of the person, (id, started_at, ...) each."""
        ids = {"ids": [row[0] for row in sessions]}
        reports: dict[tuple[int, int], list[tuple[str, int]]] = {}
        for session_id, item, area, score in db.execute(_PAIN_REPORTS, ids):
            reports.setdefault((session_id, item), []).append((area, score))
        return cls(
            sets={
                (s, i): RecordedSets(int(done), bool(skipped))
                for s, i, done, skipped in db.execute(_RECORDED_SETS, ids)
            },
            reserve={(s, i): int(r) for s, i, r in db.execute(_EFFORTS, ids)},
            reports=reports,
            checkins=_checkins_near(db, person_id, sessions),
        )

    def exercise_outcomes(
        self, session_id: int, started_at: dt.datetime, plan_data: Any
    ) -> list[ExerciseOutcome]:
        """How each planned exercise with a work or hold step recorded went, in plan order."""
        plan = SessionPlan.model_validate(plan_data)
        local_day = dt.datetime.fromtimestamp(started_at.timestamp()).date()
        start = starting_pain(self.checkins, session_id, local_day)
        return [
            exercise_outcome(
                item,
                self.sets[(session_id, number)],
                self.reports.get((session_id, number), ()),
                start,
                self.reserve.get((session_id, number)),
            )
            for number, item in enumerate(plan.items)
            if (session_id, number) in self.sets
        ]

    def session_outcome(
        self, session_id: int, started_at: dt.datetime, plan_data: Any
    ) -> SessionOutcome:
        """One session: its exercises, the worst pain during it, before and the next morning."""
        scores = [
            score
            for (session, _), found in self.reports.items()
            if session == session_id
            for _, score in found
        ]
        day = started_at.date()
        return SessionOutcome(
            day=day,
            pain_before=session_pain(self.checkins, session_id, day, "before"),
            pain_during=max(scores, default=None),
            pain_next_morning=session_pain(self.checkins, session_id, day, "morning"),
            exercises=tuple(self.exercise_outcomes(session_id, started_at, plan_data)),
        )


@functools.cache
def _reading_days_query(areas: tuple[str, ...], moments: tuple[str, ...]) -> Any:
    """The first check-in day, then each area's first and latest reading at `moments`: one pass
    over the person's check-ins (see `Store.reading_days`). Built once per areas and moments."""
    checkins = t.checkins.c
    columns: list[ColumnElement[Any]] = [func.min(checkins.day)]
    for area in areas:
        rated = and_(checkins.moment.in_(moments), checkins.pain[area].as_integer().is_not(None))
        day = case((rated, checkins.day))
        columns += [func.min(day), func.max(day)]
    return select(*columns).where(checkins.person_id == bindparam("person"))


@functools.cache
def _exercise_seconds_query(dialect: str, *, by_person: bool) -> Any:
    """Per session, the microseconds of its exercise steps (see `Store._exercise_seconds`): for
    the person's every session (`person`), or for some (`ids`). Built once per dialect."""
    step = t.session_steps.c
    worked = (
        _microseconds(dialect, step.started_at, step.ended_at)
        - func.coalesce(step.paused_s, 0.0) * 1_000_000
    )
    length = case(
        (step.kind == "work", case((worked > 0, worked), else_=0)),
        else_=func.coalesce(step.hold_s, 0) * 1_000_000,
    )
    which = (
        step.person_id == bindparam("person")
        if by_person
        else step.session_id.in_(bindparam("ids", expanding=True))
    )
    return (
        select(step.session_id, func.sum(length))
        .where(which, step.skipped.is_(False), step.kind.in_(("work", "hold")))
        .group_by(step.session_id)
    )


def _of(columns: Any, person_id: int, ids: list[int] | None) -> Any:
    """Rows of the person's sessions: these (`ids`, read for the person, so by their own
    index: with the person's too, SQLite would scan every row of the person), or every one
    (None)."""
    if ids is None:
        return columns.person_id == person_id
    return columns.session_id.in_(ids)


def _checkins_near(db: Connection, person_id: int, sessions: list[Any]) -> list[PainCheckIn]:
    """The check-ins that may belong to these sessions, (id, started_at, ...) each, oldest
    first: those naming one of them, and those on a day one of them started (in UTC or local
    time) or the day after (the morning question)."""
    days: set[dt.date] = set()
    for _, at, *_rest in sessions:
        days.update(at.date() + dt.timedelta(days=n) for n in range(_DAYS_AFTER + 1))
        days.add(dt.datetime.fromtimestamp(at.timestamp()).date())
    ids = [row[0] for row in sessions]
    rows = db.execute(_CHECKINS_NEAR, {"person": person_id, "days": sorted(days), "ids": ids})
    return [_checkin(r) for r in rows.mappings()]


# How many days after its session a check-in may still belong to it (the morning question).
_DAYS_AFTER = max(DAYS_AFTER_SESSION.values())


def _checkin(row: Any) -> PainCheckIn:
    return PainCheckIn(
        day=row["day"],
        moment=row["moment"],
        pain=row["pain"],
        session_id=row["session_id"],
        note=row["note"],
    )
