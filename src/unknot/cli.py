"""The `unknot` command line (Typer).

Start-up matters here (issue 3: `unknot --help` and `unknot catalog --json` within 150 ms), so this
module imports only Typer and unknot's light modules at the top; each command imports what it
needs, and Rich formatting is off.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from unknot import __version__
from unknot.services.application import Application
from unknot.services.vocabulary import AREAS, CONCERNS, ITEMS, PHASES, WEEK_STARTS, parse_score

if TYPE_CHECKING:
    from unknot.services.actor import Actor
    from unknot.services.catalog import Exercises

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
def catalog_problems(catalog: Exercises) -> Iterator[None]:
    """Warn of the person's own exercise files that were left out; a broken shipped file exits 2."""
    from unknot.services import errors

    try:
        for problem in catalog.catalog_problems():
            print(f"unknot: left out {problem}", file=sys.stderr)
        yield
    except errors.CatalogError as error:
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
    catalog = Application.from_environment().catalog()
    with catalog_problems(catalog):
        records = catalog.catalog_records(phase=phase, target=target, equipment=equipment)
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return
    from unknot.tui.layout import catalog_table

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
    report = Application.from_environment().catalog().check_catalog(path)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {report.checked} file(s).", file=sys.stderr)
        raise typer.Exit(1)
    print(f"ok: {report.valid} exercise file(s) valid.")


@catalog_app.command("schema")
def catalog_schema() -> None:
    """Print the JSON Schema of an exercise file."""
    print(json.dumps(Application.from_environment().catalog().catalog_schema(), indent=2))


@catalog_app.command("gallery")
def catalog_gallery(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the gallery into.")],
    sheets: Annotated[
        bool,
        typer.Option(
            "--sheets",
            help="Also write a contact sheet per exercise (ID-sheet.png) for review; slower.",
        ),
    ] = False,
) -> None:
    """Write every exercise's figure, one per version (animated SVG, keyframe strip as SVG and
    PNG), and an index.html showing them all."""
    if out.exists() and not out.is_dir():
        fail(f"{out} is a file; give a folder (it is created when missing)")
    figures = Application.from_environment().figures()
    with catalog_problems(figures):
        try:
            gallery = figures.write_gallery(out, sheets=sheets)
        except OSError as error:
            fail(f"cannot write the gallery into {out}: {error.strerror or error}")
    for exercise_id in gallery.missing:
        print(f"left out {exercise_id}: it has no figure yet", file=sys.stderr)
    print(
        f"{gallery.figures} figures of {gallery.exercises} exercises (one per version), "
        f"{gallery.files} files: {out / 'index.html'}"
    )


@app.command()
def show(
    exercise_id: Annotated[str, typer.Argument(metavar="ID", help="An exercise id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", metavar="FILE", help="Write its animated figure to FILE (- for stdout)."
        ),
    ] = None,
    strip: Annotated[
        bool, typer.Option("--strip", help="With --svg: write the still keyframe strip instead.")
    ] = False,
) -> None:
    """Show one exercise's whole card, or write its figure."""
    from unknot.services import errors

    if strip and svg is None:
        fail("--strip goes with --svg FILE")
    figures = Application.from_environment().figures()
    with catalog_problems(figures):
        try:
            record = figures.exercise_record(exercise_id)
            if svg is not None:
                image = figures.figure_svg(exercise_id, strip=strip)
        except (errors.UnknownExercise, errors.NoFigure) as error:
            fail(str(error))
    if svg is not None:
        if str(svg) == "-":
            sys.stdout.write(image)
            return
        try:
            svg.write_text(image, encoding="utf-8")
        except OSError as error:
            fail(f"cannot write {svg}: {error.strerror or error}")
        print(f"wrote {svg}")
        return
    if as_json:
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return
    from unknot.tui.layout import exercise_card

    print(exercise_card(record))


