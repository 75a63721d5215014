"""Planning use cases: read a profile, plan a session or a week."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from unknot.services.catalog import exercises
from unknot.services.workspace import Workspace

if TYPE_CHECKING:
    from unknot.clock import Clock
    from unknot.domain.plan import SessionPlan, WeekPlan
    from unknot.domain.profile import Profile
    from unknot.domain.screening import Readiness


class ProfileProblem(ValueError):
    """A profile file or flag is wrong; the message names the field and what is allowed."""


def read_profile(path: Path | None, overrides: dict[str, Any]) -> Profile:
    """A profile from a TOML or JSON file (optional), with command-line values on top.

    Equipment from flags adds to the file's (or the household default of chair, wall, doorway);
    other values replace the file's.
    """
    import tomllib

    from pydantic import ValidationError

    from unknot.domain.profile import Profile

    data: dict[str, Any] = {}
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
    extra_equipment = overrides.pop("equipment", None)
    data.update({k: v for k, v in overrides.items() if v is not None})
    if extra_equipment:
        base = data.get("equipment", sorted(Profile.model_fields["equipment"].get_default()))
        data["equipment"] = [*base, *extra_equipment]
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(profile)"
        message = (
            f"unknown field; allowed: {', '.join(Profile.model_fields)}"
            if first["type"] == "extra_forbidden"
            else first["msg"]
        )
        raise ProfileProblem(f"{where}: {field}: {message}") from None


def make_plan(
    workspace: Workspace, profile: Profile, *, day: dt.date, seed: int = 0
) -> SessionPlan:
    """Today's session for this person (history joins when sessions are stored)."""
    from unknot.domain.planner import build_session

    return build_session(exercises(workspace), profile, day=day, seed=seed)


def make_week(workspace: Workspace, profile: Profile, *, start: dt.date, seed: int = 0) -> WeekPlan:
    """Seven days of sessions and rest days from `start`."""
    from unknot.domain.planner import build_week

    return build_week(exercises(workspace), profile, start=start, seed=seed)


def plan_readiness(workspace: Workspace, clock: Clock, pain: dict[str, int]) -> Readiness:
    """What the stored screenings allow a plan: the same rules a session obeys (issue 12).

    Reads the person's screenings without creating the person: planning is not a first visit.
    """
    from unknot.clock import today
    from unknot.domain.screening import readiness

    store = workspace.open_store()
    person = store.find_local_person()
    records = [] if person is None else store.screenings(person)
    return readiness(records, today(clock), pain)
