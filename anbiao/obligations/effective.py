"""Each unit's effective deadline: the obligation's own date, or the one its extension grants.

A granted extension moves one unit's deadline of one obligation; when a unit was granted more
than one, the latest date counts. Timeliness everywhere (the rates, the reporting tasks'
rows, the monthly case report grid) is judged against these dates, in SQL through
:func:`overdue_expr` so that counting stays one grouped query.

Every page and reminder that shows or uses one unit's deadline takes it from
:func:`effective_deadline` (one unit) or :func:`due_for` (a map from :func:`granted` /
:func:`granted_many`, one query per page): a :class:`Due`, the effective date with the
obligation's own, so that a page can say “（已延期）” where it differs from the notice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, DateTimeField, Value, When
from django.db.models.expressions import Expression

from anbiao.obligations import deadlines
from anbiao.obligations.deadlines import overdue_from
from anbiao.obligations.models import Extension, ExtensionStatus, ObligationKind


@dataclass(frozen=True)
class Due:
    """One unit's deadline of one obligation: the effective date and the obligation's own."""

    date: dt.date
    original: dt.date

    @property
    def extended(self) -> bool:
        return self.date != self.original

    @property
    def mark(self) -> str:
        """“（已延期）” when an extension moved the date, else empty."""
        return "（已延期）" if self.extended else ""

    @property
    def text(self) -> str:
        """“2024年12月20日 23:59（已延期）”."""
        return deadlines.deadline_text(self.date) + self.mark

    def is_overdue(self, now: dt.datetime) -> bool:
        return deadlines.is_overdue(self.date, now)


def granted(kind: str, ref: Any, org_ids: Iterable[Any] | None = None) -> dict[Any, dt.date]:
    """{organization id: granted date} for one obligation (one query)."""
    found = granted_many(kind, [ref], org_ids)
    return {org: d for (_, org), d in found.items()}


def granted_many(
    kind: str, refs: Iterable[Any], org_ids: Iterable[Any] | None = None
) -> dict[tuple[str, Any], dt.date]:
    """{(ref, organization id): granted date} for several obligations of one kind (one query)."""
    qs = Extension.objects.filter(
        kind=kind, ref__in=[str(r) for r in refs], status=ExtensionStatus.GRANTED
    )
    if org_ids is not None:
        qs = qs.filter(organization_id__in=list(org_ids))
    out: dict[tuple[str, Any], dt.date] = {}
    for ref, org, date in qs.values_list("ref", "organization_id", "requested_deadline"):
        key = (ref, org)
        out[key] = max(out.get(key, date), date)
    return out


def granted_on(kind: str, dates: Iterable[dt.date]) -> dict[tuple[str, Any], dt.date]:
    """{(ref, organization id): granted date} of the units whose effective (latest granted)
    date of an obligation of ``kind`` is one of ``dates`` — for reminders (two queries)."""
    wanted = set(dates)
    keys = set(
        Extension.objects.filter(
            kind=kind, status=ExtensionStatus.GRANTED, requested_deadline__in=wanted
        ).values_list("ref", "organization_id")
    )
    if not keys:
        return {}
    found = granted_many(kind, {r for r, _ in keys}, {o for _, o in keys})
    return {k: d for k, d in found.items() if k in keys and d in wanted}


def overdue_expr(org_path: str, default: dt.date, extended: Mapping[Any, dt.date]) -> Expression:
    """SQL for the first late instant of each row's unit (reached by ``org_path``): its granted
    date's when it has one, else ``default``'s. The dates are parameters, never pasted."""
    by_date: dict[dt.date, list[Any]] = defaultdict(list)
    for org, date in extended.items():
        by_date[date].append(org)
    field = DateTimeField()
    whens = [
        When(**{f"{org_path}__in": sorted(orgs, key=str)}, then=Value(overdue_from(d), field))
        for d, orgs in sorted(by_date.items())
    ]
    fallback = Value(overdue_from(default), field)
    if not whens:
        return fallback
    return Case(*whens, default=fallback, output_field=field)


def deadline_for(default: dt.date, extended: Mapping[Any, dt.date], org_id: Any) -> dt.date:
    """One unit's effective deadline from the map :func:`granted` returned."""
    return extended.get(org_id, default)


def due_for(default: dt.date, extended: Mapping[Any, dt.date], key: Any) -> Due:
    """One unit's :class:`Due` from a map :func:`granted` (key: organization id) or
    :func:`granted_many` (key: ``(str(ref), organization id)``) returned."""
    return Due(deadline_for(default, extended, key), default)


def effective_deadline(kind: str, ref: Any, org_id: Any, default: dt.date) -> Due:
    """One unit's deadline of the obligation ``(kind, ref)`` whose own date is ``default``
    (one query)."""
    return due_for(default, granted(kind, ref, [org_id]), org_id)


def lookback_kind(unit: Any) -> str:
    """The look-back obligation of a unit (or of an ``OrgKind`` value): 附件2 or 附件1."""
    kind = getattr(unit, "kind", unit)
    if kind == "enterprise":
        return ObligationKind.LOOKBACK_ENTERPRISE
    return ObligationKind.LOOKBACK_GOVERNMENT


def lookback_deadline(campaign: Any, org: Any) -> Due:
    """A unit's look-back deadline of a campaign (one query)."""
    return effective_deadline(lookback_kind(org), campaign.pk, org.pk, campaign.deadline_for(org))


def lookback_deadlines(campaigns: Iterable[Any], org: Any) -> dict[Any, Due]:
    """{campaign id: the unit's look-back deadline} for several campaigns (one query)."""
    campaigns = list(campaigns)
    found = granted_many(lookback_kind(org), [c.pk for c in campaigns], [org.pk])
    return {c.pk: due_for(c.deadline_for(org), found, (str(c.pk), org.pk)) for c in campaigns}
