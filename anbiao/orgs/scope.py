"""Which organizations and records a unit sees, which it counts and which it did — in one place.

Every selector, menu, dashboard and statistic asks this module; no other module spells the rule
(``anbiao/orgs/tests/test_scope_is_one_place.py`` fails when one does).

A *scope* (:class:`Scope`) is a unit and the ids of itself and its sub-units
(:func:`descendant_ids`; government units nest a few levels deep).

**Counting** (统计口径 — 附件3, dashboards, rates, what a unit reviews and verifies):

* the city office: everything;
* a department: the enterprises whose PRIMARY department (``Enterprise.department``, 主管部门)
  is the department or one of its sub-units, and the department itself with its sub-units;
* a town (street, zone): the enterprises located in it (``Enterprise.town``) or in a sub-unit,
  and the town itself with its sub-units;
* an enterprise: itself.

Other supervising departments (``Enterprise.other_departments``) never count.

**Seeing** (lists and the 404 rule): as counting, except that a department also sees the
enterprises it co-supervises (其他监管部门).

**Acting** (work done by the unit: inspections made, exposure batches published): the unit and
its sub-units (the city office: all of them).

**The stored copy** (ADR 0011). A look-back, a 自查自纠报告 and an experience or work mechanism
(the models built on :class:`StatScoped`) carry ``scope_department`` and ``scope_town``: the
primary department and the town of their organization's registry entry, null for a government
unit's rows, so that the statistics group them without a join. :func:`stamp` writes it when the
row starts to count; :func:`restamp` re-writes every row of some enterprises, in the same
transaction, whenever the registry moves an enterprise (``orgs.services.enterprise_update``, the
registry import, the Django admin). :func:`stamped_q`, :func:`unstamped_q` and
:func:`stamp_refs` are how a query reads it; :func:`tallied_q` reads the day tally that the
database keeps of the counted look-backs, reports, experiences and mechanisms (ADR 0015).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, UUIDField, Value, When

from anbiao.orgs.models import Enterprise, Organization, OrgKind

GOV_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)


def _p(path: str, rest: str) -> str:
    return f"{path}__{rest}" if path else rest


# --- the unit and its sub-units ----------------------------------------------------------------


def descendant_ids(org: Organization) -> set[Any]:
    """The organization and all of its sub-units (government units nest a few levels deep)."""
    ids = {org.pk}
    frontier = [org.pk]
    while frontier:
        frontier = list(
            Organization.objects.filter(parent_id__in=frontier)
            .exclude(kind=OrgKind.ENTERPRISE)
            .values_list("pk", flat=True)
        )
        frontier = [pk for pk in frontier if pk not in ids]
        ids.update(frontier)
    return ids


@dataclass(frozen=True)
class Scope:
    """A unit and the ids of itself and its sub-units."""

    unit: Organization
    unit_ids: frozenset[Any]

    @classmethod
    def of(cls, unit: Organization, unit_ids: Iterable[Any] | None = None) -> Scope:
        """The unit's scope; ``unit_ids`` when already known (else walked in queries)."""
        ids = descendant_ids(unit) if unit_ids is None else unit_ids
        return cls(unit=unit, unit_ids=frozenset(ids))

    @property
    def kind(self) -> str:
        return self.unit.kind

    @property
    def is_city(self) -> bool:
        return self.unit.kind == OrgKind.CITY


@dataclass
class Roots:
    """Every government unit's top-level ancestor, and the reporting units (the top-level
    active departments and towns, and the city office) whose rows sum up their sub-units."""

    root_of: dict[Any, Any]
    departments: list[Organization]
    towns: list[Organization]
    city: Organization | None

    @cached_property
    def root_ints(self) -> dict[int, int]:
        """:attr:`root_of` by the integers of the UUIDs."""
        return {o.int: root.int for o, root in self.root_of.items()}

    def with_sub_units(self) -> list[Any]:
        """The units that have sub-units, and those sub-units (whose rows roll up)."""
        family = {root for org_id, root in self.root_of.items() if org_id != root}
        return sorted(
            (o for o, root in self.root_of.items() if root in family), key=lambda o: str(o)
        )

    def expr(self, path: str) -> Any:
        """SQL mapping a government-unit FK to its top-level ancestor (a sub-unit to its root)."""
        nested: dict[Any, list[Any]] = {}
        for org_id, root in self.root_of.items():
            if org_id != root:
                nested.setdefault(root, []).append(org_id)
        if not nested:
            return F(path)
        whens = [
            When(**{f"{path}__in": children}, then=Value(root))
            for root, children in sorted(nested.items(), key=lambda kv: str(kv[0]))
        ]
        return Case(*whens, default=F(path), output_field=UUIDField())


