"""The use cases: what the command line, the terminal player and the web app ask of unknot.

Interfaces call only this package. It is split by subject (catalog, planning, screening,
sessions) because one module had grown to mix all four; heavy imports (SQLAlchemy, pydantic,
Alembic) happen inside the functions that need them, so a quick command pays only for what it
uses (issue 3: start-up budget).
"""

from unknot.services.catalog import (
    CatalogCheck,
    UnknownExercise,
    catalog_records,
    catalog_schema,
    check_catalog,
    exercise_record,
    exercises,
)
from unknot.services.planning import ProfileProblem, make_plan, make_week, read_profile
from unknot.services.progress import (
    ImportProblem,
    chart_svgs,
    dismiss_advice,
    export_data,
    forget,
    import_data,
    progress_report,
    record_checkin,
    record_function,
    write_charts,
)
from unknot.services.screening import (
    questions,
    record_clearance,
    session_readiness,
    submit_screening,
)
from unknot.services.sessions import (
    SessionController,
    Setup,
    prepare,
    resume_session,
    session_history,
    start_session,
    upgrade_database,
)
from unknot.services.workspace import Workspace

__all__ = [
    "CatalogCheck",
    "ImportProblem",
    "ProfileProblem",
    "SessionController",
    "Setup",
    "UnknownExercise",
    "Workspace",
    "catalog_records",
    "catalog_schema",
    "chart_svgs",
    "check_catalog",
    "dismiss_advice",
    "exercise_record",
    "exercises",
    "export_data",
    "forget",
    "import_data",
    "make_plan",
    "make_week",
    "prepare",
    "progress_report",
    "questions",
    "read_profile",
    "record_checkin",
    "record_clearance",
    "record_function",
    "resume_session",
    "session_history",
    "session_readiness",
    "start_session",
    "submit_screening",
    "upgrade_database",
    "write_charts",
]
