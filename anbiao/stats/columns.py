"""The 15 columns of 附件3: for each, the records it counts (a queryset).

Every column has two readings that must agree (the property test checks both against a count
written plainly in the test):

* ``records(scope, period)`` — the queryset of exactly the records the number counts for one
  reporting unit; the drill-down page lists it;
* the numbers themselves, from :mod:`anbiao.stats.consolidate`: a fixed handful of GROUP BY
  queries for every reporting unit at once (the consolidated city table), or the same queries
  filtered first by one unit (one unit's table), so that the number of SQL queries grows with
  neither the number of units nor of enterprises.

Two kinds of columns (the rule is written on the page, see :data:`RULES`):

* "owner" columns (1–6, 11–13): a record counts for a unit when its organization is in the
  unit's scope — the enterprises whose PRIMARY department is the department (or that are
  located in the town), and the unit itself with its sub-units;
* "actor" columns (7–10, 14–15): work done by the unit — inspections made and exposure batches
  published by the unit or its sub-units (the city office: all of them).

Sources that are not built yet (a model or its table missing) make a column *unavailable*: it
shows “—” with a note, never a made-up 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeIs, cast

from django.apps import apps
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.scope import Roots as Roots
from anbiao.orgs.scope import Scope, acted_q, counted_q
from anbiao.orgs.scope import roots_load as roots_load

if TYPE_CHECKING:
    from anbiao.records.models import RecordQuerySet

GOV_KIND_VALUES = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)

# --- the period ----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A statistics period, both dates inclusive (Asia/Shanghai calendar days)."""

    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, end+1 00:00) in local time, for timestamps."""
        tz = timezone.get_current_timezone()
        lo = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return lo, hi

    @property
    def label(self) -> str:
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"

    def query(self) -> str:
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


def owner_q(scope: Scope, path: str) -> Q:
    """Records whose organization (reached by ``path``; "" = the Organization itself) the unit
    counts (:func:`anbiao.orgs.scope.counted_q`)."""
    return counted_q(scope, path)


def actor_q(scope: Scope, path: str) -> Q:
    """Records whose acting unit (reached by ``path``) is the unit or one of its sub-units."""
    return acted_q(scope, path)


# --- which sources exist -------------------------------------------------------------------


@cache
def _tables(alias: str, name: str) -> frozenset[str]:
    with connection.cursor() as cursor:
        return frozenset(connection.introspection.table_names(cursor))


def table_exists(model: type[Model]) -> bool:
    return model._meta.db_table in _tables(connection.alias, connection.settings_dict["NAME"])


def _model(label: str) -> type[Model] | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if table_exists(model) else None


def _has_fields(model: type[Model] | None, *names: str) -> TypeIs[type[Model]]:
    if model is None:
        return False
    for n in names:
        try:
            model._meta.get_field(n)
        except Exception:  # noqa: BLE001 — FieldDoesNotExist: source not (yet) shaped as needed
            return False
    return True


# 督导检查 (columns 7–10): what this app reads from anbiao/inspections and anbiao/rectification.
INSPECTION_MODEL = (
    "inspections.Inspection"  # fields: target → Organization, inspector → Organization, date
)
INSPECTION_TARGET = "target"
INSPECTION_ACTOR = "inspector"
INSPECTION_DATE = "date"
PROBLEM_MODEL = "rectification.Problem"  # field: inspection → Inspection (null for other problems)
PROBLEM_INSPECTION = "inspection"


def _points_to(model: type[Model], name: str, target: type[Model]) -> bool:
    return getattr(model._meta.get_field(name), "related_model", None) is target


def inspection_models() -> tuple[type[Model], type[Model]] | None:
    """The inspection and problem models, when they exist with the fields the columns read."""
    insp = _model(INSPECTION_MODEL)
    prob = _model(PROBLEM_MODEL)
    if not _has_fields(insp, INSPECTION_TARGET, INSPECTION_ACTOR, INSPECTION_DATE):
        return None
    if not _has_fields(prob, PROBLEM_INSPECTION):
        return None
    if not (
        _points_to(insp, INSPECTION_TARGET, Organization)
        and _points_to(insp, INSPECTION_ACTOR, Organization)
        and _points_to(prob, PROBLEM_INSPECTION, insp)
    ):
        return None
    return insp, prob


def inspection_pair() -> tuple[Any, Any]:
    """:func:`inspection_models` where the caller runs only when they exist (the inspection
    columns are available); typed ``Any`` as the models are looked up by label."""
    return cast("tuple[Any, Any]", inspection_models())


def _inspections(period: Period) -> QuerySet[Any]:
    """Inspections dated in the period; only those the app counts (completed) if it says so."""
    insp, _ = inspection_pair()
    counted = getattr(insp.objects, "counted", None)
    qs = counted() if callable(counted) else insp.objects.all()
    return qs.filter(
        **{f"{INSPECTION_DATE}__gte": period.start, f"{INSPECTION_DATE}__lte": period.end}
    )


def _report_source() -> Callable[..., QuerySet[Any]] | None:
    """``anbiao.reports.selectors.finalized_reports(start=, end=)`` (model with ``organization``)."""
    try:
        from anbiao.reports import selectors as report_selectors
    except ImportError:
        return None
    fn = getattr(report_selectors, "finalized_reports", None)
    if fn is None:
        return None
    try:
        model = fn(start=None, end=None).model
    except Exception:  # noqa: BLE001
        return None
    return fn if table_exists(model) and _has_fields(model, "organization") else None


def _enforcement() -> bool:
    return _model("enforcement.ExposureBatch") is not None


def _records() -> bool:
    return _model("records.Record") is not None


def _checklists() -> bool:
    return _model("checklists.ProblemLine") is not None


SOURCE_AVAILABLE: dict[str, Callable[[], bool]] = {
    "checklists": _checklists,
    "reports": lambda: _report_source() is not None,
    "inspections": lambda: inspection_models() is not None,
    "records": _records,
    "enforcement": _enforcement,
}
SOURCE_MISSING_NOTE = {
    "checklists": "“回头看”细则模块尚未启用",
    "reports": "自查自纠报告模块尚未启用",
    "inspections": "督导检查模块尚未启用",
    "records": "经验做法与工作机制模块尚未启用",
    "enforcement": "执法典型案例模块尚未启用",
}


# --- the columns ---------------------------------------------------------------------------


def _lookbacks(period: Period) -> QuerySet[Any]:
    from anbiao.checklists.models import SUBMITTED_STATUSES, Checklist, ChecklistPurpose

    lo, hi = period.bounds()
    return Checklist.objects.filter(
        purpose=ChecklistPurpose.LOOKBACK,
        status__in=SUBMITTED_STATUSES,
        submitted_at__gte=lo,
        submitted_at__lt=hi,
    )


def c01_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Enterprises in scope with a submitted 附件2 look-back in the period."""
    ids = _lookbacks(period).values("organization")
    return Organization.objects.filter(kind=OrgKind.ENTERPRISE, pk__in=ids).filter(
        owner_q(scope, "")
    )


