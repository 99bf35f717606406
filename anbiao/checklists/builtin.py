"""Load the look-back checklist templates from ``data/checklists/*.yaml`` (idempotent).

Each data file is one template (``code``). Its SHA-256 decides the version: an unchanged file
loads nothing; a changed file creates the next :class:`TemplateVersion` with its own sections,
items and clauses. Older versions are never touched, so checklists keep the version they were
filled on. Another city or next year's campaign is a new data file, not new code.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from anbiao.checklists.models import (
    Clause,
    Item,
    Section,
    Template,
    TemplateKind,
    TemplateVersion,
)

DATA_DIR = Path(settings.BASE_DIR) / "data" / "checklists"


def data_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or DATA_DIR).glob("*.yaml"))


def _validate(doc: dict[str, Any], name: str) -> None:
    """Refuse a malformed data file with a message naming the place of the error."""
    for key in ("code", "title", "kind", "sections"):
        if not doc.get(key):
            raise ValidationError(f"{name}：缺少“{key}”。")
    if doc["kind"] not in TemplateKind.values:
        raise ValidationError(f"{name}：kind 须为 {'/'.join(TemplateKind.values)}。")
    expected_item = 1
    for s_index, section in enumerate(doc["sections"], start=1):
        if not section.get("title") or not section.get("items"):
            raise ValidationError(f"{name}：第 {s_index} 个项目缺少标题或内容。")
        for item in section["items"]:
            number = item.get("number")
            if number != expected_item:
                raise ValidationError(f"{name}：内容编号应为 {expected_item}，实际为 {number}。")
            if not re.match(rf"^{number}\.", str(item.get("text", ""))):
                raise ValidationError(f"{name}：内容 {number} 的文字须以“{number}.”开头。")
            clauses = item.get("clauses") or []
            if not clauses:
                raise ValidationError(f"{name}：内容 {number} 没有细则。")
            for c_index, clause in enumerate(clauses, start=1):
                if clause.get("number") != c_index or not str(clause.get("text", "")).strip():
                    raise ValidationError(f"{name}：内容 {number} 的第 {c_index} 条细则有误。")
            expected_item += 1


@transaction.atomic
def load_file(path: Path) -> TemplateVersion | None:
    """Load one data file. Returns the new version, or None when this content is loaded."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    doc = yaml.safe_load(raw.decode("utf-8"))
    _validate(doc, path.name)
    template, _ = Template.objects.get_or_create(
        code=doc["code"],
        defaults={
            "title": doc["title"],
            "kind": doc["kind"],
            "attachment": doc.get("attachment", ""),
        },
    )
    changed = [
        f
        for f, v in (
            ("title", doc["title"]),
            ("kind", doc["kind"]),
            ("attachment", doc.get("attachment", "")),
        )
        if getattr(template, f) != v
    ]
    if changed:
        for f in changed:
            setattr(template, f, doc["title"] if f == "title" else doc.get(f, ""))
        template.save(update_fields=changed)
    if TemplateVersion.objects.filter(template=template, sha256=digest).exists():
        return None
    last = template.versions.aggregate(m=Max("version"))["m"] or 0
    version = TemplateVersion.objects.create(
        template=template,
        version=last + 1,
        title=doc["title"],
        sha256=digest,
        source=path.name,
        meta={
            "attachment": doc.get("attachment", ""),
            "header": doc.get("header") or [],
            "columns": doc.get("columns") or [],
        },
    )
    sections = Section.objects.bulk_create(
        Section(version=version, position=i, title=s["title"])
        for i, s in enumerate(doc["sections"], start=1)
    )
    items: list[Item] = []
    for section, s in zip(sections, doc["sections"], strict=True):
        for it in s["items"]:
            items.append(
                Item(
                    version=version,
                    section=section,
                    position=len(items) + 1,
                    number=it["number"],
                    text=it["text"],
                )
            )
    items = Item.objects.bulk_create(items)
    clauses: list[Clause] = []
    flat_items = [it for s in doc["sections"] for it in s["items"]]
    for item, it in zip(items, flat_items, strict=True):
        for c in it["clauses"]:
            clauses.append(
                Clause(
                    version=version,
                    item=item,
                    position=len(clauses) + 1,
                    number=c["number"],
                    text=c["text"],
                )
            )
    Clause.objects.bulk_create(clauses)
    return version


def load(stdout: Any = None, directory: Path | None = None) -> list[TemplateVersion]:
    """Load every template data file; print one line per file."""
    loaded = []
    for path in data_files(directory):
        version = load_file(path)
        if version is not None:
            loaded.append(version)
        if stdout is not None:
            if version is None:
                stdout.write(f"细则模板 {path.name}：未变化。")
            else:
                stdout.write(
                    f"细则模板 {path.name}：载入第 {version.version} 版"
                    f"（{version.sections.count()} 项、{version.items.count()} 条内容、"
                    f"{version.clauses.count()} 条细则）。"
                )
    return loaded


def latest_version(code: str) -> TemplateVersion | None:
    """The newest loaded version of a template (by code), or None before loading."""
    return (
        TemplateVersion.objects.select_related("template")
        .filter(template__code=code)
        .order_by("-version")
        .first()
    )
