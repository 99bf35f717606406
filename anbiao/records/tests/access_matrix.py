"""Access cases for good experiences and work mechanisms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.orgs.models import OrgKind
from anbiao.records import services
from anbiao.records.models import Category, RecordKind
from anbiao.records.tests.helpers import pdf_upload, png_upload

ALL = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN, OrgKind.ENTERPRISE)
GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
DAY = dt.date(2024, 5, 10)


def _record(
    w: Any, who: str, *, submit: bool = True, evidence: bool = True, kind: str = "experience"
):  # noqa: ANN202
    key = (who, submit, evidence, kind)
    cache = w.extra.setdefault("records", {})
    if key not in cache:
        user = w.users[who]
        record = services.record_create(
            by=user,
            kind=kind,
            title=f"{user.organization.name}的经验",
            summary="做法摘要",
            date=DAY,
            category=Category.PARTY if kind == RecordKind.EXPERIENCE else "",
            document=pdf_upload() if kind == RecordKind.MECHANISM else None,
            evidence=[png_upload()] if evidence else [],
        )
        if submit:
            services.record_submit(by=user, record=record)
        cache[key] = record
    return cache[key]


def own(w: Any, **kw: Any):  # noqa: ANN202
    return _record(w, "enterprise:org_admin", **kw)


def other(w: Any, **kw: Any):  # noqa: ANN202
    from anbiao.orgs.tests.factories import make_user

    if "other_user" not in w.extra:
        w.extra["other_user"] = make_user(w.ent_other.organization, Role.ORG_ADMIN)
        w.users["_other"] = w.extra["other_user"]
    return _record(w, "_other", **kw)


def url(name: str, fn, **kw: Any):  # noqa: ANN001, ANN202
    return lambda w: reverse(name, args=[fn(w, **kw).pk])


def file_url(fn, **kw: Any):  # noqa: ANN001, ANN202
    def build(w: Any) -> str:
        record = fn(w, **kw)
        return reverse("records:file", args=[record.pk, record.evidence.first().pk])

    return build


def remove_url(fn):  # noqa: ANN001, ANN202
    def build(w: Any) -> str:
        record = fn(w, submit=False)
        return reverse("records:evidence_remove", args=[record.pk, record.evidence.first().pk])

    return build


ENT_BUSINESS = allow([OrgKind.ENTERPRISE], BUSINESS)
ENT_WRITERS = allow([OrgKind.ENTERPRISE], WRITERS, ok=302)

CASES = [
    Case("records:list", "scope", lambda w: reverse("records:list"), allow(ALL, BUSINESS)),
    Case(
        "records:list",
        "scope-all",
        lambda w: reverse("records:list") + "?scope=all&kind=experience",
        allow(ALL, BUSINESS),
    ),
    Case("records:export", "scope", lambda w: reverse("records:export"), allow(ALL, BUSINESS)),
    Case(
        "records:create",
        "experience",
        lambda w: reverse("records:create", args=["experience"]),
        allow(ALL, WRITERS),
    ),
    Case(
        "records:create",
        "mechanism",
        lambda w: reverse("records:create", args=["mechanism"]),
        allow(GOV, WRITERS),
    ),
    Case("records:detail", "own", url("records:detail", own), allow(ALL, BUSINESS)),
    Case("records:detail", "other", url("records:detail", other), allow([OrgKind.CITY], BUSINESS)),
    Case("records:detail", "own-draft", url("records:detail", own, submit=False), ENT_BUSINESS),
    Case(
        "records:detail",
        "dept-mechanism",
        lambda w: reverse(
            "records:detail", args=[_record(w, "department:filler", kind="mechanism").pk]
        ),
        allow([OrgKind.CITY, OrgKind.DEPARTMENT], BUSINESS),
    ),
    Case("records:edit", "own", url("records:edit", own), allow([OrgKind.ENTERPRISE], WRITERS)),
    Case("records:edit", "other", url("records:edit", other), nobody()),
    Case(
        "records:evidence_add",
        "own",
        url("records:evidence_add", own, submit=False),
        ENT_WRITERS,
        method="post",
    ),
    Case(
        "records:evidence_add",
        "other",
        url("records:evidence_add", other, submit=False),
        nobody(),
        method="post",
    ),
    Case("records:evidence_remove", "own", remove_url(own), ENT_WRITERS, method="post"),
    Case("records:evidence_remove", "other", remove_url(other), nobody(), method="post"),
    Case(
        "records:submit",
        "own",
        url("records:submit", own, submit=False),
        ENT_WRITERS,
        method="post",
    ),
    Case(
        "records:submit",
        "other",
        url("records:submit", other, submit=False),
        nobody(),
        method="post",
    ),
    Case("records:withdraw", "own", url("records:withdraw", own), ENT_WRITERS, method="post"),
    Case("records:withdraw", "other", url("records:withdraw", other), nobody(), method="post"),
    # 优秀案例: the enterprise's primary department and the city office.
    Case(
        "records:select",
        "own",
        url("records:select", own),
        allow([OrgKind.CITY, OrgKind.DEPARTMENT], WRITERS, ok=302),
        method="post",
        data=lambda w: {"selected": "1"},
    ),
    Case(
        "records:select",
        "other",
        url("records:select", other),
        allow([OrgKind.CITY], WRITERS, ok=302),
        method="post",
        data=lambda w: {"selected": "1"},
    ),
    Case("records:file", "own", file_url(own), allow(ALL, BUSINESS)),
    Case("records:file", "other", file_url(other), allow([OrgKind.CITY], BUSINESS)),
    Case("records:file", "own-draft", file_url(own, submit=False), ENT_BUSINESS),
]
