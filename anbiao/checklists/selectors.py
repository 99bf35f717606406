"""Reads of checklists, always through the user's scope.

Scope of a user over look-back checklists (:func:`checklists_for_user`):
city office — all; department — its own units' checklists and those of the enterprises whose
PRIMARY department it is; town — its own units' and those of the enterprises located in it
(read only); enterprise — its own. Reviewing (accept/return): the city office for every unit,
a department for its primary enterprises (:func:`can_review`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from anbiao.accounts.models import Role
from anbiao.checklists import hooks, rows
from anbiao.checklists.models import (
    SUBMITTED_STATUSES,
    Answer,
    AnswerEvidence,
    AnswerResult,
    Checklist,
    ChecklistPurpose,
    ChecklistStatus,
    ProblemLine,
)
from anbiao.core import fetch
from anbiao.core.access import get_in_scope_or_404, own_unit_ids
from anbiao.core.links import link
from anbiao.orgs import scope
from anbiao.orgs.models import Enterprise, Organization, OrgKind

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign

    # What set_row_values / set_form_values attach to the instances they prepare (for the type
    # checker only: at run time they are the plain model instances, with these attributes set).

    class TrackedLine(ProblemLine):
        """A problem line with the state of the rectification problem it is tracked as."""

        track_url: str
        track_label: str
        track_status: str

    class ShownEvidence(AnswerEvidence):
        """An evidence file with its URLs, name and size."""

        download_url: str
        delete_url: str
        name: str
        size_text: str

    class RowAnswer(Answer):
        """An answer prepared for its compact row (:func:`set_row_values`)."""

        problem_list: list[TrackedLine]
        problems_html: SafeString
        evidence_list: list[ShownEvidence]
        text: str
        result_label: str
        result_class: str
        save_url: str
        upload_url: str
        edit_url: str
        saved_text: str
        notice_html: str

    class FormAnswer(RowAnswer):
        """An answer prepared for its edit form (:func:`set_form_values`)."""

        f_result: str
        f_remarks: str
        f_problems: list[FormLine]
        reopen_url: str


REVIEWER_ROLES = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def checklist_filter(user: User, prefix: str = "") -> Q:
    """A Q over Checklist (or a model reaching it through ``prefix``) for the user's scope."""
    org = user.organization
    p = prefix
    if org is None or not org.is_active or not user.is_active:
        return Q(pk__in=[])
    ids = {org.pk} if org.kind == OrgKind.ENTERPRISE else own_unit_ids(user)
    return scope.counted_orgs_q(org.kind, ids, f"{p}organization")


RELATED = ("organization", "campaign", "template_version", "template_version__template")


def checklists_for_user(user: User) -> QuerySet[Checklist]:
    return Checklist.objects.select_related(*RELATED).filter(checklist_filter(user))


def _plain_scope(user: User) -> tuple[str, list[Any]] | None:
    """:func:`checklist_filter` for the two kinds whose rule is a plain column test — an
    enterprise sees its own checklists, the city office every one — as SQL over the checklist
    table (alias ``t0``); None for the other kinds (and for an inactive user or unit), which go
    through the ORM. ``test_the_plain_scope_answers_as_checklist_filter`` holds the two equal
    for every persona."""
    org = user.organization
    if org is None or not org.is_active or not user.is_active:
        return None
    plain, owner = scope.sole_owner(org)
    if not plain:
        return None
    if owner is None:
        return "", []
    return _own_sql(), [fetch.prep(Checklist, "organization", owner)]


def _own_sql() -> str:
    column = Checklist._meta.get_field("organization").column
    return f' AND t0."{column}" = %s'


