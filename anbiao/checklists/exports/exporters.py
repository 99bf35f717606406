"""Exporters: the official-layout table of a checklist as plain data, apart from any file format.

pretix-style: an exporter yields the rows (and the header facts) of 附件1/附件2; the renderers in
:mod:`.xlsx` and :mod:`.docx` and the print view lay them out. One row per clause (“回头看”细则);
``section_span`` / ``item_span`` say over how many rows the 项目 and “回头看”内容 cells merge
(0 on the rows they are merged into).

How an answer is shown (the same in every format, see docs/guide/documents.md):

- 存在问题: the problem lines numbered “1.…”, “2.…”, one per line;
- 备注: the answer 符合 / 不符合 / 不适用 on the first line, then the user's 备注, then
  “佐证材料 N 份” when evidence files are attached.

The whole table costs a fixed number of queries, whatever the number of clauses, problem lines
or evidence files (tests/test_query_counts.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch
from django.utils import timezone

from anbiao.checklists.models import (
    Answer,
    Checklist,
    Clause,
    ProblemLine,
    Signature,
    SignatureMethod,
    TemplateKind,
    TemplateVersion,
)

COLUMNS = ("项目", "“回头看”内容", "“回头看”细则", "存在问题", "备注")


@dataclass(frozen=True)
class Row:
    """One clause of the table, with the answer shown in it (blank on a paper form)."""

    section: str
    item: str
    clause: str
    problems: str = ""
    remarks: str = ""
    result: str = ""
    section_span: int = 1
    item_span: int = 1
    section_index: int = 0
    item_index: int = 0


@dataclass(frozen=True)
class HeaderField:
    """One part of the header line, e.g. 企业名称：XX有限公司."""

    label: str
    value: str = ""
    is_signature: bool = False


@dataclass
class Sheet:
    """Everything one export shows: 附件 label, title, header line, columns and rows."""

    attachment: str
    title: str
    header: list[HeaderField]
    columns: tuple[str, ...]
    rows: list[Row]
    organization_name: str = ""
    signature_path: str | None = None  # the signature image file, when signed on screen
    signature_name: str = ""
    blank: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def filename_stem(self) -> str:
        who = self.organization_name or "空白表"
        return f"{self.attachment}{self.title}_{who}"


def _number_lines(lines: list[str]) -> str:
    return "\n".join(f"{i}.{text}" for i, text in enumerate(lines, start=1))


def _remarks(result_label: str, remarks: str, evidence_count: int) -> str:
    parts = [p for p in (result_label, remarks.strip()) if p]
    if evidence_count:
        parts.append(f"佐证材料 {evidence_count} 份")
    return "\n".join(parts)


def _clauses(version: TemplateVersion) -> list[Clause]:
    return list(
        Clause.objects.filter(version=version).select_related("item__section").order_by("position")
    )


def iter_rows(version: TemplateVersion, answers: dict[Any, Answer] | None = None) -> Iterator[Row]:
    """Yield one :class:`Row` per clause of ``version`` in order, with the merge spans.

    ``answers`` maps clause id → Answer (with ``problems`` prefetched and ``evidence_count``
    annotated); without it the rows are blank (paper form).
    """
    clauses = _clauses(version)
    section_sizes: dict[Any, int] = {}
    item_sizes: dict[Any, int] = {}
    for c in clauses:
        section_sizes[c.item.section_id] = section_sizes.get(c.item.section_id, 0) + 1
        item_sizes[c.item_id] = item_sizes.get(c.item_id, 0) + 1
    seen_sections: set[Any] = set()
    seen_items: set[Any] = set()
    for c in clauses:
        first_of_section = c.item.section_id not in seen_sections
        first_of_item = c.item_id not in seen_items
        seen_sections.add(c.item.section_id)
        seen_items.add(c.item_id)
        problems = remarks = result = ""
        answer = answers.get(c.pk) if answers is not None else None
        if answer is not None:
            result = answer.get_result_display() if answer.result else ""
            problems = _number_lines([p.text for p in answer.problems.all()])
            remarks = _remarks(result, answer.remarks, getattr(answer, "evidence_count", 0))
        yield Row(
            section=c.item.section.title,
            item=c.item.text,
            clause=c.full_text,
            problems=problems,
            remarks=remarks,
            result=result,
            section_span=section_sizes[c.item.section_id] if first_of_section else 0,
            item_span=item_sizes[c.item_id] if first_of_item else 0,
            section_index=c.item.section.position,
            item_index=c.item.position,
        )


def _header_labels(version: TemplateVersion) -> list[str]:
    header = list((version.meta or {}).get("header") or [])
    if header:
        return header
    # 附件1 has no header line in the source; a government unit still names itself and signs.
    return ["填报单位：", "主要负责人：（签字）", "时间："]


def _date_text(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def blank_sheet(version: TemplateVersion) -> Sheet:
    """The paper form of one template version: the table with empty answer columns."""
    meta = version.meta or {}
    return Sheet(
        attachment=meta.get("attachment") or version.template.attachment,
        title=version.title,
        header=[
            HeaderField(label, is_signature="签字" in label) for label in _header_labels(version)
        ],
        columns=tuple(meta.get("columns") or COLUMNS),
        rows=list(iter_rows(version)),
        blank=True,
    )


def latest_signature(checklist: Checklist) -> Signature | None:
    return (
        Signature.objects.filter(checklist=checklist)
        .select_related("stored_file")
        .order_by("-signed_at", "-id")
        .first()
    )


def checklist_answers(checklist: Checklist) -> dict[Any, Answer]:
    """clause id → Answer, with problem lines and the evidence count: two queries in all."""
    answers = (
        Answer.objects.filter(checklist=checklist)
        .annotate(evidence_count=Count("evidence"))
        .prefetch_related(Prefetch("problems", queryset=ProblemLine.objects.order_by("position")))
    )
    return {a.clause_id: a for a in answers}


def checklist_sheet(checklist: Checklist) -> Sheet:
    """The filled checklist in the official layout, signed when a signature exists."""
    version = checklist.template_version
    sheet = blank_sheet(version)
    sheet.blank = False
    sheet.rows = list(iter_rows(version, checklist_answers(checklist)))
    sheet.organization_name = checklist.organization.name
    signature = latest_signature(checklist)
    moment = signature.signed_at if signature else checklist.submitted_at
    header: list[HeaderField] = []
    for field_ in sheet.header:
        if field_.is_signature:
            header.append(
                HeaderField(
                    field_.label, signature.signer_name if signature else "", is_signature=True
                )
            )
        elif field_.label.startswith(("企业名称", "填报单位", "单位名称")):
            header.append(HeaderField(field_.label, checklist.organization.name))
        elif field_.label.startswith("时间"):
            header.append(HeaderField(field_.label, _date_text(moment)))
        else:
            header.append(field_)
    sheet.header = header
    if signature is None:
        pass
    elif signature.method == SignatureMethod.DRAWN and signature.stored_file.is_image:
        sheet.signature_path = signature.stored_file.file.path
        sheet.signature_name = signature.signer_name
    else:  # the scan of the whole signed paper form is kept with the checklist, not embedded
        sheet.header = [
            HeaderField(f.label, f"{f.value}（签字扫描件已上传）", True) if f.is_signature else f
            for f in sheet.header
        ]
    sheet.extra["status"] = checklist.get_status_display()
    sheet.extra["is_government"] = version.template.kind == TemplateKind.GOVERNMENT
    return sheet
