"""Reads of problems, always through a scope. Used by the views, statistics and reports.

For other apps (statistics 附件3, 自查自纠报告), the stable entry points are:

- :func:`problems_for_user` — problems the user may see (404 scope of the views).
- :func:`problems_for_unit` — problems in the statistics scope of a reporting unit
  (domain.md: city → all; department → enterprises whose PRIMARY department is it or one of its
  sub-units, plus itself and its sub-units; town → enterprises located in it, plus itself and its
  sub-units; enterprise → itself). Active problems only (已撤销 never counts).
- :func:`problems_of` — one unit's own active problems (optionally one campaign, sources).
- :func:`problems_in_submitted_lookbacks` — narrows to problems recorded in look-backs that
  count as submitted (附件3 columns 3–4: filter further by ``source``).
- :func:`status_counts` — {status: n} plus "open", "overdue", "total" for a queryset.
- :func:`problems_by_section` — one organization's look-back problems in one campaign,
  grouped by checklist section (项目), in clause order: the 自查自纠报告's “问题清单”.
- :func:`open_trend` — open count per day/week (动态清零), from the timeline in two queries.
- :func:`problems_verified_by` / :func:`extensions_to_decide` — what a unit verifies, and the
  extension requests (延期申请) waiting for its decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from anbiao.core.access import (
    get_in_scope_or_404,
    organizations_for_user,
    own_unit_ids,
)
from anbiao.orgs import scope
from anbiao.orgs.models import Organization, OrgKind
from anbiao.rectification.models import (
    OPEN_STATUSES,
    DeadlineExtension,
    ExtensionStatus,
    Problem,
    ProblemQuerySet,
    ProblemStatus,
    ProblemTransition,
    local_today,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign

LIST_RELATED = (
    "organization__enterprise__town",
    "organization__enterprise__department",
    "clause__item",
    "checklist",
    "verified_by",
)
STATUS_ORDER = Case(
    *[
        When(status=s, then=Value(i))
        for i, s in enumerate(
            [
                ProblemStatus.PENDING,
                ProblemStatus.IN_PROGRESS,
                ProblemStatus.AWAITING,
                ProblemStatus.CLOSED,
                ProblemStatus.WITHDRAWN,
            ]
        )
    ],
    output_field=IntegerField(),
)
SORTS = {
    "recorded": ("recorded_at",),
    "-recorded": ("-recorded_at",),
    "deadline": ("deadline",),
    "-deadline": ("-deadline",),
    "status": ("status_order",),
    "-status": ("-status_order",),
    "grade": ("grade",),  # general < major
    "-grade": ("-grade",),
    "org": ("organization__name",),
    "-org": ("-organization__name",),
    "overdue": ("-overdue", "deadline"),
}
DEFAULT_SORT = "overdue"


# --- scopes --------------------------------------------------------------------------------


def problems_for_user(user: User, *, include_withdrawn: bool = False) -> ProblemQuerySet:
    """Problems of organizations the user may see (own unit and sub-units, enterprises in scope)."""
    qs = Problem.objects.filter(organization__in=organizations_for_user(user).values("pk"))
    return qs if include_withdrawn else qs.active()


def problem_get(*, user: User, pk: Any) -> Problem:
    """One problem in the user's scope (withdrawn ones too: their history stays visible), or 404."""
    qs = problems_for_user(user, include_withdrawn=True).select_related(
        *LIST_RELATED, "recorded_by", "recorded_org", "clause__item__section", "contingency_file"
    )
    return get_in_scope_or_404(qs.with_overdue(), pk=pk)


def problems_verified_by(user: User) -> ProblemQuerySet:
    """Active problems whose verifier is the user's unit (as ``rules.is_verifier``): for the
    city office every unit's but its own, for a department its enterprises' (primary
    department, sub-units included); a town verifies none."""
    org = user.organization
    qs = Problem.objects.active()
    if org is None:
        return qs.none()
    qs = qs.exclude(organization=org)
    if org.kind == OrgKind.CITY:
        return qs
    if org.kind == OrgKind.DEPARTMENT:
        enterprises = Q(organization__kind=OrgKind.ENTERPRISE)
        counted = scope.counted_orgs_q(org.kind, own_unit_ids(user), "organization")
        return qs.filter(enterprises & counted)
    return qs.none()


def extensions_to_decide(user: User) -> QuerySet[DeadlineExtension]:
    """Pending extension requests of open problems the user's unit verifies, oldest first."""
    from anbiao.rectification.deadlines import OPEN_FOR_DECISION

    problems = problems_verified_by(user).filter(status__in=OPEN_FOR_DECISION)
    return (
        DeadlineExtension.objects.filter(
            status=ExtensionStatus.PENDING, problem__in=problems.values("pk")
        )
        .select_related("problem__organization", "requested_by")
        .order_by("requested_at", "id")
    )