def c02_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Government units in scope (the unit and its sub-units) with a submitted 附件1 look-back."""
    ids = _lookbacks(period).values("organization")
    return Organization.objects.filter(kind__in=GOV_KIND_VALUES, pk__in=ids).filter(
        owner_q(scope, "")
    )


def _problem_lines(period: Period, scope: Scope, *, enterprise: bool) -> QuerySet[Any]:
    """Problem lines of the counted look-backs of organizations in scope (a small IN list of
    checklists first, so the lines are reached through their indexes)."""
    from anbiao.checklists.models import ProblemLine

    kind_q = Q(organization__kind=OrgKind.ENTERPRISE)
    checklists = _lookbacks(period).filter(kind_q if enterprise else ~kind_q)
    checklists = checklists.filter(owner_q(scope, "organization"))
    return ProblemLine.objects.filter(answer__checklist__in=checklists.values("pk"))


def unfrozen_lines(checklists: QuerySet[Any]) -> QuerySet[Any]:
    """The problem lines of those ``checklists`` whose count was not frozen at submission (a
    checklist marked submitted without the submit service, e.g. older data): normally none."""
    from anbiao.checklists.models import ProblemLine

    pks = checklists.filter(problem_count__isnull=True).values("pk")
    return ProblemLine.objects.filter(answer__checklist__in=pks)


def c03_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems (存在问题 lines) recorded in the counted enterprise look-backs."""
    return _problem_lines(period, scope, enterprise=True)


def c04_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems recorded in the counted government look-backs."""
    return _problem_lines(period, scope, enterprise=False)


def _reports(period: Period, *, enterprise: bool) -> QuerySet[Any]:
    fn = _report_source()
    qs = fn(start=period.start, end=period.end)  # type: ignore[misc]
    kind_q = Q(organization__kind=OrgKind.ENTERPRISE)
    return qs.filter(kind_q) if enterprise else qs.exclude(kind_q)


def c05_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Finalized enterprise 自查自纠报告."""
    return _reports(period, enterprise=True).filter(owner_q(scope, "organization"))