@app.command()
def plan(
    minutes: Annotated[
        int | None, typer.Option(help="Minutes for the session, 5 to 60 (default 15).")
    ] = None,
    equipment: Annotated[
        list[str] | None,
        typer.Option(
            help="An item you have, beyond a chair, a wall and a doorway (repeat per item)."
        ),
    ] = None,
    avoid: Annotated[
        list[str] | None,
        typer.Option(
            help="A position to avoid (floor, kneeling, standing) or an exercise id (repeat)."
        ),
    ] = None,
    pain: Annotated[
        list[str] | None,
        typer.Option(help="Pain now as AREA=N, 0-10, e.g. neck=6 (repeat per area)."),
    ] = None,
    restriction: Annotated[
        list[str] | None,
        typer.Option(help="A restriction from screening or your clinician (repeat)."),
    ] = None,
    sessions: Annotated[
        int | None, typer.Option(help="Sessions per week, 2 to 7 (default 3).")
    ] = None,
    experience: Annotated[
        str | None, typer.Option(help="new, returning or regular (default new).")
    ] = None,
    goal: Annotated[
        list[str] | None, typer.Option(help="relief, strength or desk_breaks (repeat).")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="The day to plan, YYYY-MM-DD (default today).")
    ] = None,
    week: Annotated[bool, typer.Option("--week", help="Plan seven days from the date.")] = False,
    seed: Annotated[int, typer.Option(help="Seed for varying the choice of exercises.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    profile_file: Annotated[
        Path | None,
        typer.Option("--profile", help="A TOML or JSON file with your profile's fields."),
    ] = None,
) -> None:
    """Plan today's session (or a week) from your profile, with the reasons for each choice."""
    import datetime as dt

    from unknot.services import errors
    from unknot.services.models import EXPERIENCES, GOALS, RESTRICTIONS
    from unknot.services.vocabulary import PAIN_AREAS, POSITION_AVOIDANCES

    for item in equipment or []:
        choose(item, ITEMS, "equipment item")
    for value in restriction or []:
        choose(value, RESTRICTIONS, "restriction")
    for value in goal or []:
        choose(value, GOALS, "goal")
    choose(experience, EXPERIENCES, "experience")
    pain_by_area: dict[str, int] = {}
    for entry in pain or []:
        area, _, score = entry.partition("=")
        choose(area, PAIN_AREAS, "pain area")
        scored = parse_score(score)
        if scored is None:
            fail(f"pain {entry!r} needs a score from 0 to 10 after '=', e.g. {area}=6")
        pain_by_area[area] = scored
    you = person()
    positions: list[str] = []
    exercise_ids: list[str] = []
    with catalog_problems(you):
        for value in avoid or []:
            if value in POSITION_AVOIDANCES:
                positions.append(value)
                continue
            try:
                exercise_ids.append(you.exercise_record(value)["id"])
            except errors.UnknownExercise as error:
                fail(f"--avoid {value!r} is not a position (floor, kneeling, standing) and {error}")
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        fail(f"date {date!r} is not a date; write it as YYYY-MM-DD")
    overrides: dict[str, object] = {
        "minutes": minutes,
        "sessions_per_week": sessions,
        "experience": experience,
        "equipment": equipment,
        "pain": pain_by_area or None,
        "avoid_positions": positions or None,
        "avoid_exercises": exercise_ids or None,
        "restrictions": restriction,
        "goals": goal,
    }
    try:
        profile = you.read_profile(profile_file, overrides)
    except errors.ProfileProblem as error:
        fail(str(error))
    # The plan obeys the stored screening exactly as a session does (issue 12).
    with database_problems(you.app), catalog_problems(you):
        try:
            ahead = you.plan_ahead(profile, day=day, week=week, seed=seed)
        except errors.PlanImpossible as error:
            fail(str(error), code=1)
    if ahead.held_back is not None:
        if as_json:
            held: dict[str, object] = {"tier": ahead.tier, "advice": ahead.held_back, "items": []}
            print(json.dumps(held, ensure_ascii=False, indent=2))
        else:
            print(ahead.held_back)
        raise typer.Exit(1)
    made = ahead.week or ahead.session
    assert made is not None
    if as_json:
        data = made.model_dump(mode="json")
        if ahead.notes:
            data["notes"] = [*ahead.notes, *data.get("notes", [])]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from unknot.tui.layout import session_text, week_text

    if ahead.week is not None:
        print(week_text(ahead.week, ahead.notes))
    elif ahead.session is not None:
        print(session_text(ahead.session, ahead.notes))


db_app = typer.Typer(help="Manage the database.", rich_markup_mode=None, no_args_is_help=True)
app.add_typer(db_app, name="db")


def configured() -> Application:
    """The application with every setting (database URL, emergency number, clock speed); a
    wrong setting exits 2 naming it."""
    from unknot.services import errors

    try:
        return Application.configured()
    except errors.SettingsProblem as error:
        fail(str(error))


def person() -> Actor:
    """The application as the person at this terminal uses it."""
    return configured().local()


@contextmanager
def database_problems(application: Application | None = None) -> Iterator[None]:
    """A database newer than this unknot, one that cannot be opened or is damaged, a full disk
    or a read-only folder: one line, exit 2."""
    from unknot.services import errors

    try:
        yield
    except (errors.DatabaseTooNew, errors.StorageFault) as error:
        fail(str(error))
    except errors.database_errors() as error:
        fault = (application or configured()).fault_of(error)
        if fault is None:
            raise
        fail(str(fault))


def ask_yes_no(question: str, number: int, total: int) -> bool:
    """Ask until the answer is yes or no; end of input exits 2 without saving anything."""
    while True:
        try:
            answer = input(f"[{number}/{total}] {question} [y/n] ").strip().lower()
        except EOFError:
            print()
            fail("the screening needs a yes or a no to every question; nothing was saved")
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        print("Please answer y (yes) or n (no).")


def run_screening(you: Actor) -> None:
    """Ask every question in the terminal, store the result, print the advice."""
    print(
        "Warning-sign questions. unknot does not diagnose: these only tell you when to get "
        "care, and when unsure they send you to a clinician."
    )
    from unknot.services.models import TIER_TITLES, asked, next_question

    answers: dict[str, bool] = {}
    while (question := next_question(answers)) is not None:
        number = len(answers) + 1
        answers[question.id] = ask_yes_no(question.text, number, len(asked(answers)) or number)
    outcome = you.submit_screening(answers)
    # What stands now: a new "no" does not lower an earlier warning (issue 12).
    result = outcome.standing
    print()
    if result.tier != outcome.result.tier:
        print(
            f"Today's answers: {TIER_TITLES[outcome.result.tier]}; an earlier warning still "
            "stands until you record that a clinician has seen you (`unknot cleared`)."
        )
    print(f"{TIER_TITLES[result.tier]}. {outcome.standing_advice}")


