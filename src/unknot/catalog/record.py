"""An exercise as the catalog shows it to programs: the JSON record of `unknot catalog --json`,
the API and the player's cards. A view of the domain model, kept out of it (issue 16)."""

from __future__ import annotations

from typing import Any

from unknot.domain.duration import exercise_duration_range
from unknot.domain.exercise import Exercise


def public_record(exercise: Exercise) -> dict[str, Any]:
    """The JSON contract of `unknot catalog --json` (issue 3; tests pin its keys)."""

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
    }


def _listed(value: tuple[Any, ...] | None) -> list[Any] | None:
    return None if value is None else list(value)