def roots_load() -> Roots:
    """One query: all government units (active top-level departments and towns are the rows)."""
    govs = list(Organization.objects.filter(kind__in=GOV_KINDS).order_by("sort_order", "name"))
    parent: dict[Any, Any] = {o.pk: o.parent_id for o in govs}
    root_of: dict[Any, Any] = {}
    for o in govs:
        cur, seen = o.pk, set()
        while parent.get(cur) is not None and cur not in seen:
            seen.add(cur)
            cur = parent[cur]
        root_of[o.pk] = cur
    tops = [o for o in govs if o.parent_id is None and o.is_active]
    return Roots(
        root_of=root_of,
        departments=[o for o in tops if o.kind == OrgKind.DEPARTMENT],
        towns=[o for o in tops if o.kind == OrgKind.TOWN],
        city=next((o for o in tops if o.kind == OrgKind.CITY), None),
    )


def scope_for(unit: Organization, roots: Roots | None = None) -> Scope:
    """The unit and its sub-units; for a top-level unit, read from ``roots`` when given (every
    government unit with its top-level unit) instead of walking the tree in queries."""
    if roots is not None and unit.parent_id is None and unit.pk in roots.root_of:
        ids = frozenset(o for o, root in roots.root_of.items() if root == unit.pk)
        return Scope(unit=unit, unit_ids=ids)
    return Scope.of(unit)


# the registry fields that place an enterprise in a department's and a town's rows
PLACED_BY = ("department_id", "town_id")


# --- counting: the primary department / town rule --------------------------------------------


def counted_enterprises_q(kind: str, ids: Collection[Any], path: str = "") -> Q:
    """Enterprises (``Enterprise`` rows, or a model reaching one through ``path``) counted by a
    unit of ``kind`` whose ids (itself and its sub-units) are ``ids``: the primary department's,
    the town's; the city office every one; an enterprise itself."""
    ids = list(ids)
    if kind == OrgKind.CITY:
        return Q()
    if kind == OrgKind.DEPARTMENT:
        return Q(**{_p(path, "department_id__in"): ids})
    if kind == OrgKind.TOWN:
        return Q(**{_p(path, "town_id__in"): ids})
    return Q(**{_p(path, "organization_id__in"): ids})


def counted_orgs_q(kind: str, ids: Collection[Any], path: str = "") -> Q:
    """Records whose organization (reached by ``path``; "" = the ``Organization`` itself) a unit
    counts: an enterprise it counts (:func:`counted_enterprises_q`), or the unit itself and its
    sub-units. Written as two IN lists so that the database can use its indexes."""
    if kind == OrgKind.CITY:
        return Q()
    ids = list(ids)
    target = _p(path, "in") if path else "pk__in"
    if kind == OrgKind.ENTERPRISE:
        return Q(**{target: ids})
    ents = Enterprise.objects.filter(counted_enterprises_q(kind, ids)).values("organization")
    return Q(**{target: ents}) | Q(**{target: ids})


def counted_q(scope: Scope, path: str = "") -> Q:
    """:func:`counted_orgs_q` for a scope."""
    return counted_orgs_q(scope.kind, scope.unit_ids, path)


def counts_enterprise(scope: Scope, organization_id: Any) -> bool:
    """Whether the scope counts (supervises as primary department, or has located in it) the
    enterprise of ``organization_id``. One query."""
    return (
        Enterprise.objects.filter(organization_id=organization_id)
        .filter(counted_enterprises_q(scope.kind, scope.unit_ids))
        .exists()
    )


def counts_placed(scope: Scope, department_id: Any, town_id: Any) -> bool:
    """Whether the scope counts an enterprise whose registry entry places it in this (primary
    department, town) pair."""
    if scope.is_city:
        return True
    if scope.kind == OrgKind.DEPARTMENT:
        return department_id in scope.unit_ids
    if scope.kind == OrgKind.TOWN:
        return town_id in scope.unit_ids
    return False


def supervisor_ids_of(organization_id: Any) -> tuple[Any, Any]:
    """The (primary department, town) of an enterprise's registry entry; (None, None) for an
    organization without one."""
    row = Enterprise.objects.filter(organization_id=organization_id).values_list(
        "department_id", "town_id"
    )
    dept, town = row.first() or (None, None)
    return dept, town


def supervisors_of(organization_ids: Iterable[Any]) -> dict[Any, tuple[Any, Any]]:
    """``{organization id: (primary department, town)}`` of the enterprises among the ids."""
    return {
        org: (dept, town)
        for org, dept, town in Enterprise.objects.filter(
            organization_id__in=list(organization_ids)
        ).values_list("organization_id", "department_id", "town_id")
    }


# --- seeing ------------------------------------------------------------------------------------


def seen_enterprises_q(kind: str, ids: Collection[Any], path: str = "") -> Q:
    """Enterprises a unit sees: those it counts and, for a department, those it co-supervises
    (其他监管部门). A department's query may then repeat a row: use ``.distinct()``."""
    counted = counted_enterprises_q(kind, ids, path)
    if kind == OrgKind.DEPARTMENT:
        return counted | Q(**{_p(path, "other_departments__in"): list(ids)})
    return counted


def sole_owner(unit: Organization) -> tuple[bool, Any]:
    """When what a unit sees of the rows owned by organizations is a plain column test:
    ``(True, None)`` for the city office (every row), ``(True, id)`` for an enterprise (the rows
    of that organization id); ``(False, None)`` when the rule needs the registry."""
    if unit.kind == OrgKind.CITY:
        return True, None
    if unit.kind == OrgKind.ENTERPRISE:
        return True, unit.pk
    return False, None