@app.command()
def screen(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    country: Annotated[
        str | None,
        typer.Option(
            help="The country you are in, two letters (GB, US, FR...): it sets the emergency "
            "number unknot tells you to call. Kept for next time."
        ),
    ] = None,
) -> None:
    """Answer the warning-sign questions (asked again every 4 weeks)."""
    from unknot.services.models import COUNTRY_NAMES

    if country is not None and country.upper() not in COUNTRY_NAMES:
        fail(
            f"unknown country {country!r}; give a two-letter code, one of: "
            + ", ".join(sorted(COUNTRY_NAMES))
        )
    you = person()
    with database_problems(you.app):
        if country is not None:
            you.choose_country(country.upper())
        call = you.emergency_call()
        if call.guessed:
            print(
                f"The emergency number {call.number} is a guess from your language settings; "
                "check your local number, and give --country to set it."
            )
        run_screening(you)
        record = you.latest_screening()
    assert record is not None
    if as_json:
        print(record.model_dump_json())
    if record.result.holds_sessions or (you.current_standing() or record.result).holds_sessions:
        raise typer.Exit(1)


@app.command()
def cleared(
    date: Annotated[
        str | None,
        typer.Option(help="The day a clinician saw you and cleared you, YYYY-MM-DD (today)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Who saw you, e.g. 'Dr Rao, GP' (kept with the record).")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="What the clinician said, for your records.")
    ] = None,
) -> None:
    """Record that a clinician has seen you about your warning signs and cleared you."""
    import datetime as dt

    you = person()
    try:
        day = dt.date.fromisoformat(date) if date else you.today_date()
    except ValueError:
        fail(f"date {date!r} is not a date; write it as YYYY-MM-DD")
    if by is not None and not 2 <= len(by.strip()) <= 200:
        fail("--by takes who saw you, 2 to 200 characters, e.g. --by 'Dr Rao, GP'")
    from unknot.services import errors

    with database_problems(you.app):
        try:
            you.record_clearance(day, by and by.strip(), note)
        except errors.ClearanceProblem as error:
            fail(str(error))
    print(f"Recorded: a clinician saw you and cleared you on {day.isoformat()}.")


@app.command()
def session(
    minutes: Annotated[
        int | None, typer.Option(help="Minutes for a new session, 5 to 60.", min=5, max=60)
    ] = None,
    voice: Annotated[bool, typer.Option("--voice", help="Speak the cues (espeak-ng).")] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Line-by-line output instead of the full-screen player.")
    ] = False,
    self_paced: Annotated[
        bool,
        typer.Option("--self-paced", help="Repetitions at your own pace: tap done after each set."),
    ] = False,
    resume: Annotated[
        bool | None,
        typer.Option("--resume/--new", help="Resume an unfinished session, or start anew."),
    ] = None,
) -> None:
    """Screen if needed, then guide you through today's session, saving every step as you go."""
    from unknot.services import errors

    you = person()
    speaker = None
    if voice:
        from unknot.voice import INSTALL_HINT, find_voice

        speaker = find_voice()
        if speaker is None:
            print(f"unknot: {INSTALL_HINT}; going on without voice", file=sys.stderr)
    if not plain:
        from unknot.tui.app import create_app

        with database_problems(you.app):
            create_app(
                you, minutes=minutes, voice=speaker, paced=not self_paced, resume=resume
            ).run()
        return
    with database_problems(you.app):
        now = you.situation(minutes)
        if now.readiness.needs_screening:
            print(now.readiness.reason)
            run_screening(you)
            now = you.situation(minutes)
        if now.held_back is not None:
            print(now.held_back)
            raise typer.Exit(1)
        resumable = now.resumable
        try:
            if resumable is not None and resume is not False:
                controller = you.resume_session(now)
                step = controller.current
                title = step.title if step else "the end"
                print(f"Resuming session {resumable.id} at step {resumable.next_step + 1}: {title}")
            else:
                controller = you.start_session(now, paced=not self_paced)
        except (errors.NoSuchSession, errors.SessionsHeldBack) as error:
            fail(str(error), code=1)
        if controller.plan.gentle_day:
            print("A gentle day. " + " ".join(controller.plan.notes))
        from unknot.tui.plain import run as run_plain

        finished = run_plain(controller, out=sys.stdout, commands=sys.stdin, voice=speaker)
        if controller.state.status in ("finished", "stopped"):
            from unknot.tui.layout import summary_text

            print(summary_text(you.session_summary(controller.session_id)), flush=True)
    if speaker is not None:
        speaker.close()
    raise typer.Exit(0 if finished else 1)


