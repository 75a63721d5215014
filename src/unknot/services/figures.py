"""Figure use cases: one exercise's animated figure or keyframe strip, and the gallery."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from unknot.services.acting import Acting
from unknot.services.catalog import Exercises
from unknot.services.errors import NoFigure, NotInLoop, UnknownExercise

if TYPE_CHECKING:
    from unknot.domain.exercise import Exercise


@dataclass(frozen=True, slots=True)
class Gallery:
    """What `unknot catalog gallery` wrote."""

    folder: Path
    exercises: int
    figures: int
    """One per version drawn (issue 18): the chair thoracic extension is one of its own."""
    files: int
    missing: list[str]
    """Ids of exercises without a figure (the person's own), left out."""


class Figures(Exercises, Acting):
    """The exercises' figures, drawn from their keyframes."""

    def _figured(self, exercise_id: str) -> Exercise:
        catalog = self.exercises()
        if exercise_id not in catalog:
            self.exercise_record(exercise_id)  # raises UnknownExercise with suggestions
            raise UnknownExercise(exercise_id, [])
        exercise = catalog[exercise_id]
        if exercise.figure is None:
            raise NoFigure(exercise_id)
        return exercise

    def figure_svg(
        self,
        exercise_id: str,
        *,
        strip: bool = False,
        version: int = 0,
        side: str | None = None,
        direction: str | None = None,
    ) -> str:
        """One version's animated figure, or with `strip` its still keyframe strip. `side` and
        `direction` narrow the animation to one step of a session; an unknown one raises
        `NotInLoop` naming those the exercise has, an unknown version `NoFigure`."""
        exercise = self._figured(exercise_id)
        from unknot.figures import motion
        from unknot.figures.animate import animated_svg
        from unknot.figures.strip import strip_svg

        try:
            if strip:
                return strip_svg(exercise, version=version)
            return animated_svg(exercise, version=version, side=side, direction=direction)
        except motion.NotDrawn as error:
            raise NoFigure(exercise_id, str(error)) from None
        except motion.NotInLoop as error:
            raise NotInLoop(str(error)) from None

    def figure_png(self, exercise_id: str, *, version: int = 0) -> bytes:
        """The keyframe strip as PNG, for print and for places that cannot show SVG."""
        return strip_png(self.figure_svg(exercise_id, strip=True, version=version))

    def write_gallery(self, folder: Path, *, sheets: bool = False) -> Gallery:
        """Every version's figure as an animated SVG (`ID.svg` for the first, `ID.N.svg` for
        version N), every strip as SVG and PNG, and an index.html showing them all; with
        `sheets`, a contact sheet per exercise for review."""
        from unknot.figures.animate import animated_svg
        from unknot.figures.gallery import index_html
        from unknot.figures.sheet import contact_sheet_svg
        from unknot.figures.strip import strip_svg

        folder.mkdir(parents=True, exist_ok=True)
        written = drawn = 0
        shown: list[Exercise] = []
        missing: list[str] = []
        for exercise in self.exercises().values():
            if exercise.figure is None:
                missing.append(exercise.id)
                continue
            for version in exercise.versions_drawn:
                name = exercise.id if version == 0 else f"{exercise.id}.{version}"
                strip = strip_svg(exercise, version=version)
                animated = animated_svg(exercise, version=version)
                _write(folder / f"{name}.svg", animated.encode("utf-8"))
                _write(folder / f"{name}-strip.svg", strip.encode("utf-8"))
                _write(folder / f"{name}-strip.png", strip_png(strip))
                written += 3
                drawn += 1
            if sheets:
                sheet = contact_sheet_svg(exercise)
                _write(folder / f"{exercise.id}-sheet.png", strip_png(sheet))
                written += 1
            shown.append(exercise)
        _write(folder / "index.html", index_html(shown).encode("utf-8"))
        return Gallery(folder, len(shown), drawn, written + 1, missing)


def strip_png(svg: str) -> bytes:
    import cairosvg

    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"))
    return png


def _write(path: Path, content: bytes) -> None:
    """Write through a temporary file, so an interrupted run leaves no half-written figure."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
