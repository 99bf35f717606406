"""What an uploaded offline-filling file would change, clause by clause. Writes nothing.

Per row of the file (one clause): the 结论, the 存在问题 lines (one per line of the cell) and the
备注 are checked with the web form's own rules (:func:`anbiao.checklists.services.answer_validate`)
and compared with the clause as it is now:

- the same as now: unchanged (whatever happened since the download);
- different, and the answer's version is still the one the file was downloaded with: a change;
- different, and someone saved the clause since the download: **stale** — flagged, never applied.

Problem lines keep their problem by text (ADR 0006 keeps identity by the problem's id; a file
cannot carry it per line, so): a line whose text equals one of the clause's current lines is
that line's problem (its 五定, evidence and state stay); any other line is a new problem; a
current line no longer in the file is withdrawn (已撤销). A line whose text was edited therefore
shows as 撤销 the old one and 新增 the new one; a correction that keeps the problem's record is
made in the web form. Every issue names the row and the column.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import timezone

from anbiao.checklists.models import Answer, AnswerResult, ProblemLine
from anbiao.checklists.roundtrip.reader import FileRow, OfflineFile, WorkbookError, cell_text
from anbiao.checklists.roundtrip.workbook import (
    COL_CLAUSE,
    COL_KEY,
    COL_PROBLEMS,
    COL_REMARKS,
    COL_RESULT,
)
from anbiao.checklists.services import AnswerInput, LineInput, answer_validate
from anbiao.orgs.registry.table import column_letter

if TYPE_CHECKING:
    from anbiao.checklists.models import Checklist

RESULT_BY_LABEL = {label: code for code, label in AnswerResult.choices}
RESULT_LABELS = dict(AnswerResult.choices)
COLUMN_NAMES = {
    COL_CLAUSE: "“回头看”细则",
    COL_RESULT: "结论",
    COL_PROBLEMS: "存在问题",
    COL_REMARKS: "备注",
    COL_KEY: "细则编号（隐藏列）",
}
FIELD_COLUMNS = {"result": COL_RESULT, "problems": COL_PROBLEMS, "remarks": COL_REMARKS}
KEEP, ADD, WITHDRAW = "keep", "add", "withdraw"
STARTED = ("in_progress", "awaiting", "closed")  # a withdrawal loses rectification work


@dataclass(frozen=True)
class Issue:
    """One error of the file, at a row and (usually) a column."""

    row_no: int
    column: int | None
    message: str
    value: str = ""

    @property
    def column_name(self) -> str:
        return COLUMN_NAMES.get(self.column, "") if self.column else ""

    @property
    def letter(self) -> str:
        return column_letter(self.column - 1) if self.column else ""

    @property
    def where(self) -> str:
        """“第 7 行，“结论”列（D 列）”."""
        if not self.column:
            return f"第 {self.row_no} 行"
        return f"第 {self.row_no} 行，“{self.column_name}”列（{self.letter} 列）"

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


@dataclass(frozen=True)
class Line:
    """One 存在问题 line of the preview: kept, added or withdrawn, with its problem's state."""

    action: str
    text: str
    status: str = ""
    status_label: str = ""

    @property
    def action_label(self) -> str:
        return {KEEP: "保留", ADD: "新增", WITHDRAW: "撤销"}[self.action]

    @property
    def loses_work(self) -> bool:
        """Withdrawing a problem whose rectification has begun (or is closed)."""
        return self.action == WITHDRAW and self.status in STARTED


@dataclass
class ClauseChange:
    """What the file would do to one clause (applied only when not ``stale``)."""

    row_no: int
    answer: Answer
    expected_version: int
    result: str
    remarks: str
    inputs: list[LineInput]
    lines: list[Line]
    stale: bool = False
    stale_note: str = ""

    @property
    def code(self) -> str:
        return self.answer.clause.code

    @property
    def clause_text(self) -> str:
        return self.answer.clause.full_text

    @property
    def old_result_label(self) -> str:
        return RESULT_LABELS.get(self.answer.result, "")

    @property
    def new_result_label(self) -> str:
        return RESULT_LABELS.get(self.result, "")

    @property
    def result_changed(self) -> bool:
        return self.result != self.answer.result

    @property
    def remarks_changed(self) -> bool:
        return self.remarks != self.answer.remarks

    @property
    def problems_changed(self) -> bool:
        return any(line.action != KEEP for line in self.lines) or [i.text for i in self.inputs] != [
            line.text for line in self.answer.problems.all()
        ]

    @property
    def reordered(self) -> bool:
        return self.problems_changed and all(line.action == KEEP for line in self.lines)

    @property
    def data(self) -> AnswerInput:
        return AnswerInput(self.result, self.remarks, self.inputs)


