"""Each unit's effective deadline: the obligation's own date, or the one its extension grants.

A granted extension moves one unit's deadline of one obligation; when a unit was granted more
than one, the latest date counts. Timeliness everywhere (the rates, the reporting tasks'
rows, the monthly case report grid) is judged against these dates, in SQL through
:func:`overdue_expr` so that counting stays one grouped query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Case, DateTimeField, Value, When
from django.db.models.expressions import Expression

from anbiao.obligations.deadlines import overdue_from
from anbiao.obligations.models import Extension, ExtensionStatus


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
