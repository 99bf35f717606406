"""What 附件3 reads from the other apps: the rows that count in a period, one function each.

Every rule of what counts stays in its own app (imported here by name, so that renaming one
breaks loudly): ``COUNTED_LOOKBACK`` (look-backs), ``finalized_reports``
(自查自纠报告), ``Inspection.objects.counted()`` (督导检查; their problems: the stored
``counted_problems``, listed by ``.problems()``), ``Record.objects.counted()`` (经验做法、工作机制),
``published_batches`` (曝光批次).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from anbiao.checklists.models import COUNTED_LOOKBACK, Checklist, ProblemLine
from anbiao.enforcement.models import EnforcementCase, ExposureBatch
from anbiao.enforcement.selectors import published_batches
from anbiao.inspections.models import Inspection, InspectionQuerySet
from anbiao.records.models import Record, RecordKind, RecordQuerySet
from anbiao.reports.models import Report
from anbiao.reports.selectors import finalized_reports
from anbiao.stats.columns.period import Period
from anbiao.stats.models import DayTally


def lookbacks(period: Period) -> QuerySet[Checklist]:
    """附件1/附件2 look-backs submitted (or accepted) in the period, by their latest submission;
    returned ones (not resubmitted) do not count."""
    lo, hi = period.bounds()
    return Checklist.objects.filter(COUNTED_LOOKBACK, submitted_at__gte=lo, submitted_at__lt=hi)


def unfrozen_lookbacks(period: Period) -> QuerySet[Checklist]:
    """The look-backs marked submitted without the submit service: their count was not frozen
    (normally none; the partial index ``checklist_unfrozen_idx`` holds exactly these)."""
    return lookbacks(period).filter(problem_count__isnull=True)


def unfrozen_lines(period: Period) -> QuerySet[ProblemLine]:
    """The 存在问题 lines of the look-backs without a frozen count: counted line by line."""
    return problem_lines(unfrozen_lookbacks(period))


def any_unfrozen(period: Period) -> bool:
    """Whether the period has such look-backs (one index probe; when not, their lines are not
    counted at all: the join over every problem line is not planned for nothing)."""
    return unfrozen_lookbacks(period).exists()


def problem_lines(checklists: QuerySet[Checklist]) -> QuerySet[ProblemLine]:
    """The 存在问题 lines recorded in those look-backs."""
    return ProblemLine.objects.filter(answer__checklist__in=checklists.values("pk"))


def reports(period: Period) -> QuerySet[Report]:
    """自查自纠报告 first finalized in the period."""
    return finalized_reports(start=period.start, end=period.end)


def records(period: Period) -> RecordQuerySet:
    """Experiences and work mechanisms submitted with evidence, dated in the period."""
    return Record.objects.counted().in_period(period.start, period.end)


def experiences(period: Period) -> RecordQuerySet:
    return records(period).filter(kind=RecordKind.EXPERIENCE)


def mechanisms(period: Period) -> RecordQuerySet:
    return records(period).filter(kind=RecordKind.MECHANISM)


def inspections(period: Period) -> InspectionQuerySet:
    """Completed supervision inspections dated in the period."""
    return Inspection.objects.counted().filter(date__gte=period.start, date__lte=period.end)


def batches(period: Period) -> QuerySet[ExposureBatch]:
    """Exposure batches published in the period (by their exposure date)."""
    return published_batches(start=period.start, end=period.end)


def exposed_cases(period: Period) -> QuerySet[EnforcementCase]:
    """The enforcement cases in those batches."""
    return EnforcementCase.objects.filter(batches__in=batches(period).values("pk"))


def exposures(period: Period) -> QuerySet[Any]:
    """Each (batch, case) pair of those batches: a case exposed in two batches is in each
    batch's publisher's row (the rows' paths are single-valued: ``exposurebatch__department``,
    ``enforcementcase__enterprise``)."""
    pairs = ExposureBatch.cases.through.objects
    return pairs.filter(exposurebatch__in=batches(period).values("pk"))


def tallied(source: str, period: Period) -> QuerySet[DayTally]:
    """The day tally of a source's rows, the days of the period (ADR 0015)."""
    return DayTally.objects.filter(source=source, day__gte=period.start, day__lte=period.end)


def one_campaign(campaigns: Collection[Any]) -> bool:
    """Whether the tallied look-backs of a period, of these campaigns, are all of one campaign.
    An organization has one look-back per campaign (``checklist_unique_lookback``), so then the
    tally's number of rows is the number of organizations (columns 1–2); look-backs of two
    campaigns (or of none) may be one organization's twice, and are counted from the rows."""
    return not campaigns or (len(campaigns) == 1 and None not in campaigns)
