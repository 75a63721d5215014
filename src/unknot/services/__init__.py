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
    "ProfileProblem",
    "SessionController",
    "Setup",
    "UnknownExercise",
    "Workspace",
    "catalog_records",
    "catalog_schema",
    "check_catalog",
    "exercise_record",
    "exercises",
    "make_plan",
    "make_week",
    "prepare",
    "questions",
    "read_profile",
    "record_clearance",
    "resume_session",
    "session_history",
    "session_readiness",
    "start_session",
    "submit_screening",
    "upgrade_database",
]
