"""Layers point down: ``core`` names no other app; ``checklists`` names neither ``dashboards``
nor ``worklog`` (they contribute to its page through ``anbiao.checklists.hooks``).

The imports are read with ``ast`` from every module (also imports inside functions and
``importlib.import_module("anbiao.…")`` with a literal name). Imports under
``if TYPE_CHECKING:`` are allowed: they are annotations only, nothing runs them. ``tests/``
folders are not part of a layer (they build whole worlds of organizations and users).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ANBIAO = Path(__file__).resolve().parents[2]


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for inner in ast.walk(child):
                        if hasattr(inner, "lineno"):
                            lines.add(inner.lineno)
    return lines


def imported_names(source: str) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for each import that runs, in a module's source."""
    tree = ast.parse(source)
    typing_only = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            if node.module == "anbiao":  # from anbiao import orgs
                for alias in node.names:
                    yield node.lineno, f"anbiao.{alias.name}"
        elif isinstance(node, ast.Call):
            fn = node.func
            called = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            first = node.args[0] if node.args else None
            if called in {"import_module", "__import__"} and isinstance(first, ast.Constant):
                yield node.lineno, str(first.value)


def modules_of(app: str) -> Iterator[Path]:
    for path in sorted((ANBIAO / app).rglob("*.py")):
        if "tests" not in path.relative_to(ANBIAO / app).parts:
            yield path


def upward(app: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in modules_of(app):
        for line, name in imported_names(path.read_text(encoding="utf-8")):
            parts = name.split(".")
            if parts[0] == "anbiao" and len(parts) > 1 and parts[1] in forbidden:
                found.append(f"{path.relative_to(ANBIAO.parent)}:{line} imports {name}")
    return found


def project_apps() -> set[str]:
    return {p.parent.name for p in ANBIAO.glob("*/apps.py")}


# WIP: access.py's scope selectors move to anbiao/orgs/scope.py (another branch); its
# vocabulary imports follow once that is merged.
PENDING = ("anbiao/core/access.py:",)


def test_core_imports_no_other_app() -> None:
    others = project_apps() - {"core"}
    assert {"accounts", "orgs", "checklists"} <= others
    assert [f for f in upward("core", others) if not f.startswith(PENDING)] == []


def test_checklists_import_neither_dashboards_nor_worklog() -> None:
    assert upward("checklists", {"dashboards", "worklog"}) == []


def test_the_import_reader_sees_every_way_of_importing() -> None:
    source = (
        "import anbiao.orgs.models\n"
        "from anbiao.accounts.models import Role\n"
        "from anbiao import dashboards\n"
        "def f():\n"
        "    from anbiao.worklog.models import WorkRecord\n"
        "    importlib.import_module('anbiao.stats.columns')\n"
        "if TYPE_CHECKING:\n"
        "    from anbiao.campaigns.models import Campaign\n"
    )
    names = {name for _, name in imported_names(source)}
    assert {
        "anbiao.orgs.models",
        "anbiao.accounts.models",
        "anbiao.dashboards",
        "anbiao.worklog.models",
        "anbiao.stats.columns",
    } <= names
    assert "anbiao.campaigns.models" not in names
