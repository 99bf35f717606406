"""The fill page as data: every clause as a compact row in its item and section, the progress,
and the clause whose form is open in place (``?edit=``); the template renders it.

The page shows every clause as a compact read-only row (text, answer, problems with their
rectification state, remarks, evidence); the full edit form of one clause is fetched by htmx
when the user opens it (``checklists:clause_edit``), or rendered in place for ``?edit=<id>``
without JavaScript. Everything a row shows is read here once as plain data
(:class:`anbiao.checklists.rows.Row`); the template's ``row`` partial renders it, building
URLs from the page's prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404

from anbiao.checklists import hooks, rows
from anbiao.checklists.clause_form import answer_view, checklist_prefix, problem_prefix
from anbiao.checklists.models import Answer, Checklist, ChecklistPurpose
from anbiao.checklists.notice_box import is_notice_clause, notice_suggestions, takes_notices

if TYPE_CHECKING:
    from anbiao.accounts.models import User


@dataclass
class SectionProgress:
    position: int
    title: str
    total: int = 0
    open_count: int = 0


@dataclass
class Progress:
    answered: int
    total: int
    sections: list[SectionProgress]

    @property
    def open_sections(self) -> list[SectionProgress]:
        return [s for s in self.sections if s.open_count]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass
class EditPart:
    """A clause whose full form is rendered in place (``?edit=<clause id>``, no JavaScript)."""

    answer: Answer
    editing: bool = True


@dataclass
class ItemView:
    """An item (内容) of a section with its clauses: rows, or a clause's form open in place."""

    text: str
    parts: list[rows.Row | EditPart] = field(default_factory=list)


@dataclass
class SectionView:
    position: int
    title: str
    total: int = 0
    open_count: int = 0
    items: list[ItemView] = field(default_factory=list)


@dataclass
class ChecklistPage:
    checklist: Checklist
    sections: list[SectionView]
    answered: int
    total: int
    conform_url: str = ""  # 全部设为符合 (the form's writers while it is editable), else ""
    base: str = ""  # the checklist's URL prefix (the rows' links are built from it)
    problem_prefix: str = ""  # the rectification problems' URL prefix

    @property
    def progress(self) -> Progress:
        return Progress(
            self.answered,
            self.total,
            [SectionProgress(s.position, s.title, s.total, s.open_count) for s in self.sections],
        )

    @property
    def open_sections(self) -> list[SectionView]:
        return [s for s in self.sections if s.open_count]

    @property
    def open_count(self) -> int:
        return self.total - self.answered

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def checklist_page(
    checklist: Checklist, *, user: User | None = None, edit: Any = None, can_fill: bool = False
) -> ChecklistPage:
    """Everything the fill page shows; the query count does not grow with the content.

    Each clause is a compact row (:mod:`anbiao.checklists.rows`); ``edit``: the clause id whose
    full form is rendered in place instead (the no-JavaScript path, only when ``can_fill``).
    """
    base = checklist_prefix(checklist.pk)
    found = rows.read_rows(checklist)
    if user is not None:
        _attach_notices(checklist, found, user=user)
    _attach_extras(checklist, found)
    sections: dict[int, SectionView] = {}
    answered = total = 0
    view: SectionView | None = None
    item: ItemView | None = None
    item_id = None
    for r in found.rows:
        r.edit_url = f"{base}clause/{r.cid}/edit/"
        if view is None or r.section_id not in sections:
            view = sections[r.section_id] = SectionView(r.section_position, r.section_title)
        if item is None or r.item_id != item_id:
            item = ItemView(r.item_text)
            view.items.append(item)
            item_id = r.item_id
        view.total += 1
        total += 1
        if r.result:
            answered += 1
        else:
            view.open_count += 1
        if can_fill and edit is not None and str(r.clause_id) == str(edit):
            answer = answer_view(checklist, r.clause_id, user=user)  # type: ignore[arg-type]
            item.parts.append(EditPart(answer))
        else:
            item.parts.append(r)
    conform_url = f"{base}conform/" if can_fill and checklist.is_editable else ""
    return ChecklistPage(
        checklist,
        list(sections.values()),
        answered,
        total,
        conform_url=conform_url,
        base=base,
        problem_prefix=problem_prefix(),
    )


def row_for_clause(checklist: Checklist, clause_id: Any, *, user: User) -> rows.Row:
    """One clause's compact row (the htmx "收起" answer), or 404."""
    found = rows.read_rows(checklist, clause_id=clause_id)
    if not found.rows:
        raise Http404("对象不存在或无权访问")
    _attach_notices(checklist, found, user=user)
    _attach_extras(checklist, found)
    row = found.rows[0]
    row.edit_url = f"{checklist_prefix(checklist.pk)}clause/{row.cid}/edit/"
    return row


def _attach_notices(checklist: Checklist, found: rows.Rows, *, user: User) -> None:
    """The notices box on 附件2 item 1 clauses (1) and (2); the query only when notices were
    delivered to the enterprise (else the box says there are none)."""
    if not takes_notices(checklist):
        return
    targets = [r for r in found.rows if is_notice_clause(r.item_number, r.clause_number)]
    if not targets:
        return
    suggestions = notice_suggestions(checklist, user=user) if found.has_notices else {}
    for r in targets:
        r.notice_clause = True
        r.notices = suggestions.get(r.clause_number, [])


def _attach_extras(checklist: Checklist, found: rows.Rows) -> None:
    """Last campaign's answer per clause (two queries, only when there was an earlier
    campaign) and the linked work records (one query, only when the answers query's probe found
    some: hook ``linked_records_probe``), both contributed by other apps through
    :mod:`anbiao.checklists.hooks`."""
    if not found.rows or checklist.purpose != ChecklistPurpose.LOOKBACK:
        return
    previous: dict[int, Any] = {}
    if found.has_previous:
        for provide in hooks.previous_answers.providers():
            previous.update(provide(checklist))
    by_answer = {r.answer_id: r for r in found.rows}
    for provide_records in hooks.linked_records.providers() if found.has_records else ():
        for answer_id, records in provide_records(list(by_answer)).items():
            by_answer[answer_id].records.extend(records)
    if not previous and not any(r.records for r in found.rows):
        return
    for r in found.rows:
        r.previous = previous.get(r.clause_position)
        r.previous_closed = sum(p.closed for p in r.previous.problems) if r.previous else 0
        r.record_links = [rows.RecordLink(url, label) for url, label in r.records]


def progress_summary(checklist: Checklist) -> Progress:
    """Answered/total clauses and the sections still open, in one query (for htmx updates)."""
    from django.db.models import Count

    rows = (
        checklist.answers.values("clause__item__section__position", "clause__item__section__title")
        .annotate(total=Count("id"), open=Count("id", filter=Q(result="")))
        .order_by("clause__item__section__position")
    )
    sections = [
        SectionProgress(
            r["clause__item__section__position"],
            r["clause__item__section__title"],
            r["total"],
            r["open"],
        )
        for r in rows
    ]
    total = sum(s.total for s in sections)
    return Progress(total - sum(s.open_count for s in sections), total, sections)
