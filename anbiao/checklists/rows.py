"""The compact read-only rows of the fill page, read with three ``values()`` queries and
written as HTML in one pass.

The fill page lists every clause (51 in 附件2). Reading model instances with prefetches and
rendering each clause through the template engine cost more than the rest of the page put
together, so each row is built here from plain tuples: clause text, answer, saved state, the
problem lines with the state of the rectification problem each one is tracked as (a link to
it), remarks, evidence links and — for 附件2 item 1 clauses (1) and (2) — the notices box.
URLs are built from prefixes (one ``reverse()`` per page, see
``test_the_row_urls_equal_the_named_routes``). Every text a user typed goes through
:func:`django.utils.html.escape`.

The full edit form of a clause is NOT here: it is the ``clause`` partial of
``checklists/checklist.html``, fetched by htmx when the user opens the clause.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import CharField, IntegerField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from anbiao.checklists.models import AnswerEvidence, AnswerResult, ProblemLine

if TYPE_CHECKING:
    from anbiao.checklists.models import Checklist

RESULT_LABELS = dict(AnswerResult.choices)


@dataclass
class Row:
    """One clause of the page with what its row shows."""

    answer_id: int
    clause_id: int
    clause_number: int
    clause_text: str
    item_id: int
    item_number: int
    item_text: str
    section_id: int
    section_position: int
    section_title: str
    result: str
    remarks: str
    version: int
    updated_at: Any
    updated_by: str
    problems: list[tuple[str, Any, str]] = field(default_factory=list)  # text, problem id, status
    evidence: list[tuple[int, str, int]] = field(default_factory=list)  # id, name, size
    notice_html: str = ""

    @property
    def text(self) -> str:
        return f"（{self.clause_number}）{self.clause_text}"


ANSWER_FIELDS = (
    "id",
    "clause_id",
    "clause__number",
    "clause__text",
    "clause__item_id",
    "clause__item__number",
    "clause__item__text",
    "clause__item__section_id",
    "clause__item__section__position",
    "clause__item__section__title",
    "result",
    "remarks",
    "version",
    "updated_at",
    "updated_by__full_name",
    "updated_by__username",
)


def rows_for(checklist: Checklist, *, clause_id: Any = None) -> list[Row]:
    """The rows of a checklist (or of one clause) in clause order: two queries, whatever the
    number of clauses, problem lines and files (answers; problem lines UNION ALL evidence)."""
    answers = checklist.answers.order_by("clause__position")
    problems = ProblemLine.objects.filter(answer__checklist=checklist)
    evidence = AnswerEvidence.objects.filter(answer__checklist=checklist)
    if clause_id is not None:
        answers = answers.filter(clause_id=clause_id)
        problems = problems.filter(answer__clause_id=clause_id)
        evidence = evidence.filter(answer__clause_id=clause_id)
    rows: dict[int, Row] = {}
    for v in answers.values_list(*ANSWER_FIELDS):
        rows[v[0]] = Row(*v[:14], v[14] or v[15] or "")
    for kind, answer_id, _sort, name, ref, extra in _lines(problems, evidence):
        if kind == 0:  # a problem line: text, tracked problem id, its status
            rows[answer_id].problems.append((name, uuid.UUID(ref) if ref else None, extra or ""))
        else:  # an evidence file: name, id, size
            rows[answer_id].evidence.append((int(ref), name, int(extra or 0)))
    return list(rows.values())


def _lines(problems: QuerySet[ProblemLine], evidence: QuerySet[AnswerEvidence]) -> Any:
    """Problem lines and evidence files in ONE query: (kind 0/1, answer id, order, text or file
    name, tracked problem id or evidence id, problem status or file size), all as text."""
    text = CharField()
    lines = problems.order_by().values_list(
        Value(0, output_field=IntegerField()),
        "answer_id",
        "position",
        "text",
        Cast("tracked_problem__id", output_field=text),
        Cast("tracked_problem__status", output_field=text),
    )
    files = evidence.order_by().values_list(
        Value(1, output_field=IntegerField()),
        "answer_id",
        "id",
        "stored_file__original_name",
        Cast("id", output_field=text),
        Cast("stored_file__size", output_field=text),
    )
    return sorted(lines.union(files, all=True), key=lambda r: (r[0], r[1], r[2]))


def _status_labels() -> dict[str, str]:
    from anbiao.rectification.models import ProblemStatus

    return dict(ProblemStatus.choices)


def problems_html(problems: list[tuple[str, Any, str]], problem_prefix: str) -> str:
    """The problem lines as an ordered list, each with its rectification state and link."""
    if not problems:
        return ""
    labels = _status_labels()
    out = ['<ol class="problem-list">']
    for text, problem_id, status in problems:
        out.append(f"<li>{escape(text)}")
        if problem_id:
            out.append(
                f' <a class="tag track-{escape(status)}" href="{problem_prefix}{problem_id}/"'
                f' title="整改跟踪">整改：{escape(labels.get(status, status))}</a>'
            )
        out.append("</li>")
    out.append("</ol>")
    return "".join(out)


def saved_text(updated_at: Any, updated_by: str) -> str:
    if not updated_at:
        return ""
    when = timezone.localtime(updated_at).strftime("%H:%M")
    return f"已保存 {when}（{updated_by}）" if updated_by else f"已保存 {when}"


def row_html(row: Row, *, base: str, problem_prefix: str, can_fill: bool) -> SafeString:
    """One clause as ``<article class="clause clause-row" id="c<clause id>">`` (escaped)."""
    cid = row.clause_id
    result = row.result
    tag_class = f"result-{result}" if result else "tag-warn"
    state = f'<span class="tag {tag_class}">{RESULT_LABELS.get(result, "未填写")}</span>'
    saved = saved_text(row.updated_at, row.updated_by)
    if saved:
        state += f' <small class="muted">{escape(saved)}</small>'
    if can_fill:
        state += (
            f' <a class="btn btn-small btn-secondary" href="?edit={cid}#c{cid}"'
            f' hx-get="{base}clause/{cid}/edit/" hx-target="#c{cid}" hx-swap="outerHTML"'
            f" data-edit>{'修改' if result else '填写'}</a>"
        )
    parts = [
        f'<article class="clause clause-row{"" if result else " is-open"}" id="c{cid}">'
        f'<div class="row-head"><p class="clause-text">{escape(row.text)}</p>'
        f'<p class="row-state">{state}</p></div>',
        problems_html(row.problems, problem_prefix),
    ]
    if row.remarks:
        parts.append(f'<p class="remarks-view">备注：{escape(row.remarks)}</p>')
    if row.evidence:
        links = "、".join(
            f'<a href="{base}evidence/{pk}/">{escape(name)}</a>' for pk, name, _ in row.evidence
        )
        parts.append(f'<p class="evidence-view">佐证材料：{links}</p>')
    parts.append(row.notice_html)
    parts.append("</article>")
    return mark_safe("".join(parts))  # noqa: S308 — every user text above is escaped


def notice_html(clause_id: int, suggestions: list[Any]) -> str:
    """The notices box of 附件2 item 1 clauses (1) and (2) (see ``selectors.notice_suggestions``)."""
    out = [
        f'<div class="notice-evidence" id="notice-evidence-{clause_id}">'
        '<span class="label">告知书与承诺书记录（可作本条佐证）</span>'
    ]
    for n in suggestions:
        label = escape(n.label)
        out.append(f'<p><a href="{n.url}">{label}</a>' if n.url else f"<p>{label}")
        if n.complete:
            out.append(' <span class="tag result-conform">已公示</span>')
        out.extend(f' · <a href="{f.url}">{escape(f.label)}</a>' for f in n.files)
        out.append("</p>")
    if not suggestions:
        out.append('<p class="muted">暂无送达本单位的告知书记录。</p>')
    out.append("</div>")
    return "".join(out)