@app.command()
def history(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(help="How many of the latest sessions to show (default: a page).", min=1),
    ] = None,
) -> None:
    """Past sessions, newest first: when, how much was done, and time spent."""
    from unknot.services.progress import HISTORY_PAGE

    you = person()
    with database_problems(you.app):
        rows = you.session_history((limit or HISTORY_PAGE) + 1)
    more = len(rows) > (limit or HISTORY_PAGE)
    rows = rows[: limit or HISTORY_PAGE]
    if as_json:
        print(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    if not rows:
        print("No sessions yet. Start one with `unknot session`.")
        return
    from unknot.tui.layout import history_table

    print(history_table(rows))
    if more:
        print(f"(the latest {len(rows)} sessions; --limit N shows more)")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; loopback only by default.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(help="Server processes (default: one per core, at most 2).", min=1, max=16),
    ] = None,
    server: Annotated[
        bool,
        typer.Option(
            "--server",
            help="Many people, each signed in (as UNKNOT_SERVER=1); `unknot admin` makes the "
            "first account.",
        ),
    ] = False,
    pair: Annotated[
        bool,
        typer.Option(
            "--pair",
            help="Let your own phone in: listen on the network too, over HTTPS with this "
            "computer's own certificate, and pair phones from the Devices page.",
        ),
    ] = False,
    pair_port: Annotated[
        int, typer.Option(help="The network port phones use with --pair.", min=1, max=65535)
    ] = 8443,
    address: Annotated[
        str | None,
        typer.Option(help="The address phones reach this computer at (default: found)."),
    ] = None,
    plain_http: Annotated[
        bool,
        typer.Option(
            "--plain-http",
            help="With --pair: plain HTTP on the network instead of HTTPS (offline play, "
            "the wake lock and reliable voice then stop working on the phone).",
        ),
    ] = False,
) -> None:
    """Start the web app (the main way to use unknot): http://127.0.0.1:8000."""
    import os
    import socket

    import uvicorn

    from unknot.web.app import create_app

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if server:
        os.environ["UNKNOT_SERVER"] = "1"  # the worker processes read it too
    if pair and (server or os.environ.get("UNKNOT_SERVER", "") not in ("", "0")):
        fail("--pair is for one person's own app; the shared server signs everyone in already")
    if plain_http and not pair:
        fail("--plain-http goes with --pair")
    if pair and not loopback:
        fail("with --pair, --host stays loopback for this computer; phones use --pair-port")
    if pair and pair_port == port:
        fail(f"--pair-port {pair_port} is --port too; choose another, e.g. 8443")
    for listen_host, listen_port in [(host, port)] + ([("0.0.0.0", pair_port)] if pair else []):
        try:
            family = socket.getaddrinfo(listen_host, listen_port, type=socket.SOCK_STREAM)[0][0]
            with socket.socket(family) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((listen_host, listen_port))
        except socket.gaierror:
            fail(f"--host {listen_host!r} is not an address of this machine; e.g. 127.0.0.1")
        except OSError as error:
            option = "--pair-port" if listen_port == pair_port and pair else "--port"
            fail(
                f"cannot listen on {listen_host}:{listen_port} ({error.strerror}); "
                f"choose another {option}"
            )
    if not loopback and not pair and not server and os.environ.get("UNKNOT_SERVER") != "1":
        fail(
            f"--host {host} would let anyone on your network read and delete everything; to use "
            "unknot from your phone, run `unknot serve --pair` instead"
        )
    if pair:
        serve_paired(port, pair_port, address, plain_http)
        return
    application = configured()
    if application.server_mode:
        secure = [u for u in application.public_urls if u.startswith("https://")]
        if not secure and not loopback:
            fail(
                "server mode needs an https public URL (UNKNOT_PUBLIC_URL=https://...) served "
                "directly or behind a proxy; over plain HTTP it listens on 127.0.0.1 only"
            )
    with database_problems(application):
        application.open()
    from unknot.web.guard import accepted_hosts

    print(f"unknot is running at http://{'127.0.0.1' if host == '127.0.0.1' else host}:{port}")
    accepted = ", ".join(accepted_hosts(application.public_urls, port))
    print(f"It answers to the host names {accepted} (add more with UNKNOT_PUBLIC_URL).")
    # Forwarded client addresses and schemes are believed only from configured proxies (issue
    # 12); uvicorn would otherwise believe any process on 127.0.0.1.
    trusted = list(application.trusted_proxies)

    if not application.server_mode:
        start_dispatcher(application, f"http://127.0.0.1:{port}")

    # Two processes reach the request-rate targets of issue 7 on a 2-core machine; one does not.
    workers = workers or min(2, os.cpu_count() or 1)
    if workers > 1:
        # Each process opens the database itself; SQLite in WAL mode takes several writers' turns.
        uvicorn.run(
            "unknot.web.app:from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
        )
    else:
        uvicorn.run(
            create_app(application),
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
        )


def start_dispatcher(application: Application, base_url: str) -> None:
    """The local app's one reminder dispatcher, on a thread of the process that starts the web
    workers (uvicorn's supervisor when there are several), so there is one however many
    workers serve pages. It ends with the process."""
    import threading

    from unknot.services.reminders import dispatcher_for

    dispatcher = dispatcher_for(application, base_url)
    # Passes every 30 s of the clock's time (an accelerated clock in tests makes them often).
    poll = 30.0 / application.workspace.clock_speed
    threading.Thread(
        target=dispatcher.run, args=(threading.Event(), poll), name="unknot-reminders", daemon=True
    ).start()