def _fetch(pk: Any, scope: tuple[str, list[Any]]) -> Checklist:
    """One checklist with its organization, campaign and template version in one plain query
    (:mod:`anbiao.core.fetch`: compiling the ORM's four-table query cost more than the rest of
    the fill page's own work), or 404."""
    where, params = scope
    try:
        key = fetch.prep(Checklist, "id", pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404("对象不存在或无权访问") from exc
    found = fetch.fetch_one(
        Checklist, related=RELATED, where=f't0."id" = %s{where}', params=[key, *params]
    )
    if found is None:
        raise Http404("对象不存在或无权访问")
    return found


def checklist_get(*, user: User, pk: Any) -> Checklist:
    """A checklist in the user's scope, or 404."""
    scope = _plain_scope(user)
    if scope is not None:
        return _fetch(pk, scope)
    return get_in_scope_or_404(checklists_for_user(user), pk=pk)


def own_checklist_get(*, user: User, pk: Any) -> Checklist:
    """A look-back checklist of the user's own organization (for filling), or 404.

    Inspection checklists (purpose=inspection) are filled by the inspecting unit through the
    inspections app, never by the inspected organization.
    """
    org = user.organization
    if org is not None and org.is_active and user.is_active:
        purpose = Checklist._meta.get_field("purpose").column
        return _fetch(
            pk,
            (
                f'{_own_sql()} AND t0."{purpose}" = %s',
                [fetch.prep(Checklist, "organization", org.pk), ChecklistPurpose.LOOKBACK.value],
            ),
        )
    # Without a unit, IS NULL matches no checklist; the stubs do not take None here.
    qs = checklists_for_user(user).filter(
        organization_id=org.pk if org else None,  # type: ignore[misc]
        purpose=ChecklistPurpose.LOOKBACK,
    )
    return get_in_scope_or_404(qs, pk=pk)


def can_review(user: User, checklist: Checklist) -> bool:
    """Whether the user's unit accepts or returns this checklist."""
    org = user.organization
    if org is None or not user.has_role(*REVIEWER_ROLES):
        return False
    if org.kind == OrgKind.CITY:
        return True
    if org.kind == OrgKind.DEPARTMENT and checklist.organization.kind == OrgKind.ENTERPRISE:
        unit = scope.Scope.of(org, own_unit_ids(user))
        return scope.counts_enterprise(unit, checklist.organization_id)
    return False


def can_fill(user: User, checklist: Checklist) -> bool:
    from anbiao.core.access import can_write

    return (
        checklist.purpose == ChecklistPurpose.LOOKBACK
        and checklist.organization_id == getattr(user.organization, "pk", None)
        and can_write(user)
        and checklist.is_editable
    )


def submitted_lookbacks(campaign: Campaign | None = None) -> QuerySet[Checklist]:
    """Look-back checklists that count as submitted (submitted or accepted; not returned)."""
    qs = Checklist.objects.filter(purpose=ChecklistPurpose.LOOKBACK, status__in=SUBMITTED_STATUSES)
    return qs.filter(campaign=campaign) if campaign is not None else qs


# --- the fill page ----------------------------------------------------------------------------
#
# The page shows every clause as a compact read-only row (text, answer, problems with their
# rectification state, remarks, evidence); the full edit form of one clause is fetched by htmx
# when the user opens it (``checklists:clause_edit``), or rendered in place for ``?edit=<id>``
# without JavaScript. Everything a row shows is computed here once, as plain strings and URLs
# built from prefixes, so the template does few lookups per clause.

RESULT_LABELS = dict(AnswerResult.choices)


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
class SectionView:
    position: int
    title: str
    total: int = 0
    open_count: int = 0
    parts: list[Any] = field(default_factory=list)  # SafeString (rows) or EditPart


@dataclass
class ChecklistPage:
    checklist: Checklist
    sections: list[SectionView]
    answered: int
    total: int

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
    def html(self) -> SafeString:
        """Every section with its rows as one piece of HTML — the template loops over the
        sections itself only when a clause's form is open in place (``?edit=``)."""
        if any(not isinstance(p, str) for s in self.sections for p in s.parts):
            return mark_safe("")  # noqa: S308
        return mark_safe(  # noqa: S308 — the rows are escaped; the titles are escaped here
            "".join(
                f'<section class="cl-section" id="s{s.position}">\n'
                f"<h2>{rows.escape(s.title)}</h2>\n{''.join(s.parts)}\n</section>\n"
                for s in self.sections
            )
        )

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def answers_with_content(checklist: Checklist) -> QuerySet[Answer]:
    """All answers with clause, item, section, problems (and the rectification problem each
    one is tracked as) and evidence, in a fixed number of queries."""
    return (
        checklist.answers.select_related("clause__item__section", "updated_by")
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=ProblemLine.objects.select_related("tracked_problem").order_by("position"),
            ),
            Prefetch(
                "evidence",
                queryset=AnswerEvidence.objects.select_related("stored_file").order_by(
                    "added_at", "id"
                ),
            ),
        )
        .order_by("clause__position")
    )


