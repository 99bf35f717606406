"""Reads of work records, review results and star applications, always through the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from anbiao.core.access import get_in_scope_or_404
from anbiao.core.links import link
from anbiao.orgs.models import OrgKind
from anbiao.orgs.visibility import enterprise_filter, organization_ids_for_user
from anbiao.worklog.models import (
    ReviewResult,
    StarApplication,
    StarStatus,
    WorkRecord,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.checklists.models import Answer

EXPIRY_WARNING_DAYS = 90


def records_for_user(user: User) -> QuerySet[WorkRecord]:
    """Records of the user's unit, its sub-units and, for supervisors, the units in scope."""
    return WorkRecord.objects.filter(
        organization_id__in=organization_ids_for_user(user)
    ).select_related("organization")


def record_get(*, user: User, pk: Any) -> WorkRecord:
    return get_in_scope_or_404(records_for_user(user), pk=pk)


def linked_records_for_answer(answer: Answer) -> list[WorkRecord]:
    """The work records attached as evidence to a checklist answer (clause), oldest first.

    Uses ``answer.worklog_links`` so that a page listing many clauses can prefetch them in one
    query with ``prefetch_related("worklog_links__record")``.
    """
    records = [link.record for link in answer.worklog_links.all()]
    return sorted(records, key=lambda r: (r.date, r.created_at))


def _distinct_if_department(user: User, qs: QuerySet) -> QuerySet:
    org = user.organization
    return qs.distinct() if org is not None and org.kind == OrgKind.DEPARTMENT else qs


def reviews_for_user(user: User) -> QuerySet[ReviewResult]:
    qs = ReviewResult.objects.filter(enterprise_filter(user, "enterprise__")).select_related(
        "enterprise__organization", "recorded_by_org"
    )
    return _distinct_if_department(user, qs)


def expiring(result: ReviewResult, today: dt.date | None = None) -> str:
    """'expired', 'soon' (within 90 days) or ''."""
    if result.valid_until is None:
        return ""
    today = today or timezone.localdate()
    if result.valid_until < today:
        return "expired"
    if result.valid_until <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return "soon"
    return ""


def applications_for_user(user: User) -> QuerySet[StarApplication]:
    qs = StarApplication.objects.filter(enterprise_filter(user, "enterprise__")).select_related(
        "enterprise__organization", "enterprise__department"
    )
    org = user.organization
    if org is not None and org.kind != OrgKind.ENTERPRISE:
        qs = qs.exclude(status=StarStatus.DRAFT)  # a draft is the enterprise's own business
    return _distinct_if_department(user, qs)


def application_get(*, user: User, pk: Any) -> StarApplication:
    return get_in_scope_or_404(applications_for_user(user), pk=pk)


def announcements() -> QuerySet[StarApplication]:
    """Two-star ratings in force, with their announcement period (公示), newest first. A
    rating superseded by a later one (the enterprise became 三星, or was rated again) is no
    longer announced."""
    return (
        StarApplication.objects.current()
        .filter(decided_level=2)
        .select_related("enterprise__organization", "enterprise__town")
        .order_by("-announce_from")
    )


def current_rating_counts(user: User) -> dict[int, int]:
    """{star level: enterprises in the user's scope whose rating in force has that level}."""
    from django.db.models import Count

    rows = (
        StarApplication.objects.current()
        .filter(enterprise_filter(user, "enterprise__"))
        .values("decided_level")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    )
    counts = dict.fromkeys((3, 2, 1), 0)
    for row in rows:
        if row["decided_level"] in counts:
            counts[row["decided_level"]] = row["n"]
    return counts


def linked_records_for_answers(answer_ids: Iterable[Any]) -> dict[Any, list[tuple[str, str]]]:
    """{answer id: [(record URL, "类别：标题（日期）"), …]} for the checklist page (hook
    ``anbiao.checklists.hooks.linked_records``): one query, each answer's records by date
    and entry time. The answers come from a page already read through the scope."""
    from anbiao.worklog.models import EvidenceLink, RecordKind

    kinds = dict(RecordKind.choices)
    found: dict[Any, list[tuple[str, str]]] = {}
    links = (
        EvidenceLink.objects.filter(answer_id__in=list(answer_ids))
        .order_by("answer_id", "record__date", "record__created_at")
        .values_list("answer_id", "record_id", "record__title", "record__kind", "record__date")
    )
    for answer_id, record_id, title, kind, day in links:
        label = f"{kinds.get(kind, kind)}：{title}（{day.isoformat()}）"
        found.setdefault(answer_id, []).append((link("worklog:record_detail", record_id), label))
    return found


def linked_records_probe() -> str:
    """The sub-select of hook ``anbiao.checklists.hooks.linked_records_probe``: a row when any
    answer of the checklist (its one parameter) has a linked work record, so that the checklist
    page asks :func:`linked_records_for_answers` only then."""
    from anbiao.checklists.models import Answer
    from anbiao.worklog.models import EvidenceLink

    # Only table and column names from the models' metadata are formatted in, never input.
    return (  # noqa: S608
        'SELECT 1 FROM "{el}" el JOIN "{a}" a ON a.id = el."{el_answer}"'
        " WHERE a.checklist_id = %s LIMIT 1"
    ).format(
        el=EvidenceLink._meta.db_table,
        a=Answer._meta.db_table,
        el_answer=EvidenceLink._meta.get_field("answer").column,
    )
