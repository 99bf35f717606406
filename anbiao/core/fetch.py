"""One object with some of its foreign keys, read by one plain SQL query built once per process.

For the hottest pages only (the checklist fill page and its per-clause htmx requests): the ORM
spends more CPU compiling a ``select_related`` query over four tables than the database spends
answering it. :func:`fetch_one` writes the same ``SELECT … JOIN …`` from the models' metadata
once, caches the text, and builds the instances with the documented :meth:`Model.from_db`,
each value passed through the database and field converters exactly as the ORM does — so the
objects are the ones ``select_related`` would give (a test compares them field by field).

The caller gives the WHERE clause over the columns of the main table (alias ``t0``) with its
parameters prepared by :func:`prep`; scoping stays the caller's job (see
``anbiao.checklists.selectors.checklist_get``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Field, ForeignKey, Model


@dataclass(frozen=True)
class _Part:
    path: tuple[
        str, ...
    ]  # the foreign keys from the main model, e.g. ("template_version", "template")
    model: type[Model]
    attnames: list[str]
    start: int
    pk_index: int
    converters: list[tuple[Any, list[Any]]]  # per column: (expression, converter functions)


@dataclass(frozen=True)
class _Plan:
    sql: str
    parts: list[_Part]


_PLANS: dict[tuple[Any, ...], _Plan] = {}


def prep(model: type[Model], field_name: str, value: Any) -> Any:
    """``value`` as a query parameter for ``model.field_name`` (a bad value raises
    ``ValidationError``/``ValueError``, as an ORM filter would)."""
    field = model._meta.get_field(field_name)
    # a concrete field (a foreign key stands for the key it points at), never a reverse relation
    target = cast(Field[Any, Any], getattr(field, "target_field", field))
    return target.get_db_prep_value(target.to_python(value), connection)


def _plan(model: type[Model], related: tuple[str, ...], where: str) -> _Plan:
    q = connection.ops.quote_name
    columns: list[str] = []
    joins: list[str] = []
    parts: list[_Part] = []
    aliases: dict[tuple[str, ...], str] = {(): "t0"}

    def add(path: tuple[str, ...], m: type[Model]) -> None:
        fields = list(m._meta.concrete_fields)
        alias = aliases[path]
        converters = []
        for f in fields:  # as the ORM's compiler does: the backend's, then the field's own
            expression = f.get_col(alias)
            funcs = connection.ops.get_db_converters(expression) + f.get_db_converters(connection)
            converters.append((expression, funcs))
        pk_index = fields.index(m._meta.pk)
        attnames = [f.attname for f in fields]
        parts.append(_Part(path, m, attnames, len(columns), pk_index, converters))
        columns.extend(f"{alias}.{q(_column(f))}" for f in fields)

    add((), model)
    for dotted in related:
        path = tuple(dotted.split("__"))
        parent = aliases[path[:-1]]
        owner = model
        for name in path[:-1]:
            owner = owner._meta.get_field(name).related_model  # type: ignore[assignment]
        fk = owner._meta.get_field(path[-1])
        assert isinstance(fk, ForeignKey)  # each related path is a chain of foreign keys
        target: type[Model] = fk.related_model
        alias = aliases[path] = f"t{len(aliases)}"
        kind = "LEFT JOIN" if fk.null or parent != "t0" else "JOIN"
        joins.append(
            f"{kind} {q(target._meta.db_table)} {alias}"
            f" ON {alias}.{q(_column(target._meta.pk))} = {parent}.{q(_column(fk))}"
        )
        add(path, target)
    # only names from the models' metadata and the caller's fixed WHERE text: values are params
    select = ", ".join(columns)
    sql = f"SELECT {select} FROM {q(model._meta.db_table)} t0 {' '.join(joins)} WHERE {where}"  # noqa: S608
    return _Plan(sql, parts)


def _column(field: Field[Any, Any]) -> str:
    """The column of a concrete field (the stubs allow None, which only a non-concrete field has)."""
    column = field.column
    assert column is not None
    return column


def _converted(part: _Part, values: tuple[Any, ...]) -> list[Any]:
    out = []
    for (expression, funcs), value in zip(part.converters, values, strict=True):
        for convert in funcs:
            value = convert(value, expression, connection)
        out.append(value)
    return out


def fetch_one[M: Model](
    model: type[M], *, related: tuple[str, ...], where: str, params: list[Any]
) -> M | None:
    """The single row matching ``where`` as a ``model`` instance with the ``related`` foreign
    keys (``"a"``, ``"a__b"``: each path's parent listed before it) loaded, or None."""
    # per database alias: the converters are the ones its backend gives
    key = (model, related, where, connection.alias)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _plan(model, related, where)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        rows = cursor.fetchmany(2)
    if len(rows) != 1:
        return None
    row = rows[0]
    built: dict[tuple[str, ...], Model | None] = {}
    for part in plan.parts:
        values = row[part.start : part.start + len(part.attnames)]
        if part.path and values[part.pk_index] is None:  # a LEFT JOIN that found nothing
            obj = None
        else:
            obj = part.model.from_db(connection.alias, part.attnames, _converted(part, values))
        built[part.path] = obj
        if part.path and built.get(part.path[:-1]) is not None:
            setattr(built[part.path[:-1]], part.path[-1], obj)
    return built[()]  # type: ignore[return-value]