def c06_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Finalized government 自查自纠报告."""
    return _reports(period, enterprise=False).filter(owner_q(scope, "organization"))


def _insp(period: Period, *, enterprise: bool) -> QuerySet[Any]:
    kind_q = Q(**{f"{INSPECTION_TARGET}__kind": OrgKind.ENTERPRISE})
    qs = _inspections(period)
    return qs.filter(kind_q) if enterprise else qs.exclude(kind_q)


def _insp_problems_all(period: Period) -> QuerySet[Any]:
    """Counted (not withdrawn) problems of the counted inspections in the period."""
    _, prob = inspection_pair()
    qs = prob.objects.all()
    if callable(getattr(qs, "active", None)):  # withdrawn (已撤销) problems never count
        qs = qs.active()
    return qs.filter(**{f"{PROBLEM_INSPECTION}__in": _inspections(period).values("pk")})


# the problems that never count: the complement of ``Problem.objects.active()`` (已撤销)
PROBLEM_NOT_COUNTED = {"status": "withdrawn"}


def problems_not_counted() -> QuerySet[Any]:
    """Problems that never count (withdrawn): few, so the counted problems of an inspection are
    its links less these (an anti-join) instead of a join to every problem of the city."""
    _, prob = inspection_pair()
    return prob.objects.filter(**PROBLEM_NOT_COUNTED)


def _insp_problems(period: Period, *, enterprise: bool) -> QuerySet[Any]:
    _, prob = inspection_pair()
    qs = prob.objects.all()
    if callable(getattr(qs, "active", None)):  # withdrawn (已撤销) problems never count
        qs = qs.active()
    return qs.filter(
        **{f"{PROBLEM_INSPECTION}__in": _insp(period, enterprise=enterprise).values("pk")}
    )


def c07_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Distinct enterprises inspected by the unit or its sub-units."""
    targets = _insp(period, enterprise=True).filter(actor_q(scope, INSPECTION_ACTOR))
    return Organization.objects.filter(pk__in=targets.values(INSPECTION_TARGET))


def c08_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems found in those enterprise inspections."""
    return _insp_problems(period, enterprise=True).filter(
        actor_q(scope, f"{PROBLEM_INSPECTION}__{INSPECTION_ACTOR}")
    )


def c09_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Distinct government units inspected by the unit or its sub-units."""
    targets = _insp(period, enterprise=False).filter(actor_q(scope, INSPECTION_ACTOR))
    return Organization.objects.filter(pk__in=targets.values(INSPECTION_TARGET))


def c10_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems found in those government inspections."""
    return _insp_problems(period, enterprise=False).filter(
        actor_q(scope, f"{PROBLEM_INSPECTION}__{INSPECTION_ACTOR}")
    )


def _records_counted(period: Period, kind: str) -> RecordQuerySet:
    from anbiao.records.models import Record

    return Record.objects.filter(kind=kind).counted().in_period(period.start, period.end)


def c11_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Enterprise good experiences in scope that carry evidence."""
    return (
        _records_counted(period, "experience")
        .by_enterprises()
        .filter(owner_q(scope, "organization"))
    )


def c12_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Government good experiences in scope that carry evidence."""
    return (
        _records_counted(period, "experience")
        .by_government()
        .filter(owner_q(scope, "organization"))
    )


def c13_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Work mechanisms in scope (enterprises' and government units') that carry evidence."""
    return _records_counted(period, "mechanism").filter(owner_q(scope, "organization"))


def _batches(period: Period) -> QuerySet[Any]:
    from anbiao.enforcement.selectors import published_batches

    return published_batches(start=period.start, end=period.end)


def c14_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Exposure batches published in the period by the unit or its sub-units."""
    return _batches(period).filter(actor_q(scope, "department"))


def c15_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Distinct enterprises exposed in those batches."""
    from anbiao.enforcement.models import EnforcementCase

    batches = c14_records(scope, period).values("pk")
    ids = EnforcementCase.objects.filter(batches__in=batches).values("enterprise_id")
    return Organization.objects.filter(kind=OrgKind.ENTERPRISE, pk__in=ids)