def checklist_prefix(checklist_id: Any) -> str:
    """The checklist's URL prefix; per-clause URLs are built from it (no reverse per page)."""
    return link("checklists:detail", checklist_id)


def problem_prefix() -> str:
    """The rectification problem URL prefix (``rectification:problem_detail`` = prefix + pk/)."""
    return link("rectification:problem_list")


def _track(line: ProblemLine, prefix: str) -> TrackedLine:
    """``track_url`` / ``track_label`` / ``track_status`` of a problem line (prefetched)."""
    from anbiao.rectification.models import ProblemStatus

    shown = cast("TrackedLine", line)
    tracked = getattr(line, "tracked_problem", None)
    if tracked is None:
        shown.track_url = shown.track_label = shown.track_status = ""
        return shown
    shown.track_url = f"{prefix}{tracked.pk}/"
    shown.track_status = tracked.status
    shown.track_label = ProblemStatus(tracked.status).label
    return shown


def set_row_values(
    answer: Answer, prefix: str | None = None, problems_prefix: str | None = None
) -> RowAnswer:
    """Prepare an answer for the compact read-only row (and the parts the form shares).

    ``problem_list`` / ``evidence_list``: the prefetched rows, read once, each problem line with
    its rectification state and link, each file with its URLs, name and size; ``save_url``,
    ``upload_url``, ``edit_url``: built from the page's URL prefix instead of one ``reverse()``
    per link (the page has 51 clauses); ``text``, ``result_label``, ``saved_text``: strings.
    """
    from django.template.defaultfilters import filesizeformat

    a = cast("RowAnswer", answer)
    base = prefix or checklist_prefix(answer.checklist_id)
    pprefix = problems_prefix or problem_prefix()
    a.problem_list = [_track(line, pprefix) for line in answer.problems.all()]
    a.problems_html = mark_safe(  # noqa: S308 — rows.problems_html escapes every text
        rows.problems_html(
            [
                (p.text, p.track_url and p.tracked_problem.pk, p.track_status)
                for p in a.problem_list
            ],
            pprefix,
        )
    )
    a.evidence_list = cast("list[ShownEvidence]", list(answer.evidence.all()))
    for e in a.evidence_list:
        e.download_url = f"{base}evidence/{e.pk}/"
        e.delete_url = f"{base}evidence/{e.pk}/delete/"
        e.name = e.stored_file.original_name
        e.size_text = filesizeformat(e.stored_file.size)
    clause = answer.clause
    a.text = clause.full_text
    a.result_label = RESULT_LABELS.get(answer.result, "未填写")
    a.result_class = f"result-{answer.result}" if answer.result else "tag-warn"
    a.save_url = f"{base}clause/{answer.clause_id}/"
    a.upload_url = f"{base}clause/{answer.clause_id}/evidence/"
    a.edit_url = f"{base}clause/{answer.clause_id}/edit/"
    a.saved_text = rows.saved_text(
        answer.updated_at, answer.updated_by.display_name if answer.updated_by else ""
    )
    if not hasattr(a, "notice_html"):
        a.notice_html = ""
    return a


@dataclass(frozen=True)
class FormLine:
    """One 存在问题 line of the clause form: the id of the problem it is ("" for a line the
    user added), its text, and that problem's state and link. A 已销号 line is read-only
    (``closed``): its text changes only after 重新打开."""

    problem_id: str
    text: str
    status: str = ""
    status_label: str = ""
    url: str = ""

    @property
    def closed(self) -> bool:
        return self.status == "closed"

    @property
    def confirm_delete(self) -> bool:
        """Deleting withdraws a problem whose rectification has begun: ask first."""
        return self.status in ("in_progress", "awaiting", "closed")


def _form_line(problem_id: str, text: str, line: TrackedLine | None) -> FormLine:
    if line is None:  # an added line, or one whose problem is gone: saved again, it is new
        return FormLine("", text)
    shown = line.text if line.track_status == "closed" else text
    return FormLine(problem_id, shown, line.track_status, line.track_label, line.track_url)


