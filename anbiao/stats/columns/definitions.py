"""The 15 columns of 附件3, each defined once.

A column says which rows it reads (a :class:`Source`), what it adds up over them (a
:class:`Measure`), whose rows (an enterprise's, a government unit's, both), the queryset of
exactly the records it counts for one reporting unit (``records``: the drill-down list), and the
lines of the 统计口径 box that explain it. :mod:`anbiao.stats.table` computes the whole table
from these definitions; to add or change a column, change it here (docs/DEVELOPING.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anbiao.orgs.models import Organization, OrgKind
from anbiao.orgs.scope import GOV_KINDS, Scope, acted_q, counted_q
from anbiao.stats.columns import sources
from anbiao.stats.columns.column import BOTH, ENTERPRISE, GOVERNMENT, Column, Measure, Source
from anbiao.stats.columns.period import Period
from anbiao.stats.models import TallySource

# --- the sources -------------------------------------------------------------------------------

LOOKBACKS = Source(
    "lookbacks",
    sources.lookbacks,
    owner="organization",
    tally=TallySource.LOOKBACKS,
    tally_exact=sources.one_campaign,
)
UNFROZEN_LINES = Source(
    "unfrozen_lines",
    sources.unfrozen_lines,
    owner="answer__checklist__organization",
    stamped="answer__checklist",
    present=sources.any_unfrozen,
)
REPORTS = Source("reports", sources.reports, owner="organization", tally=TallySource.REPORTS)
EXPERIENCE_RECORDS = Source(
    "experiences", sources.experiences, owner="organization", tally=TallySource.EXPERIENCES
)
MECHANISM_RECORDS = Source(
    "mechanisms", sources.mechanisms, owner="organization", tally=TallySource.MECHANISMS
)
INSPECTIONS = Source("inspections", sources.inspections, actor="inspector", about="target")
BATCHES = Source("batches", sources.batches, actor="department")
EXPOSED = Source("exposed", sources.exposures, actor="exposurebatch__department")

# --- what the columns add up ---------------------------------------------------------------------

# each unit once, however many rows (in the tally: its rows, when they are one campaign's)
ORGANIZATIONS = Measure("organization", distinct=True, tallied="n")
ROWS = Measure("*", tallied="n")
# columns 3–4: the 存在问题 lines a look-back froze when it was submitted, and the lines of the
# look-backs marked submitted without the submit service (no frozen count; normally none)
FROZEN_LINES = Measure("problem_count", total=True, tallied="problems")
LOOKBACK_PROBLEMS = ((LOOKBACKS, FROZEN_LINES), (UNFROZEN_LINES, ROWS))
TARGETS = Measure("target", distinct=True)
# columns 8 and 10: the problems an inspection found that count, as its stored count (kept with
# every write that changes it, ADR 0014); the drill-down lists the problems themselves
FOUND_PROBLEMS = Measure("counted_problems", total=True)
EXPOSED_ENTERPRISES = Measure("enforcementcase__enterprise", distinct=True)

# --- the 统计口径 box ------------------------------------------------------------------------------

SCOPE_RULE = (
    "统计范围：市安委办为全市；成员单位为其作为主管部门（主管部门以企业底数台账中的“主管部门”为准，"
    "其他监管部门不计）的企业，以及本单位和下属单位；乡镇（街道、开发区）为辖区内企业，以及本单位和下属单位。"
)
LOOKBACK_RULE = (
    "第1—4列：“回头看”细则以最近一次提交时间归入统计期；已退回修改、尚未重新提交的不计；"
    "企业填报附件2，政府部门填报附件1；同一单位在统计期内多次提交只计1家（个）。"
)
PROBLEM_LINE_RULE = "第3、4列：计入上述已提交细则中逐条登记的“存在问题”。"
REPORT_RULE = "第5、6列：计入统计期内定稿的自查自纠报告。"
INSPECTION_RULE = (
    "第7—10列：计入本单位及下属单位在统计期内（按检查日期）开展并已完成的督导检查；同一企业（单位）被多次检查只计1家（个），"
    "发现问题按检查登记的整改问题逐条计数，已撤销的问题不计。"
)
RECORD_RULE = "第11—13列：只计已提交且附有佐证材料的经验做法和工作机制，按记录日期归入统计期。"
ENFORCEMENT_RULE = "第14、15列：计入本单位及下属单位在统计期内（按曝光日期）发布的曝光批次；家数为这些批次中不重复的企业数。"
TOTAL_RULE = "汇总表中，一家企业同时计入其主管部门和所在乡镇，各行直接相加会重复计算；全市合计按全市范围一次计算，每家企业只计一次。"

# --- the records of each column, for one reporting unit (the drill-down lists) -------------------

ENTERPRISES = Q(kind=OrgKind.ENTERPRISE)
GOVERNMENTS = Q(kind__in=GOV_KINDS)


def _of(path: str, of: str) -> Q:
    """Rows whose organization (reached by ``path``) is an enterprise / not one."""
    q = Q(**{f"{path}__kind": OrgKind.ENTERPRISE})
    return q if of == ENTERPRISE else ~q


def c01_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Enterprises in scope with a submitted 附件2 look-back in the period."""
    ids = sources.lookbacks(period).values("organization")
    return Organization.objects.filter(ENTERPRISES, pk__in=ids).filter(counted_q(scope))


