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


def imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
    return roots


def test_domain_imports_only_stdlib_pydantic_and_itself() -> None:
    for path in modules():
        for name in imported_roots(ast.parse(path.read_text(encoding="utf-8"))):
            root = name.split(".")[0]
            if root == "unknot":
                assert name.startswith("unknot.domain"), f"{path.name} imports {name}"
            else:
                assert root in sys.stdlib_module_names or root in ALLOWED_THIRD_PARTY, (
                    f"{path.name} imports {name}"
                )
            assert root not in {"os", "pathlib", "io", "socket", "subprocess", "shutil"}, (
                f"{path.name} imports {name}: the domain does no I/O"
            )


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
        assert impurities(path.read_text(encoding="utf-8")) == [], path.name


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