def set_form_values(
    answer: Answer, typed: dict[str, Any] | None = None, prefix: str | None = None
) -> FormAnswer:
    """Prepare an answer for the clause edit form (the row values plus ``f_*``).

    ``f_*``: what the form shows (the user's typed input when given, else the saved values);
    ``f_problems``: :class:`FormLine` s, each bound to its problem's id. ``typed["problems"]``
    is (problem id, text) pairs as posted.
    """
    a = cast("FormAnswer", set_row_values(answer, prefix))
    base = prefix or checklist_prefix(answer.checklist_id)
    a.reopen_url = f"{base}clause/{answer.clause_id}/reopen/"
    tracked = {str(p.tracked_problem.pk): p for p in a.problem_list if p.track_url}
    if typed is not None:
        a.f_result = typed["result"]
        a.f_remarks = typed["remarks"]
        a.f_problems = [_form_line(pid, text, tracked.get(pid)) for pid, text in typed["problems"]]
    else:
        a.f_result = answer.result
        a.f_remarks = answer.remarks
        a.f_problems = [
            _form_line(str(p.tracked_problem.pk) if p.track_url else "", p.text, p)
            for p in a.problem_list
        ]
    return a


# 附件2 item 1: clause (1) 告知书公示, clause (2) 承诺书签订并公示 — proved by the notices app.
NOTICE_ITEM, NOTICE_CLAUSES = 1, (1, 2)


@dataclass
class NoticeLink:
    label: str
    url: str


@dataclass
class NoticeSuggestion:
    label: str
    url: str
    complete: bool
    files: list[NoticeLink]


def notice_suggestions(checklist: Checklist, *, user: User) -> dict[int, list[NoticeSuggestion]]:
    """Evidence suggestions from the notices app for 附件2 item 1 clauses (1) and (2).

    {clause number: [suggestion, …]}; one query, and none for government checklists.
    """
    from anbiao.notices.selectors import notice_evidence_for_enterprise

    if not _takes_notices(checklist):
        return {}
    own = getattr(user.organization, "pk", None) == checklist.organization_id
    out: dict[int, list[NoticeSuggestion]] = {}
    for ev in notice_evidence_for_enterprise(checklist.organization_id):
        d = ev.delivery
        files = []
        for f in ev.files:
            if f.pk == d.notice.document_id:
                files.append(NoticeLink("告知书", reverse("notices:document", args=[d.notice_id])))
            elif f.pk == d.commitment_file_id:
                url = reverse("notices:delivery_file", args=[d.pk, "commitment"])
                files.append(NoticeLink("承诺书", url))
            elif f.pk == d.posted_photo_id:
                url = reverse("notices:delivery_file", args=[d.pk, "photo"])
                files.append(NoticeLink("公示照片", url))
        url = reverse("notices:delivery", args=[d.pk]) if own else ""
        out.setdefault(ev.clause, []).append(NoticeSuggestion(ev.label, url, ev.complete, files))
    return out


def _takes_notices(checklist: Checklist) -> bool:
    """附件2 of an enterprise: its item 1 clauses (1) and (2) get notice suggestions."""
    return (
        checklist.template_version.template.kind == "enterprise"
        and checklist.organization.kind == OrgKind.ENTERPRISE
    )


def _is_notice_clause(item_number: int, clause_number: int) -> bool:
    return item_number == NOTICE_ITEM and clause_number in NOTICE_CLAUSES


def checklist_page(
    checklist: Checklist, *, user: User | None = None, edit: Any = None, can_fill: bool = False
) -> ChecklistPage:
    """Everything the fill page shows; the query count does not grow with the content.

    Each clause is a compact row (:mod:`anbiao.checklists.rows`); ``edit``: the clause id whose
    full form is rendered in place instead (the no-JavaScript path, only when ``can_fill``).
    """
    base = checklist_prefix(checklist.pk)
    pprefix = problem_prefix()
    found = rows.read_rows(checklist)
    all_rows = found.rows
    if user is not None:
        _attach_notices(checklist, found, user=user)
    _attach_extras(checklist, found)
    sections: dict[int, SectionView] = {}
    answered = total = 0
    item_id = section_id = None
    chunk: list[str] = []
    view: SectionView | None = None
    for r in all_rows:
        if view is None or r.section_id != section_id:
            if view is not None and chunk:
                view.parts.append(mark_safe("".join(chunk)))  # noqa: S308 — escaped rows
            chunk = []
            view = sections[r.section_id] = SectionView(r.section_position, r.section_title)
            section_id = r.section_id
        if r.item_id != item_id:
            chunk.append(f'<h3 class="cl-item">{r.info.item_html}</h3>')
            item_id = r.item_id
        view.total += 1
        total += 1
        if r.result:
            answered += 1
        else:
            view.open_count += 1
        if can_fill and edit is not None and str(r.clause_id) == str(edit):
            if chunk:
                view.parts.append(mark_safe("".join(chunk)))  # noqa: S308 — escaped rows
                chunk = []
            answer = answer_view(checklist, r.clause_id, user=user)  # type: ignore[arg-type]
            view.parts.append(EditPart(answer))
            continue
        chunk.append(rows.row_html(r, base=base, problem_prefix=pprefix, can_fill=can_fill))
    if view is not None and chunk:
        view.parts.append(mark_safe("".join(chunk)))  # noqa: S308 — escaped rows
    return ChecklistPage(checklist, list(sections.values()), answered, total)