@dataclass
class Plan:
    """The preview: changes to apply, stale clauses (not applied), errors, clauses not in the file."""

    changes: list[ClauseChange] = field(default_factory=list)
    stale: list[ClauseChange] = field(default_factory=list)
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        return not self.issues and bool(self.changes)

    @property
    def withdrawals_with_work(self) -> int:
        return sum(line.loses_work for c in self.changes for line in c.lines)

    def digest(self) -> str:
        """A fingerprint of what confirming would write: confirm refuses a plan that differs."""
        payload = {
            "changes": [
                [
                    c.answer.pk,
                    c.expected_version,
                    c.result,
                    c.remarks,
                    [[i.problem_id, i.text] for i in c.inputs],
                ]
                for c in self.changes
            ],
            "stale": [[c.answer.pk, c.answer.version] for c in self.stale],
            "issues": [str(i) for i in self.issues],
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


def check_identity(checklist: Checklist, offline: OfflineFile) -> None:
    """Refuse a file of another organization or another checklist (Chinese message)."""
    identity = offline.identity
    if identity.organization != str(checklist.organization_id):
        raise WorkbookError(
            "这份文件是其他单位的离线填写文件，不能上传到本单位的细则。"
            "请在本单位的细则页面下载离线填写文件，填写后再上传。"
        )
    if identity.checklist != str(checklist.pk) or identity.template_version != (
        checklist.template_version_id
    ):
        raise WorkbookError(
            "这份文件是本单位另一份细则（其他专项行动或用途）的离线填写文件，不能上传到这份细则。"
            "请在这份细则的页面下载离线填写文件，填写后再上传。"
        )
    if not checklist.is_editable:
        raise WorkbookError(
            f"这份细则当前状态为“{checklist.get_status_display()}”，已锁定，不能再上传离线填写文件。"
        )


def _same_text(a: Any, b: str) -> bool:
    def norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split())

    return norm(cell_text(a)) == norm(b)


def _current_answers(checklist: Checklist) -> dict[int, Answer]:
    lines = ProblemLine.objects.select_related("tracked_problem").order_by("position")
    answers = (
        checklist.answers.select_related("clause__item", "updated_by")
        .prefetch_related(Prefetch("problems", queryset=lines))
        .order_by("clause__position")
    )
    return {a.clause_id: a for a in answers}


def _tracked(line: ProblemLine) -> tuple[str, str, str]:
    """(problem id, status, status label) of the active problem a line is tracked as."""
    from anbiao.rectification.models import ProblemStatus

    problem = getattr(line, "tracked_problem", None)
    if problem is None or problem.status == ProblemStatus.WITHDRAWN:
        return "", "", ""
    return str(problem.pk), problem.status, ProblemStatus(problem.status).label


def match_lines(answer: Answer, texts: list[str]) -> tuple[list[LineInput], list[Line]]:
    """Each typed line with the problem it keeps (same text as a current line) or none (new),
    and the preview's lines: kept and added in file order, then the withdrawn ones."""
    available = list(answer.problems.all())
    inputs: list[LineInput] = []
    shown: list[Line] = []
    for text in texts:
        same = next((line for line in available if line.text.strip() == text), None)
        if same is None:
            inputs.append(LineInput(text))
            shown.append(Line(ADD, text))
            continue
        available.remove(same)
        pid, status, label = _tracked(same)
        inputs.append(LineInput(text, pid))
        shown.append(Line(KEEP, text, status, label))
    for gone in available:
        _, status, label = _tracked(gone)
        shown.append(Line(WITHDRAW, gone.text, status, label))
    return inputs, shown


