"""Exercise figures over HTTP: `/figures/ID.svg` (animated), `ID-strip.svg` and `ID-strip.png`.

Plain files from the browser's point of view, so `<img>` and `<picture>` can show them and the
service worker caches them with the pages; an ETag lets a reload cost one 304.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from unknot.services import errors
from unknot.web.asking import application
from unknot.web.problems import HTTPProblem

router = APIRouter(include_in_schema=False)


def figure_path(exercise_id: str, version: int = 0, suffix: str = ".svg") -> str:
    """Where one version's figure is: `suffix` is ".svg" (animated), "-strip.svg" or
    "-strip.png". The first version's has no query, so the pages, the player and the service
    worker's copies of it are one URL (the player's view.js builds the same)."""
    query = f"?version={version}" if version else ""
    return f"/figures/{exercise_id}{suffix}{query}"


KINDS = {
    "-strip.svg": ("image/svg+xml", True),
    "-strip.png": ("image/png", True),
    ".svg": ("image/svg+xml", False),
}


@router.get("/figures/{name}")
def figure(
    request: Request,
    name: str,
    version: Annotated[int, Query(ge=0, le=9)] = 0,
    side: str | None = None,
    direction: str | None = None,
) -> Response:
    """`version` picks the exercise's version (its index in the alternatives: the chair
    thoracic extension is 1); `side` and `direction` narrow an animated figure to one step
    of a session."""
    suffix = next((s for s in KINDS if name.endswith(s)), None)
    if suffix is None:
        raise HTTPProblem(
            404,
            "Unknown figure",
            f"{name!r} is not a figure; ask for ID.svg, ID-strip.svg or ID-strip.png",
        )
    exercise_id = name[: -len(suffix)]
    media, strip = KINDS[suffix]
    figures = application(request).figures()
    try:
        if media == "image/png":
            body = figures.figure_png(exercise_id, version=version)
        else:
            body = figures.figure_svg(
                exercise_id, strip=strip, version=version, side=side, direction=direction
            ).encode("utf-8")
    except errors.NotInLoop as error:
        raise HTTPProblem(422, "No such part of this exercise", str(error)) from error
    except errors.UnknownExercise as error:
        raise HTTPProblem(404, "Unknown exercise", str(error)) from error
    except errors.NoFigure as error:
        raise HTTPProblem(404, "No figure yet", str(error)) from error
    tag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    headers = {"ETag": tag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)
