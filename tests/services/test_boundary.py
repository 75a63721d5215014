"""The service boundary (issue 16): interfaces import only services, and what crosses it is typed.

Read from the code itself: the imports of every interface module, the return annotations of
every public use case, and the OpenAPI document the web app serves.
"""

from __future__ import annotations

import ast
import inspect
import re
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest

import unknot
from unknot.services.accounts import Accounts
from unknot.services.actor import Actor
from unknot.services.application import Application
from unknot.services.care import Care
from unknot.services.live import SessionController
from unknot.services.workspace import Workspace
from unknot.storage.repository import Store

PACKAGE = Path(unknot.__file__).parent
INTERFACES = [
    PACKAGE / "cli.py",
    *sorted((PACKAGE / "tui").glob("*.py")),
    *sorted((PACKAGE / "web").glob("*.py")),
]
# What an interface may import from unknot besides services: its own package, the version, the
# clock protocol, the settings and the voice (a terminal's speech adapter).
OWN = {"unknot.tui", "unknot.web"}
ALSO = {"unknot", "unknot.clock", "unknot.config", "unknot.voice"}


def unknot_imports(path: Path) -> list[str]:
    """Every unknot module `path` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "unknot"]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.split(".")[0] == "unknot"
        ):
            found.append(node.module)
    return found


def test_there_are_interfaces_to_check() -> None:
    names = {p.name for p in INTERFACES}
    assert {"cli.py", "app.py", "api.py", "pages.py", "plain.py", "layout.py"} <= names


@pytest.mark.parametrize("path", INTERFACES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_interfaces_import_only_services(path: Path) -> None:
    for module in unknot_imports(path):
        allowed = (
            module in ALSO
            or module == "unknot.services"
            or module.startswith("unknot.services.")
            or any(module == own or module.startswith(own + ".") for own in OWN)
        )
        assert allowed, f"{path.name} imports {module}: reach it through unknot.services"


@pytest.mark.parametrize("path", INTERFACES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_interfaces_name_exceptions_from_the_errors_module(path: Path) -> None:
    """An `except` of unknot's own exception names it from `unknot.services.errors`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported_from: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imported_from[alias.asname or alias.name] = node.module
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        for kind in caught:
            if isinstance(kind, ast.Name):
                module = imported_from.get(kind.id, "builtins")
                assert not module.startswith("unknot") or module == "unknot.services.errors", (
                    f"{path.name}:{kind.lineno} catches {kind.id} from {module}"
                )


def _forbidden(annotation: object) -> str | None:
    """What is wrong with a return annotation at the boundary, or None."""
    if annotation is Any:
        return "Any"
    if annotation is Store:
        return "a Store"
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is dict and arguments[:1] == (str,) and arguments[1:] == (Any,):
        return "dict[str, Any]"
    for argument in arguments:
        wrong = _forbidden(argument)
        if wrong:
            return wrong
    return None


def deferred_names() -> dict[str, object]:
    """What the services name only for type checking (imported late to keep start-up light)."""
    from unknot.catalog.record import ExerciseRecord
    from unknot.clock import Clock
    from unknot.config import Settings
    from unknot.domain.exercise import Exercise
    from unknot.domain.screening import EmergencyNumber
    from unknot.domain.timeline import Step
    from unknot.mail import Mailer
    from unknot.sealing import SecretBox
    from unknot.services.catalog import Exercises
    from unknot.services.devices import Devices
    from unknot.services.figures import Figures
    from unknot.services.passkeys import Passkeys
    from unknot.services.player import Replayed
    from unknot.storage.accounts import AccountStore, CareStore
    from unknot.storage.faults import StorageFault
    from unknot.storage.passkeys import PasskeyStore
    from unknot.storage.repository import SessionWrite

    return {
        "AccountStore": AccountStore,
        "Care": Care,
        "CareStore": CareStore,
        "Accounts": Accounts,
        "Actor": Actor,
        "Clock": Clock,
        "EmergencyNumber": EmergencyNumber,
        "Exercise": Exercise,
        "ExerciseRecord": ExerciseRecord,
        "Exercises": Exercises,
        "Devices": Devices,
        "Mailer": Mailer,
        "PasskeyStore": PasskeyStore,
        "Passkeys": Passkeys,
        "Figures": Figures,
        "Replayed": Replayed,
        "SecretBox": SecretBox,
        "SessionWrite": SessionWrite,
        "Settings": Settings,
        "Step": Step,
        "Store": Store,
        "StorageFault": StorageFault,
        "Workspace": Workspace,
    }


def public_methods(kind: type) -> list[tuple[str, Any]]:
    return [
        (name, member)
        for name, member in inspect.getmembers(kind)
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property))
    ]


@pytest.mark.parametrize("kind", [Actor, Application, SessionController, Accounts, Care])
def test_no_store_any_or_untyped_dict_crosses_the_boundary(kind: type) -> None:
    checked = 0
    for name, member in public_methods(kind):
        function = member.fget if isinstance(member, property) else member
        hints = typing.get_type_hints(function, localns=deferred_names())
        assert "return" in hints, f"{kind.__name__}.{name} has no return annotation"
        wrong = _forbidden(hints["return"])
        assert wrong is None, f"{kind.__name__}.{name} returns {wrong}"
        checked += 1
    assert checked >= (40 if kind is Actor else 5)


def test_the_check_finds_what_it_forbids() -> None:
    assert _forbidden(dict[str, Any]) == "dict[str, Any]"
    assert _forbidden(list[dict[str, Any]] | None) == "dict[str, Any]"
    assert _forbidden(Store) == "a Store"
    assert _forbidden(Any) == "Any"
    assert _forbidden(dict[str, int]) is None


def test_interfaces_reach_no_store() -> None:
    """No interface names the store: the composed reads are use cases."""
    reaching = re.compile(r"\._?store\b|open_store\(|local_person\(|\bStore\b")
    for path in INTERFACES:
        found = reaching.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name} uses {found.group() if found else ''}"


def test_every_route_documents_its_response() -> None:
    from unknot.web.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        workspace = Workspace(Path(folder) / "data", Path(folder) / "config")
        document = create_app(Application(workspace)).openapi()
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 20
    for path, method, operation in operations:
        success = {
            code: answer for code, answer in operation["responses"].items() if code.startswith("2")
        }
        assert success, f"{method} {path} documents no success"
        for code, answer in success.items():
            if code == "204":
                continue
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            assert schema, f"{method.upper()} {path} {code} has no response schema"
            assert schema != {}, f"{method.upper()} {path} {code} has an empty schema"
        assert "422" in operation["responses"] or method == "get"
