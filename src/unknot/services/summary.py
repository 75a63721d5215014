"""The end of a session: what was done, how long it took, pain before and after, what changes
next time and when the next session is (issue 17)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from unknot.clock import today
from unknot.services.acting import Acting
from unknot.services.errors import NoSuchSession
from unknot.services.planning import Planning
from unknot.services.screening import Situation
from unknot.storage.repository import SessionRow

# A session that ended in one of these counts as today's: "done for today".
ENDED = ("finished", "stopped")


class ExerciseDone(BaseModel):
    """How one planned exercise went."""

    exercise_id: str
    name: str
    sets_done: int
    sets: int
    completed: bool
    stopped_for_pain: bool


class SessionSummary(BaseModel):
    """One session, as its end shows it."""

    session_id: int
    status: str
    """finished, stopped (part-way), abandoned or active."""
    day: dt.date
    started_at: dt.datetime
    ended_at: dt.datetime | None
    elapsed_s: int
    """From start to end, pauses included."""
    exercise_s: int
    """In the exercises themselves (holds and work, not rests)."""
    steps_done: int
    steps_total: int
    exercises: list[ExerciseDone]
    pain_before: dict[str, int]
    pain_after: dict[str, int]
    next_time: list[str]
    """What changes next session, in words ("Row: 10 repetitions, up from 8")."""
    next_session: dt.date | None
    """The next session day, from the programme's weekly pattern."""
    programme_week: int | None = None
    programme_weeks: int | None = None


class Summaries(Planning, Acting):
    """Sessions' summaries."""

    def session_summary(
        self, session_id: int, situation: Situation | None = None, row: SessionRow | None = None
    ) -> SessionSummary:
        """The summary of one of the person's sessions; raises NoSuchSession. A caller that
        has read the situation or the session's row already passes them on."""
        from unknot.domain.planner import build_session, next_session_day

        store = self._store
        person = self.person_id
        row = row or store.session(person, session_id)
        if row is None:
            raise NoSuchSession(f"no session {session_id}")
        plan = store.load_plan(row.plan_id)
        outcome = store.session_outcome(person, session_id)
        done = {o.exercise_id: o for o in outcome.exercises} if outcome else {}
        exercises = [
            ExerciseDone(
                exercise_id=item.exercise_id,
                name=item.name,
                sets_done=done[item.exercise_id].sets_done if item.exercise_id in done else 0,
                sets=item.sets,
                completed=item.exercise_id in done and done[item.exercise_id].completed,
                stopped_for_pain=item.exercise_id in done
                and done[item.exercise_id].stopped_for_pain,
            )
            for item in plan.items
        ]
        from unknot.domain.progress import session_checkin

        day = row.started_at.astimezone().date()
        checkins = store.checkins(person, day)
        before = session_checkin(checkins, session_id, day, "before")
        after = session_checkin(checkins, session_id, day, "after")
        situation = situation or self.situation()
        programme = store.programme(person) or plan.programme
        next_day: dt.date | None = None
        changes: list[str] = []
        # While the screening holds sessions back, no next session is promised.
        if (
            programme is not None
            and situation.held_back is None
            and plan.day < dt.date.max.replace(year=9000)
        ):
            profile = situation.profile
            next_day = next_session_day(
                max(plan.day, today(self.clock)), profile.sessions_per_week, programme.started_on
            )
            upcoming = build_session(
                self.exercises(),
                self.planning_profile(situation),
                store.history(person),
                day=next_day,
                programme=programme,
            )
            changes = [f"{i.name}: {i.change}" for i in upcoming.items if i.change]
            changes += [n for n in upcoming.notes if "takes the place of" in n or "rests" in n]
        ended = row.ended_at or row.started_at
        return SessionSummary(
            session_id=session_id,
            status=row.status,
            day=plan.day,
            started_at=row.started_at,
            ended_at=row.ended_at,
            elapsed_s=round((ended - row.started_at).total_seconds()),
            exercise_s=round(row.exercise_seconds),
            steps_done=row.steps_done,
            steps_total=row.steps_total,
            exercises=exercises,
            pain_before=before.pain if before else {},
            pain_after=after.pain if after else {},
            next_time=changes,
            next_session=next_day,
            programme_week=programme.week_of(plan.day) if programme else None,
            programme_weeks=programme.weeks if programme else None,
        )

    def ended_today(self, situation: Situation | None = None) -> SessionSummary | None:
        """The summary of today's latest session when it has ended (finished, or stopped
        part-way), else None: the today page then says "done for today"."""
        store = self._store
        person = self.person_id
        latest = store.latest_session_id(person)
        if latest is None:
            return None
        row = store.session(person, latest)
        if row is None or row.status not in ENDED:
            return None
        if row.started_at.astimezone().date() != today(self.clock):
            return None
        return self.session_summary(latest, situation, row)