def row_for_clause(checklist: Checklist, clause_id: Any, *, user: User, can_fill: bool) -> str:
    """One clause's compact row (the htmx "收起" answer), or 404."""
    found = rows.read_rows(checklist, clause_id=clause_id)
    if not found.rows:
        raise Http404("对象不存在或无权访问")
    r = found.rows[0]
    _attach_notices(checklist, found, user=user)
    _attach_extras(checklist, found)
    return rows.row_html(
        r, base=checklist_prefix(checklist.pk), problem_prefix=problem_prefix(), can_fill=can_fill
    )


def _attach_notices(checklist: Checklist, found: rows.Rows, *, user: User) -> None:
    """The notices box on 附件2 item 1 clauses (1) and (2); the query only when notices were
    delivered to the enterprise (else the box says there are none)."""
    if not _takes_notices(checklist):
        return
    targets = [r for r in found.rows if _is_notice_clause(r.item_number, r.clause_number)]
    if not targets:
        return
    suggestions = notice_suggestions(checklist, user=user) if found.has_notices else {}
    for r in targets:
        r.notice_html = rows.notice_html(r.clause_id, suggestions.get(r.clause_number, []))


def _attach_extras(checklist: Checklist, found: rows.Rows) -> None:
    """Last campaign's answer per clause (two queries, only when there was an earlier
    campaign) and the linked work records (one query), both contributed by other apps through
    :mod:`anbiao.checklists.hooks`."""
    if not found.rows or checklist.purpose != ChecklistPurpose.LOOKBACK:
        return
    previous: dict[int, Any] = {}
    if found.has_previous:
        for provide in hooks.previous_answers.providers():
            previous.update(provide(checklist))
    by_answer = {r.answer_id: r for r in found.rows}
    for provide_records in hooks.linked_records.providers():
        for answer_id, records in provide_records(list(by_answer)).items():
            by_answer[answer_id].records.extend(records)
    if not previous and not any(r.records for r in found.rows):
        return
    for r in found.rows:
        r.extra_html = rows.extras_html(previous.get(r.clause_position), r.records)


def answer_for_clause(checklist: Checklist, clause_id: Any) -> Answer:
    return get_in_scope_or_404(answers_with_content(checklist), clause_id=clause_id)


def answer_problem(answer: Answer, problem_id: Any) -> Any:
    """The active rectification problem tracked from one of ``answer``'s lines, or 404."""
    import uuid

    from anbiao.rectification.models import Problem

    try:
        pk = uuid.UUID(str(problem_id))
    except ValueError as exc:
        raise Http404("对象不存在或无权访问") from exc
    return get_in_scope_or_404(
        Problem.objects.active().filter(answer=answer, problem_line__isnull=False), pk=pk
    )


def answer_view(
    checklist: Checklist, clause_id: Any, *, user: User, typed: dict[str, Any] | None = None
) -> FormAnswer:
    """One clause's answer prepared for its edit form (with the notices box on 附件2 1.(1)(2))."""
    answer = set_form_values(answer_for_clause(checklist, clause_id), typed)
    clause = answer.clause
    if _takes_notices(checklist) and _is_notice_clause(clause.item.number, clause.number):
        suggestions = notice_suggestions(checklist, user=user).get(clause.number, [])
        answer.notice_html = mark_safe(rows.notice_html(clause.pk, suggestions))  # noqa: S308
    return answer


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


def progress(checklist: Checklist) -> tuple[int, int]:
    """(answered, total) clauses."""
    total = checklist.answers.count()
    return total - checklist.answers.filter(result="").count(), total


