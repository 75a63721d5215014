"""The domain package stays pure: standard library and pydantic, no I/O and no clock."""

from __future__ import annotations

import ast
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


def test_domain_reads_no_clock_and_no_files() -> None:
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) not in FORBIDDEN_CALLS, (
                    f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_NAMES, (
                    f"{path.name}:{node.lineno} calls {node.func.id}()"
                )