def serve_paired(port: int, pair_port: int, address: str | None, plain_http: bool) -> None:
    """`unknot serve --pair`: this computer on loopback over plain HTTP, phones on every
    address over HTTPS, in one process (the pairings and the gate are in the database, the
    two listeners share one app). Every request then needs a sign-in."""
    import asyncio
    import ipaddress
    import os

    import uvicorn

    from unknot.services.devices import Devices
    from unknot.web.app import create_app
    from unknot.web.listening import network_server

    found = [address] if address else Devices.network_addresses()
    if address:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            fail(f"--address {address!r} is not an IP address, e.g. 192.168.1.20")
    if not found:
        fail("found no network address a phone could reach; give one with --address")
    phone_urls = Devices.phone_urls(found, pair_port, "http" if plain_http else "https")
    existing = [u for u in os.environ.get("UNKNOT_PUBLIC_URL", "").split(",") if u.strip()]
    os.environ["UNKNOT_PUBLIC_URL"] = ",".join(dict.fromkeys(phone_urls + existing))
    os.environ["UNKNOT_NETWORK"] = "1"
    application = configured()
    with database_problems(application):
        application.open()
    certificate = key = fingerprint = None
    if not plain_http:
        made = application.devices().certificates(found)
        certificate, key, fingerprint = str(made.certificate), str(made.key), made.fingerprint
    link = application.devices().computer_link()
    print(
        f"unknot is running at http://127.0.0.1:{port} for this computer, and at "
        f"{phone_urls[0]} for your phone."
    )
    print(
        "Everyone signs in now, this computer too. Open this link here (it works once, for 15 "
        f"minutes; `unknot link` makes another):\n  http://127.0.0.1:{port}/computer/{link}"
    )
    print("Then choose Devices, Pair a phone, and scan the code with the phone.")
    if fingerprint:
        print(f"This computer's certificate fingerprint (SHA-256): {fingerprint}")
    else:
        print(
            "unknot: plain HTTP on the network: anyone on it can read what the phone sends, and "
            "the phone's player cannot work offline, keep the screen on or speak reliably.",
            file=sys.stderr,
        )
    start_dispatcher(application, f"http://127.0.0.1:{port}")
    app = create_app(application)
    servers = [
        uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")),
        network_server(app, pair_port, certificate, key),
    ]

    async def both() -> None:
        running = [asyncio.create_task(s.serve()) for s in servers]
        # One stopping (Ctrl-C reaches only one of them) stops the other.
        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for each in servers:
            each.should_exit = True
        await asyncio.gather(*running)

    asyncio.run(both())


@app.command()
def link(
    port: Annotated[
        int, typer.Option(help="The --port unknot serves this computer on.", min=1, max=65535)
    ] = 8000,
) -> None:
    """Print a new sign-in link for this computer's browser, while unknot listens on the
    network (`unknot serve --pair`, or Your data's "Use unknot on your phone").

    It works once, for 15 minutes, and only in a browser on this computer.
    """
    application = configured()
    with database_problems(application):
        token = application.devices().computer_link()
    print(
        f"Open this on this computer (once, within 15 minutes):\n  http://127.0.0.1:{port}/computer/{token}"
    )


@app.command()
def admin(
    organisation: Annotated[
        str, typer.Option("--organisation", help="The clinic, workplace or household's name.")
    ],
    email: Annotated[str, typer.Option(help="The administrator's e-mail address.")],
) -> None:
    """Make the first organisation and its administrator, for the shared server.

    The password is asked for, never given as an argument (it would stay in the shell's
    history). A person already using this unknot becomes a patient account of the
    organisation, with nothing lost: the link printed lets them set their e-mail and password.
    """
    from unknot.services import errors

    application = configured()
    with database_problems(application):
        accounts = application.accounts()
        if accounts.has_accounts():
            fail("this unknot already has accounts; an administrator invites the next ones")
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            made = accounts.create_first_administrator(organisation, email, password)
        except (errors.AccountProblem, errors.PasswordRejected) as error:
            fail(str(error))
    print(f"Made {made.admin.email}, administrator of {organisation.strip()}.")
    if made.claim_link:
        print(
            "The person who used this unknot before keeps everything they recorded. Give them "
            f"this link (one use, 7 days) to set their e-mail and password:\n{made.claim_link}"
        )
    print("Start the shared server with: unknot serve --server")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database up to this unknot's schema."""
    application = configured()
    with database_problems(application):
        before, after = application.upgrade_database()
    if before == after:
        print(f"Database already at revision {after} ({application.database_url}).")
    else:
        print(
            f"Database upgraded from {before or 'empty'} to {after} ({application.database_url})."
        )


def parse_pairs(
    values: list[str] | None, what: str, allowed: Sequence[str] | None
) -> dict[str, int]:
    """NAME=N pairs with N from 0 to 10; exit 2 naming the bad one."""
    pairs: dict[str, int] = {}
    for entry in values or []:
        name, _, score = entry.rpartition("=")
        value = parse_score(score)
        if not name or value is None:
            fail(f"{what} {entry!r} needs NAME=N with N from 0 to 10, e.g. neck=4")
        if allowed is not None:
            choose(name, allowed, f"{what} area")
        pairs[name] = value
    return pairs


