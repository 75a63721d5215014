"""The domain package stays pure: standard library and pydantic, no I/O and no clock."""

from __future__ import annotations

import ast
import itertools
import sys
from pathlib import Path

import unknot.domain

DOMAIN = Path(unknot.domain.__file__).parent
ALLOWED_THIRD_PARTY = {"pydantic", "pydantic_core", "annotated_types"}
FORBIDDEN_CALLS = {
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("time", "sleep"),
    ("time", "perf_counter"),
    ("random", "random"),
    ("os", "environ"),
}
FORBIDDEN_NAMES = {"open", "print", "input"}


def modules() -> list[Path]:
    found = sorted(DOMAIN.rglob("*.py"))
    assert len(found) >= 3
    return found


def package_of(path: Path) -> str:
    """The dotted package a domain file is in: `unknot.domain` or a subpackage of it."""
    relative = path.parent.relative_to(DOMAIN.parent.parent)
    return ".".join(relative.parts)


def imported_roots(tree: ast.AST, package: str = "unknot.domain") -> set[str]:
    """Every module the source imports, relative imports resolved against `package` (so a
    subpackage cannot reach outside the domain with `from ... import`)."""
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - (node.level - 1)])
            if node.module:
                roots.add(f"{base}.{node.module}")
            else:
                roots.update(f"{base}.{alias.name}" for alias in node.names)
    return roots


def test_domain_imports_only_stdlib_pydantic_and_itself() -> None:
    for path in modules():
        name_of = str(path.relative_to(DOMAIN))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in imported_roots(tree, package_of(path)):
            root = name.split(".")[0]
            if root == "unknot":
                assert name == "unknot.domain" or name.startswith("unknot.domain."), (
                    f"{name_of} imports {name}"
                )
            else:
                assert root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY, (
                    f"{name_of} imports {name}"
                )
            assert root not in {"os", "pathlib", "io", "socket", "subprocess", "shutil"}, (
                f"{name_of} imports {name}: the domain does no I/O"
            )


def test_the_purity_check_covers_the_planner_package() -> None:
    scanned = {str(path.relative_to(DOMAIN)) for path in modules()}
    assert {"planner/__init__.py", "planner/session.py", "planner/week.py"} <= scanned
    assert package_of(DOMAIN / "planner" / "session.py") == "unknot.domain.planner"


def test_the_purity_check_resolves_relative_imports() -> None:
    source = "\n".join(
        [
            "from .budget import fit",
            "from . import week",
            "from ... import cli",
            "from ...services import x",
        ]
    )
    assert imported_roots(ast.parse(source), "unknot.domain.planner") == {
        "unknot.domain.planner.budget",
        "unknot.domain.planner.week",
        "unknot.cli",
        "unknot.services",
    }


def dotted(node: ast.Attribute) -> list[str]:
    """The whole chain of an attribute, outermost name first: `dt.date.today` → dt, date,
    today (issue 15: only `Name.attr` pairs were caught, so `dt.date.today()` passed)."""
    parts = [node.attr]
    value: ast.expr = node.value
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    if isinstance(value, ast.Name):
        parts.append(value.id)
    return parts[::-1]


def impurities(source: str) -> list[str]:
    """Each clock read, file access or console call in the source, with its line."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            chain = dotted(node)
            if any(pair in FORBIDDEN_CALLS for pair in itertools.pairwise(chain)):
                found.append(f"{node.lineno}: {'.'.join(chain)}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_NAMES
        ):
            found.append(f"{node.lineno}: {node.func.id}()")
    return found


def test_domain_reads_no_clock_and_no_files() -> None:
    for path in modules():
        assert impurities(path.read_text(encoding="utf-8")) == [], str(path.relative_to(DOMAIN))


def test_the_purity_check_sees_every_spelling_of_a_clock() -> None:
    source = """
import datetime as dt
import time
a = dt.date.today()
b = dt.datetime.now(tz=dt.UTC)
c = time.time()
d = datetime.datetime.utcnow()
e = dt.date(2026, 1, 1)
print(a)
"""
    assert sorted(line.split(":")[0] for line in impurities(source)) == ["4", "5", "6", "7", "9"]
