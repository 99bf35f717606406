"""Every audit action code written anywhere has a Chinese label, shown in the view and export."""

from __future__ import annotations

import ast
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.accounts.tests.helpers import login_fully
from anbiao.core.audit import log_action
from anbiao.core.audit_labels import ACTION_LABELS, action_label
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

ROOT = Path(__file__).resolve().parents[2]  # anbiao/
WRITERS = {"log_action", "_append"}


def _campaign_verbs() -> Iterable[str]:
    from anbiao.campaigns.services import AUDIT_VERBS, TRANSITIONS

    assert set(AUDIT_VERBS) == set(TRANSITIONS)
    return list(AUDIT_VERBS.values())


def _problem_actions() -> Iterable[str]:
    from anbiao.rectification.services import TRANSITIONS

    return list(TRANSITIONS)


def _star_moves() -> Iterable[str]:
    from anbiao.worklog.starflow import MOVES

    return list(MOVES)


# Codes built at run time: the prefix, and where the possible endings come from.
DYNAMIC: dict[str, Callable[[], Iterable[str]]] = {
    "anbiao.campaign.": _campaign_verbs,
    "anbiao.problem.": _problem_actions,
    "anbiao.star_application.": _star_moves,
}


def _constants(node: ast.AST) -> list[str] | None:
    """The strings an expression can be when it is made of constants and conditionals only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _codes(node: ast.AST, where: str) -> list[str]:
    if (found := _constants(node)) is not None:
        return found
    if isinstance(node, ast.JoinedStr):
        prefix = "".join(str(v.value) for v in node.values[:1] if isinstance(v, ast.Constant))
        rest = node.values[1:] if prefix else node.values
        if len(rest) == 1 and isinstance(rest[0], ast.FormattedValue):
            endings = _constants(rest[0].value)
            if endings is not None:
                return [prefix + e for e in endings]
            if prefix in DYNAMIC:
                return [prefix + e for e in DYNAMIC[prefix]()]
    pytest.fail(f"{where}: 无法确定操作代码 {ast.unparse(node)}；请在 DYNAMIC 中列出它的取值")


def codes_in_source() -> dict[str, str]:
    """Every action code passed to the audit writers in anbiao/ (tests excluded)."""
    found: dict[str, str] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in WRITERS:
                continue
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None and len(node.args) > 1:
                action = node.args[1]
            if action is None:
                continue
            if path.name == "audit.py" and isinstance(action, ast.Name):
                continue  # log_action handing its own argument on
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            for code in _codes(action, where):
                found.setdefault(code, where)
    return found


def test_the_scan_finds_the_codes_of_every_app() -> None:
    codes = codes_in_source()
    assert len(codes) >= 100
    for code in (
        "anbiao.checklist.answer_saved",
        "anbiao.problem.verify",
        "anbiao.file.downloaded",
    ):
        assert code in codes, code


def test_every_action_code_used_in_the_code_base_has_a_chinese_label() -> None:
    missing = {
        code: where for code, where in codes_in_source().items() if code not in ACTION_LABELS
    }
    assert missing == {}, "这些操作代码没有中文名称（加到 anbiao/core/audit_labels.py）：" + repr(
        missing
    )


def test_every_label_is_chinese_and_no_label_is_left_over() -> None:
    used = codes_in_source()
    for code, label in ACTION_LABELS.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), code
    assert set(ACTION_LABELS) - set(used) == set()


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert action_label("anbiao.somewhere.new") == "anbiao.somewhere.new"


@pytest.mark.django_db
def test_the_audit_view_and_export_show_the_label_not_the_code(client) -> None:  # noqa: ANN001
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    auditor = make_user(city, Role.AUDITOR, username="label_auditor")
    entry = log_action(None, "anbiao.checklist.answer_saved", data={"x": 1})
    login_fully(client, auditor)
    body = client.get(reverse("core:audit_list")).content.decode()
    assert "保存细则答复" in body
    assert "anbiao.checklist.answer_saved" not in body
    detail = client.get(reverse("core:audit_detail", args=[entry.pk])).content.decode()
    assert "保存细则答复" in detail and "anbiao.checklist.answer_saved" not in detail
    response = client.get(reverse("core:audit_export"), {"action": "anbiao.checklist."})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert "操作" in header and "操作代码" not in header
    row = rows[1]
    assert row[header.index("操作")] == "保存细则答复"
    assert "anbiao.checklist.answer_saved" not in row


@pytest.mark.django_db
def test_the_auditor_filters_by_part_of_the_chinese_name(client) -> None:  # noqa: ANN001
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    auditor = make_user(city, Role.AUDITOR, username="label_auditor2")
    log_action(None, "anbiao.checklist.answer_saved")
    log_action(None, "anbiao.auth.login_failed")
    login_fully(client, auditor)
    page = client.get(reverse("core:audit_list"), {"action": "细则答复"}).context["page"]
    assert {e.action for e in page} == {"anbiao.checklist.answer_saved"}


@pytest.mark.django_db
def test_the_object_type_shows_and_filters_by_its_chinese_name(client) -> None:  # noqa: ANN001
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    auditor = make_user(city, Role.AUDITOR, username="label_auditor3")
    entry = log_action(city, "anbiao.organization.updated")
    log_action(None, "anbiao.auth.login_failed")
    login_fully(client, auditor)
    detail = client.get(reverse("core:audit_detail", args=[entry.pk])).content.decode()
    assert "<td>单位</td>" in detail and "orgs.Organization" not in detail
    page = client.get(reverse("core:audit_list"), {"object": "单位"}).context["page"]
    assert {e.action for e in page} == {"anbiao.organization.updated"}
