"""Who may open each statistics URL: own unit's table vs another unit's (city office only)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
CITY_BUSINESS = allow([OrgKind.CITY], BUSINESS)
DEPT_OR_CITY = tuple(
    f"{k}:{r}"
    for k, roles in ((OrgKind.CITY, BUSINESS), (OrgKind.DEPARTMENT, BUSINESS))
    for r in roles
    if not (k == OrgKind.DEPARTMENT and r == Role.GRID)
    and not (k == OrgKind.CITY and r == Role.GRID)
)


def _png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG")
    return SimpleUploadedFile("盖章.png", out.getvalue(), content_type="image/png")


def submission(w: Any, unit: Any, *, stamp: bool = False) -> Any:
    from anbiao.core.uploads import store_upload
    from anbiao.stats.models import StatsSubmission
    from anbiao.stats.selectors import default_period

    p = default_period()
    sub, _ = StatsSubmission.objects.get_or_create(
        unit=unit,
        period_start=p.start,
        period_end=p.end,
        defaults={
            "unit_name": unit.name,
            "filler_name": "张三",
            "phone": "0595-86300000",
            "computed": [0] * 15,
            "submitted_at": timezone.now(),
        },
    )
    if stamp and sub.stamp is None:
        sub.stamp = store_upload(_png(), by=None, organization=unit, purpose="stats_stamp")
        sub.save()
    return sub


def own_unit(name: str) -> Any:
    return lambda w: f"{reverse(name)}?unit={w.dept.pk}"


CASES = [
    Case("stats:table", "own", lambda w: reverse("stats:table"), allow(GOV, BUSINESS)),
    Case(
        "stats:table",
        "other",
        lambda w: f"{reverse('stats:table')}?unit={w.town_other.pk}",
        CITY_BUSINESS,
    ),
    Case("stats:drill", "own", lambda w: reverse("stats:drill", args=[1]), allow(GOV, BUSINESS)),
    Case(
        "stats:drill",
        "other",
        lambda w: f"{reverse('stats:drill', args=[3])}?unit={w.dept_other.pk}",
        CITY_BUSINESS,
    ),
    Case(
        "stats:drill_export",
        "own",
        lambda w: reverse("stats:drill_export", args=[1]),
        allow(GOV, BUSINESS),
    ),
    Case(
        "stats:drill_export",
        "other",
        lambda w: f"{reverse('stats:drill_export', args=[3])}?unit={w.dept_other.pk}",
        CITY_BUSINESS,
    ),
    Case(
        "stats:export",
        "own",
        lambda w: reverse("stats:export", args=["xlsx"]),
        allow(GOV, BUSINESS),
    ),
    Case(
        "stats:export",
        "other",
        lambda w: f"{reverse('stats:export', args=['docx'])}?unit={w.dept_other.pk}",
        CITY_BUSINESS,
    ),
    Case("stats:city", "city", lambda w: reverse("stats:city"), CITY_BUSINESS),
    Case(
        "stats:city_export",
        "city",
        lambda w: reverse("stats:city_export", args=["xlsx"]),
        CITY_BUSINESS,
    ),
    Case("stats:submit", "own", lambda w: reverse("stats:submit"), allow(GOV, WRITERS)),
    Case("stats:submissions", "city", lambda w: reverse("stats:submissions"), CITY_BUSINESS),
    Case(
        "stats:submission_detail",
        "own",
        lambda w: reverse("stats:submission_detail", args=[submission(w, w.dept).pk]),
        allow(only=DEPT_OR_CITY),
    ),
    Case(
        "stats:submission_detail",
        "other",
        lambda w: reverse("stats:submission_detail", args=[submission(w, w.town_other).pk]),
        CITY_BUSINESS,
    ),
    Case(
        "stats:submission_return",
        "city",
        lambda w: reverse("stats:submission_return", args=[submission(w, w.dept).pk]),
        allow([OrgKind.CITY], WRITERS, ok=302),
        method="post",
        data=lambda w: {"reason": "数字与台账不符"},
    ),
    Case(
        "stats:submission_accept",
        "city",
        lambda w: reverse("stats:submission_accept", args=[submission(w, w.dept).pk]),
        allow([OrgKind.CITY], WRITERS, ok=302),
        method="post",
        data=lambda w: {},
    ),
    Case(
        "stats:submission_unapprove",
        "city",
        lambda w: reverse("stats:submission_unapprove", args=[submission(w, w.dept).pk]),
        allow([OrgKind.CITY], (Role.ORG_ADMIN, Role.PRINCIPAL), ok=302),
        method="post",
        data=lambda w: {"reason": "发现企业数有误"},
    ),
    Case(
        "stats:submission_stamp",
        "own",
        lambda w: reverse("stats:submission_stamp", args=[submission(w, w.dept, stamp=True).pk]),
        allow(only=DEPT_OR_CITY),
    ),
    Case(
        "stats:submission_stamp",
        "other",
        lambda w: reverse(
            "stats:submission_stamp", args=[submission(w, w.town_other, stamp=True).pk]
        ),
        CITY_BUSINESS,
    ),
]
