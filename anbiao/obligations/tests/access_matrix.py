import datetime as dt

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.obligations.models import ExtensionStatus
from anbiao.obligations.tests import builders as b
from anbiao.orgs.models import OrgKind

ALL = tuple(OrgKind.values)
GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
FUTURE = dt.date(2099, 9, 30)


def campaign_url(name):  # noqa: ANN001, ANN201
    return lambda w: reverse(name, args=["lookback_ent", str(b.campaign().pk)])


def month_url(name):  # noqa: ANN001, ANN201
    return lambda w: reverse(name, args=["case_month", "2099-09"])


def task_url(name, other):  # noqa: ANN001, ANN201
    """A task of the department (own) or of the other department (other) to its enterprise."""

    def build(w):  # noqa: ANN001, ANN202
        dept, ent = (w.dept_other, w.ent_other) if other else (w.dept, w.ent)
        return reverse(name, args=["task", str(b.task_period(dept, [ent.organization], FUTURE).pk)])

    return build


def ext(w, other):  # noqa: ANN001, ANN202
    dept, ent = (w.dept_other, w.ent_other) if other else (w.dept, w.ent)
    p = b.task_period(dept, [ent.organization], FUTURE)
    return b.extension(
        "task", p.pk, ent.organization, dept, to=FUTURE, status=ExtensionStatus.PENDING
    )


def ext_url(name, other):  # noqa: ANN001, ANN201
    return lambda w: reverse(name, args=[ext(w, other).pk])


CASES = [
    Case("obligations:list", "scope", lambda w: reverse("obligations:list"), allow(ALL, BUSINESS)),
    Case(
        "obligations:detail", "campaign", campaign_url("obligations:detail"), allow(GOV, BUSINESS)
    ),
    Case(
        "obligations:detail",
        "month",
        month_url("obligations:detail"),
        allow((OrgKind.CITY, OrgKind.DEPARTMENT), BUSINESS),
    ),
    Case(
        "obligations:detail",
        "own",
        task_url("obligations:detail", False),
        allow((OrgKind.CITY, OrgKind.DEPARTMENT), BUSINESS),
    ),
    Case(
        "obligations:detail",
        "other",
        task_url("obligations:detail", True),
        allow((OrgKind.CITY,), BUSINESS),
    ),
    Case(
        "obligations:detail",
        "unknown",
        lambda w: reverse("obligations:detail", args=["lookback_ent", "999999"]),
        nobody(),
    ),
    Case(
        "obligations:export", "campaign", campaign_url("obligations:export"), allow(GOV, BUSINESS)
    ),
    Case(
        "obligations:export",
        "other",
        task_url("obligations:export", True),
        allow((OrgKind.CITY,), BUSINESS),
    ),
    Case(
        "obligations:extension_request",
        "own",
        task_url("obligations:extension_request", False),
        allow((OrgKind.ENTERPRISE,), WRITERS),
    ),
    Case(
        "obligations:extension_request",
        "other",
        task_url("obligations:extension_request", True),
        nobody(),
    ),
    Case(
        "obligations:extension_list",
        "scope",
        lambda w: reverse("obligations:extension_list"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "obligations:extension_detail",
        "own",
        ext_url("obligations:extension_detail", False),
        allow((OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.ENTERPRISE), BUSINESS),
    ),
    Case(
        "obligations:extension_detail",
        "other",
        ext_url("obligations:extension_detail", True),
        allow((OrgKind.CITY,), BUSINESS),
    ),
    Case(
        "obligations:extension_decide",
        "own",
        ext_url("obligations:extension_decide", False),
        allow((OrgKind.DEPARTMENT,), WRITERS, ok=302),
        method="post",
        data=lambda w: {"grant": "1", "note": "同意"},
    ),
    Case(
        "obligations:extension_decide",
        "other",
        ext_url("obligations:extension_decide", True),
        nobody(),
        method="post",
        data=lambda w: {"grant": "1", "note": "同意"},
    ),
]