def c02_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Government units in scope (the unit and its sub-units) with a submitted 附件1 look-back."""
    ids = sources.lookbacks(period).values("organization")
    return Organization.objects.filter(GOVERNMENTS, pk__in=ids).filter(counted_q(scope))


def _problem_lines(scope: Scope, period: Period, of: str) -> QuerySet[Any]:
    looks = sources.lookbacks(period).filter(_of("organization", of))
    return sources.problem_lines(looks.filter(counted_q(scope, "organization")))


def c03_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems (存在问题 lines) recorded in the counted enterprise look-backs."""
    return _problem_lines(scope, period, ENTERPRISE)


def c04_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems recorded in the counted government look-backs."""
    return _problem_lines(scope, period, GOVERNMENT)


def c05_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Finalized enterprise 自查自纠报告."""
    qs = sources.reports(period).filter(_of("organization", ENTERPRISE))
    return qs.filter(counted_q(scope, "organization"))


def c06_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Finalized government 自查自纠报告."""
    qs = sources.reports(period).filter(_of("organization", GOVERNMENT))
    return qs.filter(counted_q(scope, "organization"))


def _inspected(scope: Scope, period: Period, of: str) -> QuerySet[Any]:
    done = sources.inspections(period).filter(_of("target", of), acted_q(scope, "inspector"))
    return Organization.objects.filter(pk__in=done.values("target"))


def _inspection_problems(scope: Scope, period: Period, of: str) -> QuerySet[Any]:
    done = sources.inspections(period).filter(_of("target", of), acted_q(scope, "inspector"))
    return done.problems()


def c07_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Distinct enterprises inspected by the unit or its sub-units."""
    return _inspected(scope, period, ENTERPRISE)


def c08_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems found in those enterprise inspections."""
    return _inspection_problems(scope, period, ENTERPRISE)


def c09_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Distinct government units inspected by the unit or its sub-units."""
    return _inspected(scope, period, GOVERNMENT)


def c10_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Problems found in those government inspections."""
    return _inspection_problems(scope, period, GOVERNMENT)


def c11_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Enterprise good experiences in scope that carry evidence."""
    return sources.experiences(period).by_enterprises().filter(counted_q(scope, "organization"))


def c12_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Government good experiences in scope that carry evidence."""
    return sources.experiences(period).by_government().filter(counted_q(scope, "organization"))


def c13_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Work mechanisms in scope (enterprises' and government units') that carry evidence."""
    return sources.mechanisms(period).filter(counted_q(scope, "organization"))


