"""Planning use cases: the profile, today's plan and swaps, and plans ahead for the command line."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from unknot.clock import instant, today
from unknot.domain.plan import PlanImpossible as DomainPlanImpossible
from unknot.domain.plan import SessionPlan, WeekPlan
from unknot.domain.profile import Profile
from unknot.domain.programme import Programme
from unknot.domain.screening import Readiness, Tier
from unknot.domain.vocabulary import Item, Position
from unknot.services.acting import Acting
from unknot.services.errors import (
    NoSwap,
    NotInPlan,
    PlanImpossible,
    ProfileProblem,
    SessionsHeldBack,
)
from unknot.services.screening import Screening, Situation
from unknot.services.wording import validation_message


class SwapChoice(BaseModel):
    """An exercise that could take another's place in today's plan."""

    exercise_id: str
    name: str
    purpose: str
    position: Position
    equipment: tuple[Item, ...]


@dataclass(frozen=True)
class _Swap:
    situation: Situation
    current: TodayPlan
    programme: Programme
    chains: dict[str, list[str]]
    choices: list[SwapChoice]


class TodayPlan(SessionPlan):
    """Today's plan with its stored id (swaps and the session that starts from it name it)."""

    plan_id: int


@dataclass(frozen=True)
class PlanAhead:
    """A plan made without starting anything (`unknot plan`): a day's or a week's, or, when
    the screening holds sessions back, only why."""

    session: SessionPlan | None = None
    week: WeekPlan | None = None
    notes: list[str] = field(default_factory=list)
    """What to do before the first session (screen, or screen again)."""
    held_back: str | None = None
    """The advice, when the stored screening holds every session until a clinician clears."""
    tier: Tier | None = None