# --- acting ------------------------------------------------------------------------------------


def acted_q(scope: Scope, path: str) -> Q:
    """Records whose acting unit (reached by ``path``) is the unit or one of its sub-units."""
    if scope.is_city:
        return Q()
    return Q(**{f"{path}__in": list(scope.unit_ids)})


# --- the stored copy (ADR 0011) ---------------------------------------------------------------

STAMP_FIELDS = ("scope_department", "scope_town")
STAMP_FIELDS_TOWN_FIRST = ("scope_town", "scope_department")  # for an index a town reads


class StatScoped(models.Model):
    """The statistical scope of a counted row (附件3): its enterprise's primary department and
    town, stamped when the row starts to count and kept in step with the registry
    (:func:`stamp`, :func:`restamp`); both null for a government unit's rows."""

    scope_department = models.ForeignKey(
        "orgs.Organization",
        verbose_name="统计主管部门",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_town = models.ForeignKey(
        "orgs.Organization",
        verbose_name="统计所在乡镇",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


def stamp_of(department_id: Any, town_id: Any) -> dict[str, Any]:
    """The attribute values of a stamp (for a model's constructor or ``bulk_create``)."""
    return {"scope_department_id": department_id, "scope_town_id": town_id}


def stamp_values(organization: Any) -> dict[str, Any]:
    """The attribute values to stamp on a row of ``organization`` (an instance or a pk)."""
    return stamp_of(*supervisor_ids_of(getattr(organization, "pk", organization)))


def stamp(row: StatScoped, organization: Any = None) -> tuple[str, ...]:
    """Set ``row``'s stamped scope from its organization's registry entry (not saved); returns
    the field names, for ``save(update_fields=[..., *stamp(row)])``."""
    org = row.organization_id if organization is None else organization  # type: ignore[attr-defined]
    for key, value in stamp_values(org).items():
        setattr(row, key, value)
    return STAMP_FIELDS


def stamped_models() -> list[Any]:
    """The installed models that carry the stamped scope (concrete models: typed ``Any``, as
    the abstract base declares no manager)."""
    return [m for m in apps.get_models() if issubclass(m, StatScoped)]


def stamped_q(scope: Scope, path: str = "") -> Q:
    """The stamped rows a (department or town) unit counts: whose department (or town) is the
    unit or one of its sub-units. The city office: every row."""
    if scope.is_city:
        return Q()
    if scope.kind == OrgKind.DEPARTMENT:
        return Q(**{_p(path, "scope_department__in"): list(scope.unit_ids)})
    if scope.kind == OrgKind.TOWN:
        return Q(**{_p(path, "scope_town__in"): list(scope.unit_ids)})
    raise ValueError(f"no stamped scope for a unit of kind {scope.kind}")


def unstamped_q(path: str = "") -> Q:
    """Rows without a stamp (a government unit's, or written without the services)."""
    return Q(**{_p(path, "scope_department__isnull"): True, _p(path, "scope_town__isnull"): True})


def stamp_refs(path: str = "") -> tuple[F, F]:
    """The stamped (department, town) of rows reached by ``path``, for ``values()``."""
    return F(_p(path, "scope_department")), F(_p(path, "scope_town"))


# The day tally (``stats.DayTally``, ADR 0015) keeps a stamped row twice: on the department axis
# (its ``scope_department``, null for none) and on the town axis (its ``scope_town``); a row without
# a stamp once, on the organization axis (its organization). The department and organization axes
# hold every row once: the city-wide total is their sum.
DEPARTMENT_AXIS, TOWN_AXIS, ORGANIZATION_AXIS = "d", "t", "o"


def tallied_q(scope: Scope) -> Q:
    """The day-tally rows a unit's table reads: the stamped rows it counts (its axis, its unit
    or a sub-unit, as :func:`stamped_q` for the rows themselves) and the rows without a stamp
    (placed by their organization, as the rows themselves are). The city office: every row
    once."""
    unstamped = Q(axis=ORGANIZATION_AXIS)
    if scope.is_city:
        return Q(axis=DEPARTMENT_AXIS) | unstamped
    if scope.kind == OrgKind.DEPARTMENT:
        return Q(axis=DEPARTMENT_AXIS, unit__in=list(scope.unit_ids)) | unstamped
    if scope.kind == OrgKind.TOWN:
        return Q(axis=TOWN_AXIS, unit__in=list(scope.unit_ids)) | unstamped
    raise ValueError(f"no stamped scope for a unit of kind {scope.kind}")


def stamp_differs(model: Any) -> QuerySet[Any]:
    """Rows of ``model`` whose organization has a registry entry that says otherwise than the
    stamp (none when the services and :func:`restamp` did their work)."""
    reg = "organization__enterprise__"
    return model.objects.filter(**{f"{reg}isnull": False}).exclude(
        Q(scope_department=F(f"{reg}department"), scope_town=F(f"{reg}town"))
    )


CHUNK = 5000


def restamp(*, organization_ids: Iterable[Any]) -> int:
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