@app.command()
def checkin(
    moment: Annotated[
        str,
        typer.Option(
            help="before (a session), after (a session), morning (the day after), or check."
        ),
    ] = "check",
    pain: Annotated[
        list[str] | None, typer.Option(help="Pain now as AREA=N, 0-10 (repeat per area).")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="Anything you want to remember (500 characters at most).")
    ] = None,
    activity: Annotated[
        list[str] | None,
        typer.Option(help="An activity you find hard, rated NAME=N: 0 unable, 10 as before."),
    ] = None,
) -> None:
    """Record pain (and your own activities' scores); says when to screen again."""
    from unknot.services import errors
    from unknot.services.vocabulary import MOMENTS, PAIN_AREAS, moment_named

    choose(moment, MOMENTS, "moment")
    scores = parse_pairs(pain, "pain", PAIN_AREAS)
    ratings = parse_pairs(activity, "activity", None)
    if not scores and not ratings:
        if moment == "morning":
            prompt = "Compared with before yesterday's session, how is your pain now, 0-10? "
        else:
            prompt = "How much pain do you have now in your neck, 0-10? "
        try:
            answer = input(prompt).strip()
        except EOFError:
            fail("give --pain AREA=N (or answer the question); nothing was saved")
        value = parse_score(answer)
        if value is None:
            fail(f"pain {answer!r} must be a number from 0 to 10; nothing was saved")
        scores = {"neck": value}
    from unknot.services.models import NOTE_MAX_CHARS

    if note is not None and len(note) > NOTE_MAX_CHARS:
        fail(f"--note has {len(note)} characters; keep it to {NOTE_MAX_CHARS}; nothing was saved")
    you = person()
    with database_problems(you.app):
        if ratings:
            try:
                you.record_function(ratings)
            except errors.RatingsProblem as error:
                fail(str(error))
        worse = None
        when = moment_named(moment)
        if scores and when is not None:
            worse = you.record_checkin(when, scores, note).rescreen
    print("Saved.")
    if worse:
        print(
            f"That is much worse than when you were screened ({worse}): please answer the "
            "warning-sign questions again with `unknot screen` before your next session."
        )


@app.command()
def progress(
    weeks: Annotated[int, typer.Option(help="Weeks of adherence to show.", min=1, max=104)] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Also write the charts as SVG and PNG into this folder.")
    ] = None,
    week_start: Annotated[
        str | None,
        typer.Option(
            help="The day your weeks start on, from now on: monday or sunday (else as is usual "
            "where you are)."
        ),
    ] = None,
) -> None:
    """Pain per area against its baseline, your activities, adherence, and charts."""
    choose(week_start, WEEK_STARTS, "week start")
    you = person()
    with database_problems(you.app):
        if week_start is not None:
            you.choose_week_start(week_start)
        report = you.progress_report(weeks)
    written = [] if out is None else you.write_charts(report, out)
    if as_json:
        data = report.model_dump(mode="json")
        if out is not None:
            data["charts"] = [str(p) for p in written]
        print(json.dumps(data, indent=2))
        return
    from unknot.tui.layout import progress_text

    print(progress_text(report))
    if out is not None:
        print(f"\nCharts written to {out}: " + ", ".join(p.name for p in written))


PAPER_OPTION = typer.Option("--paper", help="Paper size: a4 or letter.")


def write_document(you: Actor, out: Path, make: Callable[[], bytes]) -> None:
    """Render a printed document and write it atomically; a bad path exits 2 with one line."""
    from unknot.services import errors
    from unknot.services.printouts import atomic_write

    if out.is_dir():
        fail(f"{out}: is a folder; give a file name, e.g. {out / 'unknot.pdf'}")
    if not out.parent.is_dir():
        fail(f"{out.parent}: no such folder; create it or choose another --out")
    with database_problems(you.app):
        try:
            atomic_write(out, make())
        except (errors.ExportProblem, errors.PlanImpossible, errors.UnknownExercise) as error:
            fail(str(error))
        except errors.SessionsHeldBack as error:
            fail(f"nothing to print yet: {error}")
    print(f"Written to {out} (readable by you only).")


@app.command()
def handout(
    out: Annotated[Path, typer.Option(help="The PDF to write.")] = Path("unknot-programme.pdf"),
    paper: Annotated[str, PAPER_OPTION] = "a4",
    exercise: Annotated[
        str | None, typer.Option(help="Only this exercise (its id), with the warning signs.")
    ] = None,
) -> None:
    """Print your programme: each exercise with its figure, dose and cautions, the warning
    signs and a log sheet for the coming weeks (PDF)."""
    from unknot.services.printouts import PAPERS

    choose(paper, PAPERS, "paper size")
    you = person()
    write_document(you, out, lambda: you.handout_pdf(paper, exercise))  # type: ignore[arg-type]


