"""Every state machine has the one shape (anbiao.core.transitions): printed, and consistent."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from anbiao.core.transitions import Machine, Transition

# module → the name of its machine
MACHINES = {
    "anbiao.campaigns.services": "TRANSITIONS",
    "anbiao.checklists.services": "TRANSITIONS",
    "anbiao.inspections.services": "TRANSITIONS",
    "anbiao.rectification.rules": "TRANSITIONS",
    "anbiao.reports.services": "TRANSITIONS",
    "anbiao.stats.chain": "TRANSITIONS",
    "anbiao.worklog.starflow": "MOVES",
}
PENDING: set[str] = set()
ROOT = Path(__file__).resolve().parents[2]


def machines() -> list[Machine]:
    return [getattr(importlib.import_module(m), name) for m, name in MACHINES.items()]


@pytest.mark.parametrize("module", MACHINES)
def test_each_machine_prints_and_is_consistent(module: str) -> None:
    """``pytest -s`` shows the tables; a failure shows the table beside the problems."""
    machine = getattr(importlib.import_module(module), MACHINES[module])
    assert isinstance(machine, Machine)
    table = machine.table()
    print(table, end="\n\n")
    assert machine.problems() == []
    lines = table.splitlines()
    assert len(lines) == 2 + len(machine.transitions)
    for t, line in zip(machine.transitions, lines[2:], strict=True):
        assert t.action in line and t.label in line and machine.state_label(t.target) in line


def test_every_module_level_state_table_is_a_machine() -> None:
    """No app keeps a TRANSITIONS/MOVES table in another shape."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (
                [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
            )
            if any(isinstance(t, ast.Name) and t.id in {"TRANSITIONS", "MOVES"} for t in targets):
                found.add(str(path.relative_to(ROOT.parent)))
    expected = {f"{m.replace('.', '/')}.py" for m in MACHINES}
    assert found - PENDING == expected


def test_the_checks_find_a_duplicate_an_unreachable_state_and_two_targets() -> None:
    states = {"a": "甲", "b": "乙", "c": "丙", "d": "丁"}
    bad = Machine(
        "sample",
        states,
        [
            Transition("a", "go", "b", "前进"),
            Transition("a", "go", "b", "前进"),
            Transition("b", "go", "c", "前进"),
            Transition("b", "back", "x", "后退"),
        ],
        initial=["a"],
    )
    problems = "\n".join(bad.problems())
    assert "(a, go) appears twice" in problems
    assert "go leads to more than one state" in problems
    assert "unknown state x" in problems
    assert "state d cannot be reached" in problems


def test_a_move_from_the_wrong_state_is_refused_in_chinese() -> None:
    machine = Machine(
        "sample",
        {"draft": "草稿", "done": "已完成"},
        [
            Transition(None, "create", "draft", "新建"),
            Transition("draft", "finish", "done", "完成", "owner"),
        ],
        initial=[None],
        absent="未填报",
    )
    assert machine.problems() == []
    assert machine.target("finish", "draft") == "done"
    assert machine.can("create", None) and not machine.can("finish", None)
    assert [m.action for m in machine.allowed("draft", actor="owner")] == ["finish"]
    assert machine.allowed("draft", actor="city") == []
    with pytest.raises(ValidationError, match="当前状态为“已完成”，不能完成。"):
        machine.target("finish", "done")
    with pytest.raises(ValidationError, match="第2版当前为“未填报”"):
        machine.target("finish", None, refusal="第2版当前为“{state}”，不能{label}。")
    with pytest.raises(ValidationError, match="未知的操作"):
        machine.target("fly", "draft")