def last_rejection(problem: Problem) -> ProblemTransition | None:
    """The 验收不通过 step a problem 整改中 is in because of (None when not sent back)."""
    if problem.status != ProblemStatus.IN_PROGRESS:
        return None
    last = (
        problem.transitions.filter(action__in=("reject", "submit"))
        .select_related("by", "by_org")
        .order_by("-at", "-id")
        .first()
    )
    return last if last is not None and last.action == "reject" else None


def problems_for_unit(unit: Organization) -> ProblemQuerySet:
    """Active problems in the statistics scope of a reporting unit (see the module docstring)."""
    qs = Problem.objects.active()
    if unit.kind == OrgKind.ENTERPRISE:
        return qs.filter(organization=unit)
    return qs.filter(scope.counted_q(scope.Scope.of(unit), "organization"))


def problems_of(
    *, organization: Organization, campaign: Campaign | None = None, sources: Any = None
) -> ProblemQuerySet:
    """One unit's own active problems (any source), optionally of one campaign / sources.

    For the 自查自纠报告's “尚未销号的问题及计划”: ``problems_of(...).open().with_overdue()``.
    Inspection problems carry the campaign only when the inspections app passes it.
    """
    qs = Problem.objects.active().filter(organization=organization)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if sources:
        qs = qs.filter(source__in=list(sources))
    return qs.select_related("clause__item__section", "verified_by")


def problems_in_submitted_lookbacks(qs: ProblemQuerySet) -> ProblemQuerySet:
    """Problems recorded in look-backs counted as submitted (submitted or accepted)."""
    from anbiao.checklists.models import SUBMITTED_STATUSES

    return qs.filter(checklist__purpose="lookback", checklist__status__in=SUBMITTED_STATUSES)


# --- lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemFilter:
    q: str = ""
    status: str = ""  # a ProblemStatus value, or "open" (未销号)
    grade: str = ""
    source: str = ""
    town: str = ""
    department: str = ""
    size_class: str = ""
    overdue: str = ""  # "", "1", "0"
    organization: str = ""
    sort: str = DEFAULT_SORT


def problem_filter(qs: ProblemQuerySet, f: ProblemFilter, *, today: date | None = None) -> Any:
    """Apply the list filters except status (so the state counts stay meaningful)."""
    today = today or local_today()
    q = f.q.strip()
    if q:
        qs = qs.filter(
            Q(description__icontains=q)
            | Q(organization__name__icontains=q)
            | Q(responsible_person__icontains=q)
        )
    if f.grade:
        qs = qs.filter(grade=f.grade)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.town:  # the town's enterprises and the town itself (its sub-units not included)
        qs = qs.filter(scope.counted_orgs_q(OrgKind.TOWN, [f.town], "organization"))
    if f.department:
        qs = qs.filter(scope.counted_orgs_q(OrgKind.DEPARTMENT, [f.department], "organization"))
    if f.size_class:
        qs = qs.filter(organization__enterprise__size_class=f.size_class)
    if f.organization:
        qs = qs.filter(organization_id=f.organization)
    if f.overdue == "1":
        qs = qs.overdue(today)
    elif f.overdue == "0":
        qs = qs.exclude(pk__in=Problem.objects.overdue(today).values("pk"))
    return qs


def problem_list(*, user: User, filters: ProblemFilter, today: date | None = None) -> Any:
    """Problems in the user's scope, filtered, annotated ``overdue``, sorted."""
    qs = problem_filter(problems_for_user(user), filters, today=today)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return (
        qs.with_overdue(today)
        .annotate(status_order=STATUS_ORDER)
        .select_related(*LIST_RELATED)
        .order_by(*order, "-recorded_at", "id")
    )


def status_counts(qs: QuerySet[Problem], *, today: date | None = None) -> dict[str, int]:
    """{status value: n, "open": n, "overdue": n, "total": n} in one query."""
    today = today or local_today()
    aggregates = {s: Count("pk", filter=Q(status=s)) for s in ProblemStatus.values}
    aggregates["open"] = Count("pk", filter=Q(status__in=OPEN_STATUSES))
    aggregates["overdue"] = Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today))
    aggregates["total"] = Count("pk", filter=~Q(status=ProblemStatus.WITHDRAWN))
    return qs.order_by().aggregate(**aggregates)


def open_and_overdue(qs: QuerySet[Problem], *, today: date | None = None) -> tuple[int, int]:
    counts = status_counts(qs, today=today)
    return counts["open"], counts["overdue"]