# --- the table's shape ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    no: int
    group: str
    name: str
    source: str
    records: Callable[[Scope, Period], QuerySet[Any]]
    list_kind: str  # what the drill-down lists: org, problem, report, inspection, record, batch
    note: str = ""

    @property
    def code(self) -> str:
        return f"c{self.no:02d}"


GROUPS: tuple[tuple[str, int], ...] = (
    ("开展“回头看”数量", 2),
    ("开展“回头看”自查发现问题", 2),
    ("形成自查自纠报告", 2),
    ("督导检查", 4),
    ("总结好的经验、做法", 2),
    ("建立工作机制", 1),
    ("曝光执法典型案例", 2),
)

_G = [g for g, span in GROUPS for _ in range(span)]

COLUMNS: tuple[Column, ...] = (
    Column(1, _G[0], "企业（家）", "checklists", c01_records, "org"),
    Column(2, _G[1], "政府部门（个）", "checklists", c02_records, "org"),
    Column(
        3,
        _G[2],
        "企业自查发现问题（个）",
        "checklists",
        c03_records,
        "problem_line",
    ),
    Column(
        4,
        _G[3],
        "政府部门自查发现问题（个）",
        "checklists",
        c04_records,
        "problem_line",
    ),
    Column(5, _G[4], "企业（份）", "reports", c05_records, "report"),
    Column(6, _G[5], "政府部门（份）", "reports", c06_records, "report"),
    Column(7, _G[6], "企业（家）", "inspections", c07_records, "org"),
    Column(8, _G[7], "发现问题（个）", "inspections", c08_records, "problem"),
    Column(9, _G[8], "政府部门（个）", "inspections", c09_records, "org"),
    Column(10, _G[9], "发现问题（个）", "inspections", c10_records, "problem"),
    Column(11, _G[10], "企业（条）", "records", c11_records, "record"),
    Column(12, _G[11], "政府部门（条）", "records", c12_records, "record"),
    Column(13, _G[12], "个数", "records", c13_records, "record"),
    Column(14, _G[13], "批数", "enforcement", c14_records, "batch"),
    Column(15, _G[14], "家数", "enforcement", c15_records, "org"),
)
COLUMN_BY_NO = {c.no: c for c in COLUMNS}

# The 统计口径 box: the rules chosen where the campaign documents are silent.
RULES: tuple[str, ...] = (
    "统计范围：市安委办为全市；成员单位为其作为主管部门（主管部门以企业底数台账中的“主管部门”为准，"
    "其他监管部门不计）的企业，以及本单位和下属单位；乡镇（街道、开发区）为辖区内企业，以及本单位和下属单位。",
    "第1—4列：“回头看”细则以最近一次提交时间归入统计期；已退回修改、尚未重新提交的不计；"
    "企业填报附件2，政府部门填报附件1；同一单位在统计期内多次提交只计1家（个）。",
    "第3、4列：计入上述已提交细则中逐条登记的“存在问题”。",
    "第5、6列：计入统计期内定稿的自查自纠报告。",
    "第7—10列：计入本单位及下属单位在统计期内（按检查日期）开展并已完成的督导检查；同一企业（单位）被多次检查只计1家（个），"
    "发现问题按检查登记的整改问题逐条计数，已撤销的问题不计。",
    "第11—13列：只计已提交且附有佐证材料的经验做法和工作机制，按记录日期归入统计期。",
    "第14、15列：计入本单位及下属单位在统计期内（按曝光日期）发布的曝光批次；家数为这些批次中不重复的企业数。",
    "汇总表中，一家企业同时计入其主管部门和所在乡镇，各行直接相加会重复计算；全市合计按全市范围一次计算，每家企业只计一次。",
)


_SOURCE_CHECKED: dict[tuple[Any, ...], bool] = {}


@dataclass
class Availability:
    """Which columns can be computed now (one introspection query, cached per process)."""

    ok: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def now(cls) -> Availability:
        db = (connection.alias, connection.settings_dict["NAME"])
        by_source = {}
        for name, fn in SOURCE_AVAILABLE.items():
            # like the table list, each check's answer is kept per process and database
            key = (fn, *db)
            if key not in _SOURCE_CHECKED:
                _SOURCE_CHECKED[key] = fn()
            by_source[name] = _SOURCE_CHECKED[key]
        return cls(ok={c.no: by_source[c.source] for c in COLUMNS})

    def note(self, no: int) -> str:
        return "" if self.ok.get(no) else SOURCE_MISSING_NOTE[COLUMN_BY_NO[no].source]
