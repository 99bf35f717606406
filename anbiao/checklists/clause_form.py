"""One clause's answer prepared for the page: the values its compact row and its edit form
show (problem lines with their rectification state, evidence with URLs, the 附件2 1.(1)(2)
notices box), URLs built from the page's prefixes instead of one ``reverse()`` per link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from anbiao.checklists import rows
from anbiao.checklists.models import Answer, AnswerEvidence, AnswerResult, ProblemLine
from anbiao.checklists.notice_box import is_notice_clause, notice_suggestions, takes_notices
from anbiao.checklists.selectors import answer_for_clause
from anbiao.core.links import link

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.checklists.models import Checklist
    from anbiao.checklists.notice_box import NoticeSuggestion

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
        problem_rows: list[rows.RowProblem]
        evidence_list: list[ShownEvidence]
        text: str
        result_label: str
        result_class: str
        save_url: str
        upload_url: str
        edit_url: str
        saved_text: str
        notice_clause: bool
        notices: list[NoticeSuggestion]

    class FormAnswer(RowAnswer):
        """An answer prepared for its edit form (:func:`set_form_values`)."""

        f_result: str
        f_remarks: str
        f_problems: list[FormLine]
        reopen_url: str


RESULT_LABELS = dict(AnswerResult.choices)


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
    a.problem_rows = [
        rows.RowProblem(p.text, str(p.tracked_problem.pk), p.track_status, p.track_label)
        if p.track_url
        else rows.RowProblem(p.text)
        for p in a.problem_list
    ]
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
    if not hasattr(a, "notice_clause"):
        a.notice_clause, a.notices = False, []
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


def answer_view(
    checklist: Checklist, clause_id: Any, *, user: User, typed: dict[str, Any] | None = None
) -> FormAnswer:
    """One clause's answer prepared for its edit form (with the notices box on 附件2 1.(1)(2))."""
    answer = set_form_values(answer_for_clause(checklist, clause_id), typed)
    clause = answer.clause
    if takes_notices(checklist) and is_notice_clause(clause.item.number, clause.number):
        answer.notice_clause = True
        answer.notices = notice_suggestions(checklist, user=user).get(clause.number, [])
    return answer
