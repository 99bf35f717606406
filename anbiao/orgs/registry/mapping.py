"""The column mapping a unit saves on the import's mapping page, applied to its next uploads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from anbiao.core.audit import log_action
from anbiao.orgs.models import RegistryColumnMapping
from anbiao.orgs.registry.header import Header, match_header, normalize_header
from anbiao.orgs.registry.table import column_letter
from anbiao.orgs.registry_columns import COLUMN_BY_KEY, REGISTRY_COLUMNS

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def saved_mapping(*, user: User) -> dict[str, str]:
    """The user's unit's saved choices: registry column key → normalized header ("" = none)."""
    if user.organization_id is None:
        return {}
    return dict(
        RegistryColumnMapping.objects.filter(organization_id=user.organization_id).values_list(
            "column", "header"
        )
    )


def check_choices(*, header: Header, chosen: Mapping[str, int | None]) -> dict[str, str]:
    """Chinese reasons (column key → message) why a mapping cannot be used; {} when it can."""
    problems: dict[str, str] = {}
    taken: dict[int, str] = {}
    for column in REGISTRY_COLUMNS:
        index = chosen.get(column.key)
        if index is None:
            if column.required:
                problems[column.key] = f"请选择“{column.header}”对应的列。"
            continue
        if not 0 <= index < len(header.cells) or not header.cells[index]:
            problems[column.key] = f"“{column.header}”选择的列不存在，请重新选择。"
        elif index in taken:
            other = COLUMN_BY_KEY[taken[index]].header
            problems[column.key] = (
                f"{column_letter(index)}列已对应“{other}”，不能同时对应“{column.header}”。"
            )
        else:
            taken[index] = column.key
    return problems


@transaction.atomic
def registry_mapping_save(
    *, user: User, header: Header, chosen: Mapping[str, int | None]
) -> dict[str, str]:
    """Remember which file column holds each registry column for the user's unit.

    ``chosen`` maps every registry column key to a 0-based column index of ``header`` or None
    ("the file has no such column"). Only choices that differ from what the header names alone
    would give are stored (a later file of the unit is still recognized by its own names); a
    choice equal to that guess removes an earlier saved one. Raises ValidationError (a message
    per column) when a required column is left out or a file column is chosen twice. Returns
    what is saved now.
    """
    problems = check_choices(header=header, chosen=chosen)
    if problems:
        raise ValidationError(problems)
    assert user.organization is not None  # importers belong to a government unit
    guessed = match_header(header.cells).columns
    saved = {
        row.column: row
        for row in RegistryColumnMapping.objects.select_for_update().filter(
            organization=user.organization
        )
    }
    changed: dict[str, str] = {}
    for column in REGISTRY_COLUMNS:
        index = chosen.get(column.key)
        text = normalize_header(header.cells[index]) if index is not None else ""
        existing = saved.get(column.key)
        if guessed.get(column.key) == index:
            if existing is not None:
                existing.delete()
                changed[column.key] = "（按列名自动识别）"
            continue
        if existing is None:
            existing = RegistryColumnMapping(organization=user.organization, column=column.key)
        elif existing.header == text:
            continue
        existing.header = text
        existing.updated_by = user
        existing.full_clean()
        existing.save()
        changed[column.key] = header.cells[index] if index is not None else "（文件中没有此列）"
    if changed:
        log_action(
            user.organization,
            "anbiao.registry.mapping_saved",
            user=user,
            data={"columns": changed},
        )
    return saved_mapping(user=user)