# --- supervisor lists -------------------------------------------------------------------------


@dataclass
class Row:
    organization: Organization
    enterprise: Enterprise | None
    checklist: Checklist | None
    deadline: date | None
    answered: int = 0
    total: int = 0

    @property
    def state(self) -> str:
        if self.checklist is None or self.checklist.status == ChecklistStatus.DRAFT:
            return "not_submitted"
        return self.checklist.status

    @property
    def state_label(self) -> str:
        if self.checklist is None:
            return "未开始"
        return self.checklist.get_status_display()

    @property
    def overdue(self) -> bool:
        return (
            self.deadline is not None
            and timezone.localdate() > self.deadline
            and self.state in ("not_submitted", ChecklistStatus.RETURNED)
        )


STATES = {
    "submitted": "已提交待审核",
    "not_submitted": "未提交",
    "returned": "已退回",
    "accepted": "已通过",
    "all": "全部",
}


def supervision_rows(
    *,
    user: User,
    campaign: Campaign,
    kind: str = "enterprise",
    town: str = "",
    department: str = "",
    size_class: str = "",
) -> list[Row]:
    """One row per unit in the user's scope with its look-back checklist (or none yet).

    ``kind`` "enterprise": enterprises (department: primary ones; town: located in it);
    "government": government units (city office only; others see their own units).
    """
    org = user.organization
    if org is None:
        return []
    rows: list[Row] = []
    units: list[tuple[Organization, Enterprise | None]]
    if kind == "enterprise":
        ents = Enterprise.objects.select_related("organization", "town", "department").filter(
            is_closed=False, organization__is_active=True
        )
        ids = {org.pk} if org.kind == OrgKind.ENTERPRISE else own_unit_ids(user)
        ents = ents.filter(scope.counted_enterprises_q(org.kind, ids))
        # The stubs want a UUID here; Django takes its text form as well.
        if town:
            ents = ents.filter(town_id=town)  # type: ignore[misc]
        if department:
            ents = ents.filter(department_id=department)  # type: ignore[misc]
        if size_class:
            ents = ents.filter(size_class=size_class)
        units = [(e.organization, e) for e in ents.order_by("organization__name")]
        deadline = campaign.enterprise_deadline
    else:
        orgs = Organization.objects.filter(
            kind__in=(OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN), is_active=True
        )
        if org.kind != OrgKind.CITY:
            orgs = orgs.filter(pk__in=own_unit_ids(user))
        units = [(o, None) for o in orgs.order_by("kind", "sort_order", "name")]
        deadline = campaign.government_deadline
    org_ids = [o.pk for o, _ in units]
    checklists = {
        c.organization_id: c
        for c in Checklist.objects.filter(
            campaign=campaign, purpose=ChecklistPurpose.LOOKBACK, organization_id__in=org_ids
        )
    }
    counts = _answer_counts(list(checklists.values()))
    for o, e in units:
        c = checklists.get(o.pk)
        answered, total = counts.get(c.pk, (0, 0)) if c else (0, 0)
        rows.append(Row(o, e, c, deadline, answered, total))
    return rows


def _answer_counts(checklists: list[Checklist]) -> dict[Any, tuple[int, int]]:
    from django.db.models import Count

    if not checklists:
        return {}
    data = (
        Answer.objects.filter(checklist__in=checklists)
        .values("checklist_id")
        .annotate(total=Count("id"), answered=Count("id", filter=~Q(result="")))
    )
    return {d["checklist_id"]: (d["answered"], d["total"]) for d in data}


def pending_review_count(user: User, campaign: Campaign | None = None) -> int:
    """Submitted look-backs waiting for this user's unit to accept or return."""
    org = user.organization
    if org is None or not user.has_role(*REVIEWER_ROLES):
        return 0
    qs = Checklist.objects.filter(
        purpose=ChecklistPurpose.LOOKBACK, status=ChecklistStatus.SUBMITTED
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if org.kind == OrgKind.CITY:
        return qs.count()
    if org.kind == OrgKind.DEPARTMENT:
        enterprises = Q(organization__kind=OrgKind.ENTERPRISE)
        counted = scope.counted_orgs_q(org.kind, own_unit_ids(user), "organization")
        return qs.filter(enterprises & counted).count()
    return 0
