"""The use cases: what the command line, the terminal player and the web app ask of unknot.

Interfaces call only this package. It is split by subject (catalog, planning, screening,
sessions) because one module had grown to mix all four; heavy imports (SQLAlchemy, pydantic,
Alembic) happen inside the functions that need them, so a quick command pays only for what it
uses (issue 3: start-up budget).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Which module holds each name; loaded on first use, so a quick command imports only what it
# needs (issue 3: start-up within 150 ms).
_HOME = {
    "CatalogCheck": "unknot.services.catalog",
    "ClearanceProblem": "unknot.services.screening",
    "ExportProblem": "unknot.services.progress",
    "Gallery": "unknot.services.figures",
    "ImportProblem": "unknot.services.progress",
    "NoFigure": "unknot.services.figures",
    "NotInLoop": "unknot.services.figures",
    "NotThisSession": "unknot.services.sessions",
    "ProfileProblem": "unknot.services.planning",
    "SessionController": "unknot.services.sessions",
    "SessionOver": "unknot.services.sessions",
    "Setup": "unknot.services.sessions",
    "UnknownExercise": "unknot.services.catalog",
    "Workspace": "unknot.services.workspace",
    "active_session": "unknot.services.sessions",
    "begin_session": "unknot.services.sessions",
    "catalog_problems": "unknot.services.catalog",
    "catalog_records": "unknot.services.catalog",
    "catalog_schema": "unknot.services.catalog",
    "chart_svgs": "unknot.services.progress",
    "choose_country": "unknot.services.screening",
    "check_catalog": "unknot.services.catalog",
    "close_stores": "unknot.services.workspace",
    "current_advice": "unknot.services.progress",
    "current_standing": "unknot.services.screening",
    "dismiss_advice": "unknot.services.progress",
    "exercise_record": "unknot.services.catalog",
    "exercises": "unknot.services.catalog",
    "export_data": "unknot.services.progress",
    "export_document": "unknot.services.progress",
    "figure_png": "unknot.services.figures",
    "figure_svg": "unknot.services.figures",
    "forget": "unknot.services.progress",
    "import_data": "unknot.services.progress",
    "make_plan": "unknot.services.planning",
    "make_week": "unknot.services.planning",
    "plan_readiness": "unknot.services.planning",
    "prepare": "unknot.services.sessions",
    "progress_report": "unknot.services.progress",
    "questions": "unknot.services.screening",
    "read_profile": "unknot.services.planning",
    "record_checkin": "unknot.services.progress",
    "record_clearance": "unknot.services.screening",
    "record_function": "unknot.services.progress",
    "record_event": "unknot.services.sessions",
    "resume_session": "unknot.services.sessions",
    "save_profile": "unknot.services.sessions",
    "start_run": "unknot.services.sessions",
    "session_history": "unknot.services.sessions",
    "start_session": "unknot.services.sessions",
    "submit_screening": "unknot.services.screening",
    "swap_exercise": "unknot.services.sessions",
    "today_plan": "unknot.services.sessions",
    "today_plan_json": "unknot.services.sessions",
    "upgrade_database": "unknot.services.sessions",
    "write_charts": "unknot.services.progress",
    "withdraw_screening": "unknot.services.screening",
    "write_gallery": "unknot.services.figures",
}

if TYPE_CHECKING:
    from unknot.services.catalog import (
        CatalogCheck as CatalogCheck,
    )
    from unknot.services.catalog import (
        UnknownExercise as UnknownExercise,
    )
    from unknot.services.catalog import (
        catalog_problems as catalog_problems,
    )
    from unknot.services.catalog import (
        catalog_records as catalog_records,
    )
    from unknot.services.catalog import (
        catalog_schema as catalog_schema,
    )
    from unknot.services.catalog import (
        check_catalog as check_catalog,
    )
    from unknot.services.catalog import (
        exercise_record as exercise_record,
    )
    from unknot.services.catalog import (
        exercises as exercises,
    )
    from unknot.services.figures import (
        Gallery as Gallery,
    )
    from unknot.services.figures import (
        NoFigure as NoFigure,
    )
    from unknot.services.figures import (
        NotInLoop as NotInLoop,
    )
    from unknot.services.figures import (
        figure_png as figure_png,
    )
    from unknot.services.figures import (
        figure_svg as figure_svg,
    )
    from unknot.services.figures import (
        write_gallery as write_gallery,
    )
    from unknot.services.planning import (
        ProfileProblem as ProfileProblem,
    )
    from unknot.services.planning import (
        make_plan as make_plan,
    )
    from unknot.services.planning import (
        make_week as make_week,
    )
    from unknot.services.planning import (
        plan_readiness as plan_readiness,
    )
    from unknot.services.planning import (
        read_profile as read_profile,
    )
    from unknot.services.progress import (
        ExportProblem as ExportProblem,
    )
    from unknot.services.progress import (
        ImportProblem as ImportProblem,
    )
    from unknot.services.progress import (
        chart_svgs as chart_svgs,
    )
    from unknot.services.progress import (
        current_advice as current_advice,
    )
    from unknot.services.progress import (
        dismiss_advice as dismiss_advice,
    )
    from unknot.services.progress import (
        export_data as export_data,
    )
    from unknot.services.progress import (
        export_document as export_document,
    )
    from unknot.services.progress import (
        forget as forget,
    )
    from unknot.services.progress import (
        import_data as import_data,
    )
    from unknot.services.progress import (
        progress_report as progress_report,
    )
    from unknot.services.progress import (
        record_checkin as record_checkin,
    )
    from unknot.services.progress import (
        record_function as record_function,
    )
    from unknot.services.progress import (
        write_charts as write_charts,
    )
    from unknot.services.screening import (
        ClearanceProblem as ClearanceProblem,
    )
    from unknot.services.screening import (
        choose_country as choose_country,
    )
    from unknot.services.screening import (
        current_standing as current_standing,
    )
    from unknot.services.screening import (
        questions as questions,
    )
    from unknot.services.screening import (
        record_clearance as record_clearance,
    )
    from unknot.services.screening import (
        submit_screening as submit_screening,
    )
    from unknot.services.screening import (
        withdraw_screening as withdraw_screening,
    )
    from unknot.services.sessions import (
        NotThisSession as NotThisSession,
    )
    from unknot.services.sessions import (
        SessionController as SessionController,
    )
    from unknot.services.sessions import (
        SessionOver as SessionOver,
    )
    from unknot.services.sessions import (
        Setup as Setup,
    )
    from unknot.services.sessions import (
        active_session as active_session,
    )
    from unknot.services.sessions import (
        begin_session as begin_session,
    )
    from unknot.services.sessions import (
        prepare as prepare,
    )
    from unknot.services.sessions import (
        record_event as record_event,
    )
    from unknot.services.sessions import (
        resume_session as resume_session,
    )
    from unknot.services.sessions import (
        save_profile as save_profile,
    )
    from unknot.services.sessions import (
        session_history as session_history,
    )
    from unknot.services.sessions import (
        start_run as start_run,
    )
    from unknot.services.sessions import (
        start_session as start_session,
    )
    from unknot.services.sessions import (
        swap_exercise as swap_exercise,
    )
    from unknot.services.sessions import (
        today_plan as today_plan,
    )
    from unknot.services.sessions import (
        today_plan_json as today_plan_json,
    )
    from unknot.services.sessions import (
        upgrade_database as upgrade_database,
    )
    from unknot.services.workspace import (
        Workspace as Workspace,
    )
    from unknot.services.workspace import (
        close_stores as close_stores,
    )


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


__all__ = sorted(_HOME)