# --- 自查自纠报告 ---------------------------------------------------------------------------


@dataclass
class SectionProblems:
    """One checklist section (项目) and the problems recorded under its clauses."""

    section: Any
    problems: list[Problem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.problems)

    @property
    def open_count(self) -> int:
        return sum(p.is_open for p in self.problems)

    @property
    def closed_count(self) -> int:
        return sum(p.status == ProblemStatus.CLOSED for p in self.problems)


def problems_by_section(
    *, organization: Organization, campaign: Campaign | None
) -> list[SectionProblems]:
    """The unit's active look-back problems of ``campaign`` grouped by section, clause order.

    Each Problem carries ``clause`` (``clause.code`` → “12.（1）”), ``description``, ``grade``,
    五定 (``responsible_person``, ``deadline`` …), ``status`` and ``is_overdue``. Sections
    without problems are left out. One query.
    """
    qs = (
        Problem.objects.active()
        .filter(organization=organization, checklist__purpose="lookback", clause__isnull=False)
        .select_related("clause__item__section")
        .with_overdue()
        .order_by("clause__position", "recorded_at", "id")
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    groups: dict[Any, SectionProblems] = {}
    for p in qs:
        assert p.clause is not None  # clause__isnull=False
        section = p.clause.item.section
        groups.setdefault(section.pk, SectionProblems(section=section)).problems.append(p)
    return sorted(groups.values(), key=lambda g: g.section.position)


# --- 动态清零 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    day: date
    open: int


def open_trend(
    qs: QuerySet[Problem], *, start: date, end: date, step_days: int = 1
) -> list[TrendPoint]:
    """Open problems at the end of each day (or each ``step_days``) from ``start`` to ``end``.

    Two grouped queries over the timeline (rows that open a problem: ``record`` and
    ``reopen``; rows ending in 已销号/已撤销), cumulated in Python: no query per day. Dates are
    Asia/Shanghai.
    """
    ids = qs.order_by().values("pk")
    opened = (
        ProblemTransition.objects.filter(problem__in=ids, action__in=("record", "reopen"))
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    ended = (
        ProblemTransition.objects.filter(
            problem__in=ids,
            to_status__in=(ProblemStatus.CLOSED, ProblemStatus.WITHDRAWN),
        )
        .exclude(from_status=ProblemStatus.CLOSED)
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    delta: dict[date, int] = defaultdict(int)
    before = 0
    for row in opened:
        if row["day"] < start:
            before += row["n"]
        else:
            delta[row["day"]] += row["n"]
    for row in ended:
        if row["day"] < start:
            before -= row["n"]
        else:
            delta[row["day"]] -= row["n"]
    points: list[TrendPoint] = []
    running = before
    day = start
    pending_days = sorted(d for d in delta if d <= end)
    i = 0
    while day <= end:
        step_end = min(day + timedelta(days=step_days - 1), end)
        while i < len(pending_days) and pending_days[i] <= step_end:
            running += delta[pending_days[i]]
            i += 1
        points.append(TrendPoint(step_end, running))
        day = step_end + timedelta(days=1)
    return points


@dataclass
class ZeroingRow:
    key: Any
    name: str
    open: int = 0
    overdue: int = 0
    awaiting: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.closed

    @property
    def percent_closed(self) -> int:
        return round(100 * self.closed / self.total) if self.total else 100


GROUPINGS = {
    "town": ("organization__enterprise__town_id", "organization__enterprise__town__name"),
    "department": (
        "organization__enterprise__department_id",
        "organization__enterprise__department__name",
    ),
    "enterprise": ("organization_id", "organization__name"),
}
GROUPING_LABELS = {"town": "乡镇/街道", "department": "主管部门", "enterprise": "单位"}


def zeroing_rows(qs: QuerySet[Problem], *, by: str, today: date | None = None) -> list[ZeroingRow]:
    """Open/overdue/closed counts per town, department or unit; overdue first, then open.

    Problems of government units (no enterprise) fall under “政府部门自身” for town/department.
    """
    today = today or local_today()
    key, name = GROUPINGS.get(by, GROUPINGS["town"])
    rows = (
        qs.order_by()
        .values(key, name)
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
            awaiting=Count("pk", filter=Q(status=ProblemStatus.AWAITING)),
            closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
        )
    )
    result = [
        ZeroingRow(
            key=r[key],
            name=r[name] or "政府部门自身",
            open=r["open"],
            overdue=r["overdue"],
            awaiting=r["awaiting"],
            closed=r["closed"],
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r.overdue, -r.open, r.name))