@app.command()
def report(
    weeks: Annotated[int, typer.Option(help="Calendar weeks to cover.", min=1, max=104)] = 8,
    out: Annotated[Path, typer.Option(help="The PDF to write.")] = Path("unknot-report.pdf"),
    label: Annotated[
        str, typer.Option("--for", help="Who it is for, as you want it printed (your name).")
    ] = "",
    paper: Annotated[str, PAPER_OPTION] = "a4",
) -> None:
    """A progress report for a clinician visit: sessions, pain against its baseline,
    activities, screenings, what hurt, advice and your choices (PDF)."""
    from unknot.services.printouts import LABEL_MAX, PAPERS

    choose(paper, PAPERS, "paper size")
    if len(label) > LABEL_MAX:
        fail(f"--for: at most {LABEL_MAX} characters")
    you = person()
    write_document(you, out, lambda: you.report_pdf(weeks, label, paper))  # type: ignore[arg-type]


@app.command()
def calendar(
    weeks: Annotated[int, typer.Option(help="Weeks of planned sessions.", min=1, max=12)] = 4,
    out: Annotated[Path, typer.Option(help="The .ics file to write.")] = Path("unknot.ics"),
    time: Annotated[
        str | None, typer.Option(help="When you mean to exercise, HH:MM (kept for next time).")
    ] = None,
    zone: Annotated[
        str | None, typer.Option(help="Your time zone, e.g. Europe/London (kept for next time).")
    ] = None,
) -> None:
    """Your planned sessions as a calendar file (.ics) to import: one event per session, at
    your session time, with a best-effort reminder. Events say "unknot session" and how many
    exercises, never anything about your pain."""
    from unknot.services import errors
    from unknot.services.calendars import session_time_from

    you = person()
    if time is not None or zone is not None:
        with database_problems(you.app):
            current = you.session_time()
        try:
            when = session_time_from(time, zone, current)
        except errors.SessionTimeProblem as error:
            fail(f"--{error.field}: {error}")
        with database_problems(you.app):
            you.save_session_time(when)
    urls = you.app.public_urls
    player = f"{(urls[0] if urls else 'http://127.0.0.1:8000').rstrip('/')}/today"
    write_document(you, out, lambda: you.calendar(weeks, player))


@app.command()
def reminders(
    on: Annotated[
        bool | None, typer.Option("--on/--off", help="Send reminders, or stop them.")
    ] = None,
    time: Annotated[str | None, typer.Option(help="When to remind you, HH:MM.")] = None,
    days: Annotated[
        str | None,
        typer.Option(help="Which days: 'planned' (the days your plan sets) or e.g. mon,wed,fri."),
    ] = None,
    zone: Annotated[str | None, typer.Option(help="Your time zone, e.g. Europe/London.")] = None,
    quiet: Annotated[
        str | None, typer.Option(help="Quiet hours when nothing is sent, e.g. 21:30-08:00.")
    ] = None,
    nudge: Annotated[
        bool | None,
        typer.Option(
            "--nudge/--no-nudge",
            help="One gentle nudge on a planned day with no session by --nudge-at.",
        ),
    ] = None,
    nudge_at: Annotated[str | None, typer.Option(help="When the nudge comes, HH:MM.")] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option(help="How reminders reach you: email (shared server) or desktop (local)."),
    ] = None,
) -> None:
    """Show or change your reminders, and what was sent. Reminders never say anything about
    your pain, and a missed day is fine."""
    from unknot.services import errors
    from unknot.services.reminders import reminder_settings_from

    you = person()
    given = {"on": on, "time": time, "days": days, "zone": zone, "quiet": quiet, "nudge": nudge}
    with database_problems(you.app):
        if any(v is not None for v in given.values()) or nudge_at or channel:
            try:
                wanted = reminder_settings_from(
                    you.reminder_settings(),
                    on=on,
                    time=time,
                    days=days,
                    zone=zone,
                    quiet=quiet,
                    nudge=nudge,
                    nudge_at=nudge_at,
                    channels=channel,
                )
            except errors.ReminderProblem as error:
                option = "" if error.field == "settings" else f"--{error.field.replace('_', '-')}: "
                fail(f"{option}{error}")
            overview = you.save_reminder_settings(wanted)
        else:
            overview = you.reminder_overview()
    settings = overview.settings
    usable = [c for c in settings.channels if c in overview.channels]
    if not settings.on:
        print("Reminders are off (turn them on with `unknot reminders --on`).")
    else:
        how = " and ".join(sorted(c.value for c in usable)) or "no channel this unknot can use"
        print(
            f"Reminders at {settings.time:%H:%M} ({settings.time_zone}) on {settings.words()}, "
            f"by {how}; quiet {settings.quiet_from:%H:%M}-{settings.quiet_until:%H:%M}."
        )
        print(
            f"Nudge at {settings.nudge_at:%H:%M} on planned days without a session."
            if settings.nudge
            else "No evening nudges."
        )
    for coming in overview.coming:
        print(f"Next: {coming}")
    for delivery in overview.deliveries:
        print(delivery.words)


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="One pass, then exit (for a timer or cron).")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between passes.", min=0.01, max=3600)] = 30.0,
) -> None:
    """Send the reminders that are due. On the shared server the deployment runs one or more
    of these beside `unknot serve --server`; the local app's `unknot serve` runs its own."""
    import signal
    import threading

    from unknot.services import errors
    from unknot.services.reminders import dispatcher_for

    application = configured()
    with database_problems(application):
        application.open()
    urls = application.public_urls
    if application.server_mode and not urls:
        fail(
            "the reminders' links need the server's address: set UNKNOT_PUBLIC_URL, e.g. "
            "https://unknot.example.org"
        )
    try:
        dispatcher = dispatcher_for(application, urls[0] if urls else "http://127.0.0.1:8000")
    except errors.SettingsProblem as error:
        fail(str(error))
    with database_problems(application):
        if once:
            for delivered in dispatcher.run_pass():
                print(delivered.words)
            return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"unknot worker {dispatcher.worker}: sending reminders every {poll:g} s", flush=True)
    with suppress(KeyboardInterrupt):
        dispatcher.run(stop, poll)


