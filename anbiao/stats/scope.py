"""The statistical scope stamped on the counted rows, so that the table groups without a join.

A look-back (``checklists.Checklist``), a 自查自纠报告 (``reports.Report``) and an experience or
work mechanism (``records.Record``) carry ``scope_department`` and ``scope_town``: the PRIMARY
department and the town of their organization's registry entry (``orgs.Enterprise``), null for
government units. The statistics group these rows by the two columns directly (see
:mod:`anbiao.stats.consolidate`); the indexes they read are in migration ``stats/0002``.

* :func:`stat_scope` — the values to stamp; the submit / finalize services (and the test and
  bench builders) use it, so a stamped row always says what the registry says.
* :func:`stat_scope_follow` — re-stamp every row of some enterprises from the registry, one
  UPDATE per table; called in the same transaction whenever an enterprise's department or town
  changes (``orgs.services.enterprise_update``, the registry import, the Django admin).

A row whose scope is null while its organization has a registry entry (written some other way)
still counts right: the table places it through the registry (one more query, only then).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import OuterRef, Subquery

from anbiao.orgs.models import Enterprise

# the models that carry the stamped scope (app label, model, FK to the organization)
STAMPED = (("checklists", "Checklist"), ("reports", "Report"), ("records", "Record"))
CHUNK = 5000


def stat_scope(organization: Any) -> dict[str, Any]:
    """``{"scope_department_id": …, "scope_town_id": …}`` for a row of ``organization``: its
    registry entry's primary department and town, both None for a government unit."""
    pk = getattr(organization, "pk", organization)
    row = Enterprise.objects.filter(organization_id=pk).values_list("department_id", "town_id")
    dept, town = row.first() or (None, None)
    return {"scope_department_id": dept, "scope_town_id": town}


def stamped_models() -> list[Any]:
    """The models of :data:`STAMPED` that are installed."""
    out = []
    for label, name in STAMPED:
        try:
            out.append(apps.get_model(label, name))
        except LookupError:
            continue
    return out


def stat_scope_follow(*, organization_ids: Iterable[Any]) -> int:
    """Re-stamp every look-back, report and record of these organizations from the registry
    (one UPDATE per table and chunk of ids); returns the number of rows updated."""
    ids = list(organization_ids)
    if not ids:
        return 0
    reg = Enterprise.objects.filter(organization_id=OuterRef("organization_id"))
    updated = 0
    for model in stamped_models():
        for i in range(0, len(ids), CHUNK):
            updated += model.objects.filter(organization_id__in=ids[i : i + CHUNK]).update(
                scope_department_id=Subquery(reg.values("department_id")[:1]),
                scope_town_id=Subquery(reg.values("town_id")[:1]),
            )
    return updated