class Planning(Screening, Acting):
    """The person's profile and plans."""

    def profile(self) -> Profile:
        """The stored profile, else the defaults."""
        return self._store.load_profile(self.person_id) or Profile()

    def save_profile(self, profile: Profile) -> None:
        """Store the person's profile.

        On a first visit the screening comes before the profile, so it knows no pain yet: the
        profile's pain, given the same day, completes that screening's baseline (otherwise every
        painful area would count as "new" and ask for the screening again at once).
        """
        store = self._store
        person = self.person_id
        store.save_profile(person, profile, instant(self.clock.now()))
        store.discard_unstarted_plans(person)
        latest = store.latest_screening(person)
        if latest is not None and not latest.pain and latest.taken_on == today(self.clock):
            store.set_screening_pain(person, profile.pain_scores())

    def planning_profile(self, situation: Situation) -> Profile:
        """The profile the planner plans with: the screening's restrictions added, and the pain
        now (today's latest reading, else the profile's: issue 14's severe-day rule reads it)."""
        profile = situation.profile
        return profile.model_copy(
            update={
                "restrictions": profile.restrictions | situation.readiness.restrictions,
                "pain": {area: score for area, score in situation.pain.items() if score > 0},
            }
        )

    def today_plan_json(self) -> str:
        """Today's plan as a JSON document with its id, straight from storage when it exists.

        The API's hot path (issue 7: requests per second): a stored plan is sent as stored,
        without decoding and encoding it again.
        """
        store = self._store
        person = self.remembered_person()
        # The plan obeys the screening exactly as a session does (issue 12), on every call.
        readiness, _pain = self.readiness_now()
        if readiness.may_start:
            found = store.plan_of_the_day_text(person, today(self.clock))
            if found is not None:
                plan_id, text = found
                return f'{{"plan_id": {plan_id}, ' + text.lstrip()[1:]
        # No stored plan, or the id remembered belongs to a person another process forgot: the
        # full path looks the person up afresh and raises SessionsHeldBack when sessions wait.
        self.look_again()
        return self.today_plan().model_dump_json()

    def today_plan(self, situation: Situation | None = None) -> TodayPlan:
        """Today's plan not yet started: the stored one, or a new one (stored).

        Raises SessionsHeldBack with the advice while the screening holds sessions back (issue
        12: the plan obeys the screening exactly as sessions do). A new plan is stored because
        swaps and the session that starts from it refer to it; it is derived from what is stored
        already (the profile, the history, the programme), so the first look at a day's plan
        records no choice of the person's, and rebuilding it gives the same exercises.
        """
        now = situation or self.situation()
        if now.held_back is not None:
            raise SessionsHeldBack(now.held_back)
        store = self._store
        day = today(self.clock)
        found = store.plan_of_the_day(self.person_id, day)
        if found is None:
            plan = self.plan_session(now)
            plan_id, stored = store.save_plan_of_the_day(
                self.person_id, plan, instant(self.clock.now())
            )
            # Another request stored the day's plan first: that one is today's.
            found = (plan_id, plan if stored else store.load_plan(plan_id))
        plan_id, plan = found
        return TodayPlan(plan_id=plan_id, **dict(plan))

    def plan_session(self, situation: Situation, *, seed: int = 0) -> SessionPlan:
        """A session for today from the person's programme, which is stored when planning
        changed it (a first programme, a renewal, a place refilled)."""
        from unknot.domain.planner import build_session

        store = self._store
        person = self.person_id
        stored = store.programme(person)
        plan = build_session(
            self.exercises(),
            self.planning_profile(situation),
            store.history(person),
            day=today(self.clock),
            seed=seed,
            programme=stored,
        )
        if plan.programme is not None and plan.programme != stored:
            store.save_programme(person, plan.programme, instant(self.clock.now()))
        return plan

    def swap_choices(self, exercise_id: str) -> list[SwapChoice]:
        """What could take the place of an exercise in today's plan: exercises of the same
        block sharing an area with it, that the person can do today and that are not in the
        programme already, best first. Raises NotInPlan, or NoSwap on a gentle day."""
        return self._swap(exercise_id).choices

    def swap_exercise(self, exercise_id: str, replacement: str | None = None) -> TodayPlan:
        """Put `replacement` (one of `swap_choices`; the first of them when None) in the place
        of `exercise_id`, in the programme and in today's plan; nothing else changes (issue 17).
        Raises NotInPlan, or NoSwap when nothing can take its place."""
        from unknot.domain.planner import swap_in

        swap = self._swap(exercise_id)
        if not swap.choices:
            raise NoSwap(
                "Nothing else fits that place for you today: keep it, or skip it in the session."
            )
        allowed = {c.exercise_id for c in swap.choices}
        chosen = replacement if replacement is not None else swap.choices[0].exercise_id
        if chosen not in allowed:
            raise NoSwap(
                f"{chosen!r} cannot take that place; choose one of: {', '.join(sorted(allowed))}"
            )
        store = self._store
        at = instant(self.clock.now())
        swapped = swap_in(swap.programme, exercise_id, chosen, swap.chains)
        store.save_programme(self.person_id, swapped, at)
        plan = self.plan_session(swap.situation)
        catalog = self.exercises()
        # The exercise may have left the catalog since the plan was made (its file broke).
        name = catalog[exercise_id].name if exercise_id in catalog else exercise_id
        plan = plan.model_copy(
            update={
                "swapped_out": (*swap.current.swapped_out, exercise_id),
                "notes": (
                    *plan.notes,
                    f"{catalog[chosen].name} in place of {name}, at your request.",
                ),
            }
        )
        plan_id = store.save_plan(self.person_id, plan, at)
        return TodayPlan(plan_id=plan_id, **dict(plan))

    def _swap(self, exercise_id: str) -> _Swap:
        """Today's plan, the programme it was made from and what could take the place of
        `exercise_id` in it: read once for both the choices and the swap."""
        from unknot.domain.planner import candidates_for, swap_choices

        now = self.situation()
        current = self.today_plan(now)
        if exercise_id not in {i.exercise_id for i in current.items}:
            raise NotInPlan(f"{exercise_id!r} is not in today's plan")
        programme = current.programme
        if current.gentle_day or programme is None:
            raise NoSwap("A gentle day's routine has no swaps: skip what you do not want to do.")
        catalog = self.exercises()
        ranking, chains = candidates_for(
            catalog,
            self.planning_profile(now),
            self._store.history(self.person_id),
            day=today(self.clock),
            started_on=programme.started_on,
        )
        choices = [
            SwapChoice(
                exercise_id=base,
                name=catalog[base].name,
                purpose=catalog[base].purpose,
                position=ranking.by_family[base].chosen.position,
                equipment=ranking.by_family[base].chosen.equipment,
            )
            for base in swap_choices(programme, ranking, exercise_id, chains)
        ]
        return _Swap(now, current, programme, chains, choices)

    # Plans ahead, for `unknot plan` -----------------------------------------------------------

    def read_profile(self, path: Path | None, overrides: dict[str, object]) -> Profile:
        """A profile from a TOML or JSON file (optional), with command-line values on top.

        Equipment from flags adds to the file's (or the household default of chair, wall,
        doorway); other values replace the file's.
        """
        import tomllib

        from pydantic import ValidationError

        data: dict[str, object] = {}
        where = "profile"
        if path is not None:
            where = str(path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise ProfileProblem(f"{path}: cannot be read ({error})") from None
            try:
                loaded = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
            except (ValueError, tomllib.TOMLDecodeError) as error:
                kind = "JSON" if path.suffix == ".json" else "TOML"
                raise ProfileProblem(f"{path}: not valid {kind}: {error}") from None
            if not isinstance(loaded, dict):
                raise ProfileProblem(f"{path}: must be a table of field = value")
            data = loaded
        overrides = dict(overrides)
        extra_equipment = overrides.pop("equipment", None)
        data.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(extra_equipment, list) and extra_equipment:
            default = sorted(Profile.model_fields["equipment"].get_default())
            base = data.get("equipment", default)
            data["equipment"] = [*(base if isinstance(base, list) else default), *extra_equipment]
        try:
            return Profile.model_validate(data)
        except ValidationError as error:
            unknown = error.errors()[0]["type"] == "extra_forbidden"
            allowed = f"unknown field; allowed: {', '.join(Profile.model_fields)}"
            message = validation_message(
                error, whole="(profile)", message=allowed if unknown else None
            )
            raise ProfileProblem(f"{where}: {message}") from None

    def plan_readiness(self, pain: dict[str, int]) -> Readiness:
        """What the stored screenings allow a plan: the same rules a session obeys (issue 12).

        Reads the person's screenings without creating the person: planning is not a first
        visit.
        """
        from unknot.domain.screening import readiness

        store = self._store
        person = self.existing_person()
        records = [] if person is None else store.screenings(person)
        return readiness(records, today(self.clock), pain)

    def plan_ahead(
        self, profile: Profile, *, day: dt.date, week: bool = False, seed: int = 0
    ) -> PlanAhead:
        """A day's session or a week from `day`, obeying the stored screening as a session
        does; raises PlanImpossible when nothing suitable fits."""
        from unknot.domain.planner import build_session, build_week

        readiness = self.plan_readiness(profile.pain_scores())
        person = self.existing_person()
        store = self._store
        # Planned ahead with what is stored, as a session today would be (issue 17), without
        # storing anything: planning ahead is not a visit.
        history = None if person is None else store.history(person)
        programme = None if person is None else store.programme(person)
        standing = readiness.standing
        if standing is not None and standing.holds_sessions:
            return PlanAhead(held_back=readiness.explanation(self.emergency()), tier=standing.tier)
        notes: list[str] = []
        if standing is None:
            notes.append(
                "No warning-sign screening on record: answer the questions (`unknot screen`) "
                "before your first session."
            )
        elif readiness.needs_screening:
            notes.append(readiness.reason)
        profile = profile.model_copy(
            update={"restrictions": profile.restrictions | readiness.restrictions}
        )
        try:
            if week:
                made = build_week(
                    self.exercises(), profile, history, start=day, seed=seed, programme=programme
                )
                return PlanAhead(week=made, notes=notes)
            plan = build_session(
                self.exercises(), profile, history, day=day, seed=seed, programme=programme
            )
        except DomainPlanImpossible as error:
            raise PlanImpossible(str(error)) from None
        return PlanAhead(session=plan, notes=notes)
