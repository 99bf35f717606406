"""The 15 columns of 附件3 (:mod:`.definitions`), what they read (:mod:`.sources`), their
shape (:mod:`.column`) and the statistics period (:mod:`.period`).

Two kinds of columns (the rule is written on the page, see :data:`RULES`):

* "owner" columns (1–6, 11–13): a record counts for a unit when its organization is in the
  unit's scope (:mod:`anbiao.orgs.scope`: the enterprises whose PRIMARY department is the
  department, or that are located in the town, and the unit itself with its sub-units);
* "actor" columns (7–10, 14–15): work done by the unit — inspections made and exposure batches
  published by the unit or its sub-units (the city office: all of them).

The numbers of every unit at once are computed from these definitions by :mod:`anbiao.stats
.table`; each column's ``records(scope, period)`` is the independent reading for one unit (the
drill-down list).
"""

from __future__ import annotations

from anbiao.orgs.scope import Roots, Scope, acted_q, counted_q, roots_load
from anbiao.stats.columns.column import BOTH, ENTERPRISE, GOVERNMENT, Column, Measure, Source
from anbiao.stats.columns.definitions import COLUMN_BY_NO, COLUMNS, GROUPS, RULES
from anbiao.stats.columns.period import Period

# earlier names of the scope rule's two readings (anbiao.orgs.scope holds the rule)
owner_q = counted_q
actor_q = acted_q

__all__ = [
    "BOTH",
    "COLUMNS",
    "COLUMN_BY_NO",
    "ENTERPRISE",
    "GOVERNMENT",
    "GROUPS",
    "RULES",
    "Column",
    "Measure",
    "Period",
    "Roots",
    "Scope",
    "Source",
    "actor_q",
    "owner_q",
    "roots_load",
]
