"""The `unknot` command line (Typer).

Start-up matters here (issue 3: `unknot --help` and `unknot catalog --json` within 150 ms), so this
module imports only Typer and unknot's light modules at the top; each command imports what it
needs, and Rich formatting is off.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from unknot import __version__, services
from unknot.catalog.problems import CatalogError
from unknot.domain.vocabulary import AREAS, ITEMS, PHASES

app = typer.Typer(
    name="unknot",
    help="Guided, safety-first exercise for everyday neck and upper-back pain.",
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
catalog_app = typer.Typer(
    help="List the exercises, or check exercise files.",
    rich_markup_mode=None,
    invoke_without_command=True,
)
app.add_typer(catalog_app, name="catalog")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit: 2 for bad input, 1 for a failed check."""
    print(f"unknot: {message}", file=sys.stderr)
    raise typer.Exit(code)


def choose(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    """`value` if it is one of `allowed`, else exit 2 naming the bad value and the allowed ones."""
    if value is None or value in allowed:
        return value
    fail(f"unknown {what} {value!r}; choose from: {', '.join(allowed)}")


@contextmanager
def catalog_problems() -> Iterator[None]:
    """Turn broken exercise files into a readable message and exit 2."""
    try:
        yield
    except CatalogError as error:
        for problem in error.problems:
            print(f"unknot: {problem}", file=sys.stderr)
        fail("fix the exercise files above (check them with `unknot catalog check`)")


def version_callback(value: bool) -> None:
    if value:
        print(f"unknot {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Guided, safety-first exercise for everyday neck and upper-back pain.

    unknot does not assess, diagnose or treat. Its warning-sign questions only tell you when to
    get care; when unsure, they send you to a clinician.
    """


@catalog_app.callback()
def catalog(
    ctx: typer.Context,
    phase: Annotated[
        str | None, typer.Option(help=f"Only this phase: {', '.join(PHASES)}.")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help=f"Only exercises for this area: {', '.join(AREAS)}.")
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            help="Only what can be done with these items (repeat per item); "
            f"items: {', '.join(ITEMS)}."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List the exercises, grouped by phase (or as JSON)."""
    if ctx.invoked_subcommand is not None:
        return
    choose(phase, PHASES, "phase")
    choose(target, AREAS, "target")
    for item in equipment or []:
        choose(item, ITEMS, "equipment item")
    workspace = services.Workspace.from_environment()
    with catalog_problems():
        records = services.catalog_records(
            workspace, phase=phase, target=target, equipment=equipment
        )
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    from unknot.text import catalog_table

    if not records:
        print("No exercise matches those filters.")
        return
    print(catalog_table(records))
    print(f"\n{len(records)} exercises. `unknot show ID` shows one in full.")


@catalog_app.command("check")
def catalog_check(
    path: Annotated[
        Path | None,
        typer.Argument(help="Folder of exercise files (default: shipped and your own)."),
    ] = None,
) -> None:
    """Fully validate exercise files; exit 1 when any is broken."""
    if path is not None and not path.is_dir():
        fail(f"{path} is not a folder that can be read; give a folder of .yaml exercise files")
    workspace = services.Workspace.from_environment()
    report = services.check_catalog(workspace, path)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {report.checked} file(s).", file=sys.stderr)
        raise typer.Exit(1)
    print(f"ok: {report.valid} exercise file(s) valid.")


@catalog_app.command("schema")
def catalog_schema() -> None:
    """Print the JSON Schema of an exercise file."""
    print(json.dumps(services.catalog_schema(), indent=2))


@app.command()
def show(
    exercise_id: Annotated[str, typer.Argument(metavar="ID", help="An exercise id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one exercise's whole card."""
    workspace = services.Workspace.from_environment()
    with catalog_problems():
        try:
            record = services.exercise_record(workspace, exercise_id)
        except services.UnknownExercise as error:
            fail(str(error))
    if as_json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return
    from unknot.text import exercise_card

    print(exercise_card(record))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="unknot")
