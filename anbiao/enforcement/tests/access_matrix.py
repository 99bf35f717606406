"""Access cases for enforcement cases, exposure batches, monthly reports and priorities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.enforcement import services
from anbiao.enforcement.models import PriorityReason
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import make_user

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
CASE_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def _other_dept_user(w: Any):  # noqa: ANN202
    if "dept_other_user" not in w.extra:
        w.extra["dept_other_user"] = make_user(w.dept_other, Role.ORG_ADMIN)
    return w.extra["dept_other_user"]


def _case(w: Any, side: str):  # noqa: ANN202
    key = f"case_{side}"
    if key not in w.extra:
        user = w.users["department:filler"] if side == "own" else _other_dept_user(w)
        enterprise = w.ent if side == "own" else w.ent_other
        w.extra[key] = services.case_create(
            by=user,
            enterprise=enterprise,
            case_number=f"南应急罚〔2024〕{side}号",
            violation="未按规定开展安全生产标准化自评",
            legal_basis="《中华人民共和国安全生产法》第九十七条",
            penalty="责令限期改正，罚款",
            decided_on=dt.date(2024, 5, 10),
        )
    return w.extra[key]


def _batch(w: Any, side: str):  # noqa: ANN202
    key = f"batch_{side}"
    if key not in w.extra:
        user = w.users["department:filler"] if side == "own" else _other_dept_user(w)
        w.extra[key] = services.batch_create(
            by=user, title=f"第一批（{side}）", date=dt.date(2024, 5, 20), cases=[_case(w, side)]
        )
    return w.extra[key]


def _priority(w: Any, side: str):  # noqa: ANN202
    key = f"priority_{side}"
    if key not in w.extra:
        user = w.users["department:filler"] if side == "own" else _other_dept_user(w)
        enterprise = w.ent if side == "own" else w.ent_other
        w.extra[key] = services.priority_mark(
            by=user, enterprise=enterprise, reason=PriorityReason.PAPER, note="纸上标准化"
        )
    return w.extra[key]


def obj_url(name: str, fn, side: str):  # noqa: ANN001, ANN202
    return lambda w: reverse(name, args=[fn(w, side).pk])


CITY_ONLY = allow([OrgKind.CITY], BUSINESS)
SEE_CASES = allow(CASE_KINDS, BUSINESS)

CASES = [
    Case("enforcement:case_list", "scope", lambda w: reverse("enforcement:case_list"), SEE_CASES),
    Case(
        "enforcement:case_create",
        "form",
        lambda w: reverse("enforcement:case_create"),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case(
        "enforcement:case_detail",
        "own",
        obj_url("enforcement:case_detail", _case, "own"),
        SEE_CASES,
    ),
    Case(
        "enforcement:case_detail",
        "other",
        obj_url("enforcement:case_detail", _case, "other"),
        CITY_ONLY,
    ),
    Case(
        "enforcement:case_edit",
        "own",
        obj_url("enforcement:case_edit", _case, "own"),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case(
        "enforcement:case_edit", "other", obj_url("enforcement:case_edit", _case, "other"), nobody()
    ),
    Case("enforcement:batch_list", "scope", lambda w: reverse("enforcement:batch_list"), SEE_CASES),
    Case(
        "enforcement:batch_create",
        "form",
        lambda w: reverse("enforcement:batch_create"),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case(
        "enforcement:batch_detail",
        "own",
        obj_url("enforcement:batch_detail", _batch, "own"),
        SEE_CASES,
    ),
    Case(
        "enforcement:batch_detail",
        "other",
        obj_url("enforcement:batch_detail", _batch, "other"),
        CITY_ONLY,
    ),
    Case(
        "enforcement:batch_publish",
        "own",
        obj_url("enforcement:batch_publish", _batch, "own"),
        allow([OrgKind.DEPARTMENT], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "enforcement:batch_publish",
        "other",
        obj_url("enforcement:batch_publish", _batch, "other"),
        nobody(),
        method="post",
    ),
    Case(
        "enforcement:report_list",
        "own",
        lambda w: reverse("enforcement:report_list"),
        allow([OrgKind.DEPARTMENT], BUSINESS),
    ),
    Case(
        "enforcement:report_submit",
        "own",
        lambda w: reverse("enforcement:report_submit", args=[2024, 5]),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case(
        "enforcement:report_overview",
        "city",
        lambda w: reverse("enforcement:report_overview") + "?start=2024-01&end=2024-12",
        CITY_ONLY,
    ),
    Case(
        "enforcement:priority_list",
        "scope",
        lambda w: reverse("enforcement:priority_list"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "enforcement:priority_create",
        "form",
        lambda w: reverse("enforcement:priority_create"),
        allow(GOV, WRITERS),
    ),
    Case(
        "enforcement:priority_end",
        "own",
        obj_url("enforcement:priority_end", _priority, "own"),
        allow(GOV, WRITERS, ok=302),
        method="post",
    ),
    Case(
        "enforcement:priority_end",
        "other",
        obj_url("enforcement:priority_end", _priority, "other"),
        allow([OrgKind.CITY], WRITERS, ok=302),
        method="post",
    ),
]