def c14_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Exposure batches published in the period by the unit or its sub-units."""
    return sources.batches(period).filter(acted_q(scope, "department"))


def c15_records(scope: Scope, period: Period) -> QuerySet[Any]:
    """Distinct enterprises exposed in those batches."""
    pairs = sources.exposures(period).filter(acted_q(scope, "exposurebatch__department"))
    return Organization.objects.filter(
        ENTERPRISES, pk__in=pairs.values("enforcementcase__enterprise")
    )


# --- the table ---------------------------------------------------------------------------------

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
    Column(
        no=1,
        group=_G[0],
        name="企业（家）",
        counts=((LOOKBACKS, ORGANIZATIONS),),
        of=ENTERPRISE,
        records=c01_records,
        list_kind="org",
        rules=(LOOKBACK_RULE,),
    ),
    Column(
        no=2,
        group=_G[1],
        name="政府部门（个）",
        counts=((LOOKBACKS, ORGANIZATIONS),),
        of=GOVERNMENT,
        records=c02_records,
        list_kind="org",
        rules=(LOOKBACK_RULE,),
    ),
    Column(
        no=3,
        group=_G[2],
        name="企业自查发现问题（个）",
        counts=LOOKBACK_PROBLEMS,
        of=ENTERPRISE,
        records=c03_records,
        list_kind="problem_line",
        rules=(LOOKBACK_RULE, PROBLEM_LINE_RULE),
    ),
    Column(
        no=4,
        group=_G[3],
        name="政府部门自查发现问题（个）",
        counts=LOOKBACK_PROBLEMS,
        of=GOVERNMENT,
        records=c04_records,
        list_kind="problem_line",
        rules=(LOOKBACK_RULE, PROBLEM_LINE_RULE),
    ),
    Column(
        no=5,
        group=_G[4],
        name="企业（份）",
        counts=((REPORTS, ROWS),),
        of=ENTERPRISE,
        records=c05_records,
        list_kind="report",
        rules=(REPORT_RULE,),
    ),
    Column(
        no=6,
        group=_G[5],
        name="政府部门（份）",
        counts=((REPORTS, ROWS),),
        of=GOVERNMENT,
        records=c06_records,
        list_kind="report",
        rules=(REPORT_RULE,),
    ),
    Column(
        no=7,
        group=_G[6],
        name="企业（家）",
        counts=((INSPECTIONS, TARGETS),),
        of=ENTERPRISE,
        records=c07_records,
        list_kind="org",
        rules=(INSPECTION_RULE,),
    ),
    Column(
        no=8,
        group=_G[7],
        name="发现问题（个）",
        counts=((INSPECTIONS, FOUND_PROBLEMS),),
        of=ENTERPRISE,
        records=c08_records,
        list_kind="problem",
        rules=(INSPECTION_RULE,),
    ),
    Column(
        no=9,
        group=_G[8],
        name="政府部门（个）",
        counts=((INSPECTIONS, TARGETS),),
        of=GOVERNMENT,
        records=c09_records,
        list_kind="org",
        rules=(INSPECTION_RULE,),
    ),
    Column(
        no=10,
        group=_G[9],
        name="发现问题（个）",
        counts=((INSPECTIONS, FOUND_PROBLEMS),),
        of=GOVERNMENT,
        records=c10_records,
        list_kind="problem",
        rules=(INSPECTION_RULE,),
    ),
    Column(
        no=11,
        group=_G[10],
        name="企业（条）",
        counts=((EXPERIENCE_RECORDS, ROWS),),
        of=ENTERPRISE,
        records=c11_records,
        list_kind="record",
        rules=(RECORD_RULE,),
    ),
    Column(
        no=12,
        group=_G[11],
        name="政府部门（条）",
        counts=((EXPERIENCE_RECORDS, ROWS),),
        of=GOVERNMENT,
        records=c12_records,
        list_kind="record",
        rules=(RECORD_RULE,),
    ),
    Column(
        no=13,
        group=_G[12],
        name="个数",
        counts=((MECHANISM_RECORDS, ROWS),),
        of=BOTH,
        records=c13_records,
        list_kind="record",
        rules=(RECORD_RULE,),
    ),
    Column(
        no=14,
        group=_G[13],
        name="批数",
        counts=((BATCHES, ROWS),),
        of=BOTH,
        records=c14_records,
        list_kind="batch",
        rules=(ENFORCEMENT_RULE,),
    ),
    Column(
        no=15,
        group=_G[14],
        name="家数",
        counts=((EXPOSED, EXPOSED_ENTERPRISES),),
        of=BOTH,
        records=c15_records,
        list_kind="org",
        rules=(ENFORCEMENT_RULE,),
    ),
)
COLUMN_BY_NO = {c.no: c for c in COLUMNS}

# The 统计口径 box: the rules chosen where the campaign documents are silent, in column order.
RULES: tuple[str, ...] = (
    SCOPE_RULE,
    *dict.fromkeys(rule for c in COLUMNS for rule in c.rules),
    TOTAL_RULE,
)
