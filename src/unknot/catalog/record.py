"""An exercise as the catalog shows it to programs: the JSON record of `unknot catalog --json`,
the API and the player's cards. A view of the domain model, kept out of it (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict

from unknot.domain.vocabulary import Area, DirectionOrder, Item, Phase, Position, Setting

if TYPE_CHECKING:
    from unknot.domain.exercise import Exercise


class DosageRecord(TypedDict):
    """How much, each range as [low, high] (high may be null for a hold "as long as you can")."""

    sets: list[int] | None
    reps: list[int] | None
    hold_s: list[int | None] | None
    work_s: list[int] | None
    per_side: bool | None
    """None: one or both sides, by version."""
    directions: list[str] | None
    direction_order: DirectionOrder


class ExerciseRecord(TypedDict):
    """An exercise as programs read it. A typed dict rather than a model: the loader keeps
    these records in its cache and `unknot catalog --json` prints them without building a
    model per exercise (issue 3: start-up within 150 ms)."""

    id: str
    name: str
    phase: Phase
    purpose: str
    targets: list[Area]
    equipment: list[list[Item]]
    position: list[Position]
    alternative_labels: list[str | None]
    dosage: DosageRecord
    duration_s: list[int]
    source: str
    steps: list[str]
    alternative_steps: list[list[str]]
    cues: list[str]
    mistakes: list[str]
    cautions: list[str]
    contraindications: list[str]
    easier: str | None
    harder: str | None
    variation_of: str | None
    setting: Setting
    notes: list[str]
    has_figure: bool
    figure_versions: list[int]
    """The versions (indexes into `equipment`, `position` and `alternative_labels`) that are
    drawn: `/figures/ID.svg?version=N` answers for these (issue 18)."""


def public_record(exercise: Exercise) -> ExerciseRecord:
    """The JSON contract of `unknot catalog --json` (issue 3; tests pin its keys)."""
    from unknot.domain.duration import exercise_duration_range

    dosage = exercise.dosage
    return {
        "id": exercise.id,
        "name": exercise.name,
        "phase": exercise.phase,
        "purpose": exercise.purpose,
        "targets": list(exercise.targets),
        "equipment": [list(alt.equipment) for alt in exercise.alternatives],
        "position": [alt.position for alt in exercise.alternatives],
        "alternative_labels": [alt.label for alt in exercise.alternatives],
        "dosage": {
            "sets": _listed(dosage.sets),
            "reps": _listed(dosage.reps),
            "hold_s": _listed(dosage.hold_s),
            "work_s": _listed(dosage.work_s),
            "per_side": exercise.per_side,
            "directions": _listed(dosage.directions),
            "direction_order": dosage.direction_order,
        },
        "duration_s": list(exercise_duration_range(exercise)),
        "source": exercise.source,
        "steps": list(exercise.steps),
        "alternative_steps": [list(alt.steps) for alt in exercise.alternatives],
        "cues": list(exercise.cues),
        "mistakes": list(exercise.mistakes),
        "cautions": list(exercise.cautions),
        "contraindications": list(exercise.contraindications),
        "easier": exercise.easier,
        "harder": exercise.harder,
        "variation_of": exercise.variation_of,
        "setting": exercise.setting,
        "notes": list(exercise.notes),
        "has_figure": exercise.figure is not None,
        "figure_versions": list(exercise.versions_drawn),
    }


def _listed(value: tuple[Any, ...] | None) -> list[Any] | None:
    return None if value is None else list(value)