def _key(value: Any) -> int | None:
    text = cell_text(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _stale_note(answer: Answer) -> str:
    who = answer.updated_by.display_name if answer.updated_by else "其他用户"
    when = (
        timezone.localtime(answer.updated_at).strftime("%m月%d日 %H:%M")
        if answer.updated_at
        else ""
    )
    return f"下载之后，{who} 于 {when} 在平台上修改了这一条；文件中这一条的内容不采用。"


def build_plan(checklist: Checklist, offline: OfflineFile) -> Plan:
    """The preview of ``offline`` against ``checklist`` as it is now. Raises WorkbookError when
    the file is not this checklist's (or the checklist is locked); row errors go in ``issues``."""
    check_identity(checklist, offline)
    answers = _current_answers(checklist)
    versions = offline.identity.versions
    plan = Plan()
    seen: dict[int, int] = {}
    for row in offline.rows:
        key = _key(row.key)
        if key is None:
            if row.has_answer:
                plan.issues.append(
                    Issue(
                        row.row_no,
                        COL_KEY,
                        "这一行不对应任何细则（可能是插入的行，或细则编号被清除）。"
                        "请把内容填到对应细则的行中，并删除这一行。",
                        cell_text(row.key),
                    )
                )
            continue
        answer = answers.get(key)
        if answer is None or key not in versions:
            plan.issues.append(
                Issue(
                    row.row_no,
                    COL_KEY,
                    f"细则编号“{key}”不属于这份细则，请勿修改隐藏的细则编号列。",
                    str(key),
                )
            )
            continue
        if key in seen:
            plan.issues.append(
                Issue(
                    row.row_no,
                    COL_KEY,
                    f"与第 {seen[key]} 行是同一条细则（{answer.clause.code}），请删除复制出来的行。",
                    str(key),
                )
            )
            continue
        seen[key] = row.row_no
        if not _same_text(row.clause_text, answer.clause.full_text):
            plan.issues.append(
                Issue(
                    row.row_no,
                    COL_CLAUSE,
                    f"细则原文与平台上的 {answer.clause.code} 不一致（可能被修改，或行被移动）。"
                    "请恢复原文，或重新下载离线填写文件。",
                    cell_text(row.clause_text)[:100],
                )
            )
            continue
        change = _row_change(row, answer, versions[key], plan)
        if change is None:
            continue
        if change.stale:
            plan.stale.append(change)
        else:
            plan.changes.append(change)
    plan.missing = [a.clause.code for key, a in answers.items() if key not in seen]
    return plan


def _row_change(
    row: FileRow, answer: Answer, downloaded: tuple[int, int], plan: Plan
) -> ClauseChange | None:
    """The change one valid row makes (None: invalid — issues added — or unchanged)."""
    label = cell_text(row.result).strip()
    result = RESULT_BY_LABEL.get(unicodedata.normalize("NFKC", label)) if label else ""
    if result is None:
        plan.issues.append(
            Issue(
                row.row_no,
                COL_RESULT,
                f"“{label[:20]}”不是可选的结论，只能选择“符合”“不符合”或“不适用”（或留空）。",
                label[:100],
            )
        )
        return None
    texts = [t.strip() for t in cell_text(row.problems).split("\n") if t.strip()]
    remarks = cell_text(row.remarks).strip()
    inputs, lines = match_lines(answer, texts)
    errors = answer_validate(AnswerInput(result, remarks, inputs))
    if errors:
        for name, messages in errors.items():
            column = FIELD_COLUMNS.get(name, COL_PROBLEMS)
            plan.issues.extend(Issue(row.row_no, column, m) for m in messages)
        return None
    current = [line.text for line in answer.problems.all()]
    if result == answer.result and remarks == answer.remarks and texts == current:
        plan.unchanged += 1
        return None
    answer_id, version = downloaded
    change = ClauseChange(
        row_no=row.row_no,
        answer=answer,
        expected_version=version,
        result=result,
        remarks=remarks,
        inputs=inputs,
        lines=lines,
    )
    if answer_id != answer.pk or answer.version != version:
        change.stale = True
        change.stale_note = _stale_note(answer)
    return change
