from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.orgs.models import OrgKind
from anbiao.tasks_reporting.tests import builders as b

ALL = tuple(OrgKind.values)
ISSUERS = (OrgKind.CITY, OrgKind.DEPARTMENT)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
DEPT = [OrgKind.DEPARTMENT]


def _dept_task(w, other=False):  # noqa: ANN001, ANN202
    """A task issued by the department (own) or by the other department (other) to its enterprise."""
    if other:
        return b.task(w.dept_other, [w.ent_other.organization])
    return b.task(w.dept, [w.ent.organization])


def _sub(w, other=False):  # noqa: ANN001, ANN202
    t = _dept_task(w, other)
    ent = w.ent_other if other else w.ent
    return b.submission(b.period(t), ent.organization)


def task_url(other):  # noqa: ANN001, ANN201
    return lambda w: reverse("reporting:task_detail", args=[_dept_task(w, other).pk])


def edit_url(other):  # noqa: ANN001, ANN201
    return lambda w: reverse("reporting:task_edit", args=[_dept_task(w, other).pk])


def period_url(name, other):  # noqa: ANN001, ANN201
    return lambda w: reverse(name, args=[b.period(_dept_task(w, other)).pk])


def sub_url(name, other, with_file=False):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        s = _sub(w, other)
        args = [s.pk] + ([s.files.first().pk] if with_file else [])
        return reverse(name, args=args)

    return build


def mine_url(name, other, with_file=False):  # noqa: ANN001, ANN201
    """A city task to the enterprise (own) or to the other enterprise (other)."""

    def build(w):  # noqa: ANN001, ANN202
        ent = w.ent_other if other else w.ent
        t = b.task(w.city, [ent.organization])
        p = b.period(t)
        s = b.submission(p, ent.organization, submitted=False)
        args = [p.pk] + ([s.files.first().pk] if with_file else [])
        return reverse(name, args=args)

    return build


CASES = [
    Case(
        "reporting:task_list",
        "scope",
        lambda w: reverse("reporting:task_list"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "reporting:task_create",
        "form",
        lambda w: reverse("reporting:task_create"),
        allow(ISSUERS, WRITERS),
    ),
    Case("reporting:task_detail", "own", task_url(False), allow(DEPT, BUSINESS)),
    Case("reporting:task_detail", "other", task_url(True), nobody()),
    Case("reporting:task_edit", "own", edit_url(False), allow(DEPT, WRITERS)),
    Case("reporting:task_edit", "other", edit_url(True), nobody()),
    Case(
        "reporting:period_detail",
        "own",
        period_url("reporting:period_detail", False),
        allow(DEPT, BUSINESS),
    ),
    Case("reporting:period_detail", "other", period_url("reporting:period_detail", True), nobody()),
    Case(
        "reporting:period_zip",
        "own",
        period_url("reporting:period_zip", False),
        allow(DEPT, BUSINESS),
    ),
    Case("reporting:period_zip", "other", period_url("reporting:period_zip", True), nobody()),
    Case(
        "reporting:submission_return",
        "own",
        sub_url("reporting:submission_return", False),
        allow(DEPT, WRITERS, ok=302),
        method="post",
        data=lambda w: {"reason": "材料不全"},
    ),
    Case(
        "reporting:submission_return",
        "other",
        sub_url("reporting:submission_return", True),
        nobody(),
        method="post",
        data=lambda w: {"reason": "材料不全"},
    ),
    Case(
        "reporting:issued_file",
        "own",
        sub_url("reporting:issued_file", False, True),
        allow(DEPT, BUSINESS),
    ),
    Case("reporting:issued_file", "other", sub_url("reporting:issued_file", True, True), nobody()),
    Case(
        "reporting:my_period",
        "own",
        mine_url("reporting:my_period", False),
        allow([OrgKind.ENTERPRISE], BUSINESS),
    ),
    Case("reporting:my_period", "other", mine_url("reporting:my_period", True), nobody()),
    Case(
        "reporting:my_file",
        "own",
        mine_url("reporting:my_file", False, True),
        allow([OrgKind.ENTERPRISE], BUSINESS),
    ),
    Case("reporting:my_file", "other", mine_url("reporting:my_file", True, True), nobody()),
    Case(
        "reporting:my_file_remove",
        "own",
        mine_url("reporting:my_file_remove", False, True),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "reporting:my_file_remove",
        "other",
        mine_url("reporting:my_file_remove", True, True),
        nobody(),
        method="post",
    ),
]