@app.command()
def breaks(
    every: Annotated[
        int, typer.Option(help="Minutes at the computer before a break.", min=10, max=240)
    ] = 50,
    later: Annotated[
        int, typer.Option(help="Minutes before a break put off with Later.", min=2, max=120)
    ] = 10,
    away: Annotated[
        int, typer.Option(help="Minutes idle or locked that count as a break.", min=1, max=60)
    ] = 5,
    port: Annotated[
        int, typer.Option(help="The port `unknot serve` runs on.", min=1, max=65535)
    ] = 8000,
) -> None:
    """A desk-break companion: after a span of active time at the computer, a notice offers a
    1-3 minute routine of your own exercises that fit a desk. Start opens it in the browser
    (keep `unknot serve` running); Later and Skip are one click. Runs until Ctrl-C."""
    import signal
    import threading

    from unknot.services.breaks import BreakRules, companion_for

    application = configured()
    with database_problems(application):
        application.open()
        plan = application.local().break_plan()
    if plan.routine is None:
        fail(f"no desk break routine: {plan.reason}", code=1)
    companion, close = companion_for(
        application,
        BreakRules(every_s=every * 60, later_s=later * 60, rest_s=away * 60),
        f"http://127.0.0.1:{port}",
        say=lambda line: print(line, flush=True),
    )
    how = {
        "gnome": "GNOME's idle monitor",
        "x11": "the X11 screensaver extension",
        "timer": "a plain timer (no idle detection here: only a suspend counts as a break)",
    }[companion.idle.name]
    print(f"unknot breaks: every {every} minutes at the computer; time away read from {how}.")
    print(f"Your break: {plan.routine.words()} (about {plan.routine.minutes} minutes).", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # A reading every 5 s of the clock's time (an accelerated clock in tests makes them often).
    with suppress(KeyboardInterrupt):
        companion.run(stop, 5.0 / application.workspace.clock_speed)
    close()


@app.command()
def dismiss(
    concern: Annotated[str, typer.Argument(help=f"One of: {', '.join(CONCERNS)}.")],
    choice: Annotated[
        str, typer.Option(help="What you decided, e.g. 'booked a physio' or 'seen my GP'.")
    ],
) -> None:
    """Record that you read a see-a-clinician advice and what you chose to do."""
    choose(concern, CONCERNS, "concern")
    you = person()
    with database_problems(you.app):
        you.dismiss_advice(concern, choice)
    print(f"Recorded: {choice}. The {concern} advice stays quiet for 4 weeks.")


@app.command("export")
def export_command(
    form: Annotated[
        str, typer.Option("--format", help="json (one file) or csv (a folder).")
    ] = "json",
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write (default: unknot-export.json or unknot-export/)."),
    ] = None,
) -> None:
    """Write everything unknot holds about you: profile, screenings, plans, sessions, check-ins."""
    from unknot.services import errors

    choose(form, ("json", "csv"), "format")
    target = out or Path("unknot-export.json" if form == "json" else "unknot-export")
    you = person()
    with database_problems(you.app):
        try:
            written = you.export_data(form, target)
        except errors.ExportProblem as error:
            fail(str(error))
    print(f"Exported to {written} (readable by you only).")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A JSON file written by `unknot export`.")],
) -> None:
    """Restore an export into an empty database, exactly; a bad file changes nothing."""
    from unknot.services import errors

    you = person()
    with database_problems(you.app):
        try:
            counts = you.import_data(file)
        except errors.ImportProblem as error:
            fail(str(error))
    from unknot.services.wording import records_text

    print(f"Imported: {records_text(counts) or 'nothing (the export was empty)'}.")


@app.command()
def forget() -> None:
    """Delete everything unknot holds about you, after you type a confirmation."""
    from unknot.services.wording import records_text

    try:
        typed = input(
            "This deletes your profile, screenings, sessions and check-ins for good. "
            "Type 'forget me' to confirm: "
        )
    except EOFError:
        typed = ""
    if typed.strip().lower() != "forget me":
        fail("not confirmed; nothing was deleted")
    you = person()
    with database_problems(you.app):
        counts = you.forget()
    print(f"Deleted: {records_text(counts) or 'nothing (there was nothing stored)'}.")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="unknot")
