"""Writes of checklists: start, save a clause, evidence, sign and submit, accept, return.

Every service runs in a transaction, checks the rules of the state machine below, and writes
an audit entry. Checklist status changes only here (``TRANSITIONS``)::

    draft ──submit──▶ submitted ──accept──▶ accepted
    returned ─submit─▶    │
        ▲                 └──return(reason)──▶ returned

Editing (answers, problem lines, evidence) is allowed only in draft and returned.
Answers use optimistic concurrency: the caller passes the ``version`` it showed the user; if
someone else saved in between, :class:`AnswerConflict` is raised and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anbiao.checklists.models import (
    EDITABLE_STATUSES,
    Answer,
    AnswerEvidence,
    AnswerResult,
    Checklist,
    ChecklistPurpose,
    ChecklistStatus,
    ProblemLine,
    ReviewOutcome,
    Signature,
    SignatureMethod,
    Submission,
    TemplateVersion,
)
from anbiao.core.access import can_sign, can_write
from anbiao.core.audit import log_action
from anbiao.core.signature import decode_canvas_signature
from anbiao.core.transitions import Machine, Transition
from anbiao.core.uploads import store_upload
from anbiao.notifications.events import announce
from anbiao.orgs.scope import stamp

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.campaigns.models import Campaign
    from anbiao.orgs.models import Organization

TRANSITIONS = Machine(
    "细则 (checklists.Checklist)",
    ChecklistStatus,
    [
        Transition(ChecklistStatus.DRAFT, "submit", ChecklistStatus.SUBMITTED, "提交"),
        Transition(ChecklistStatus.RETURNED, "submit", ChecklistStatus.SUBMITTED, "提交"),
        Transition(ChecklistStatus.SUBMITTED, "accept", ChecklistStatus.ACCEPTED, "审核通过"),
        Transition(ChecklistStatus.SUBMITTED, "return", ChecklistStatus.RETURNED, "退回"),
    ],
    initial=[ChecklistStatus.DRAFT],
)
MAX_PROBLEMS = 30
ASIDE = 1000  # added to the positions of lines that move, clear of every final position


class AnswerConflict(Exception):  # noqa: N818 — reads as a domain event
    """Someone else saved the answer since the user loaded it; nothing was written."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        who = current.updated_by.display_name if current.updated_by else "其他用户"
        when = (
            timezone.localtime(current.updated_at).strftime("%H:%M") if current.updated_at else ""
        )
        self.message = f"该条已被 {who} 于 {when} 修改，您的内容未保存，请核对后再次保存"
        super().__init__(self.message)


def _transition(checklist: Checklist, action: str) -> str:
    return TRANSITIONS.target(
        action, checklist.status, refusal="当前状态为“{state}”，不能执行此操作。"
    )


def _ensure_editable(checklist: Checklist) -> None:
    if checklist.status not in EDITABLE_STATUSES:
        raise ValidationError("已提交的细则已锁定，不能修改。")


# --- start -------------------------------------------------------------------------------------


@transaction.atomic
def checklist_start(
    *,
    by: User | None,
    organization: Organization,
    campaign: Campaign | None = None,
    purpose: str = ChecklistPurpose.LOOKBACK,
    template_version: TemplateVersion | None = None,
) -> Checklist:
    """Create a checklist with one empty answer per clause.

    Look-back (default): at most one per (campaign, organization); starting again returns the
    existing one; the campaign must be open; the template version comes from the campaign
    (附件2 for enterprises, 附件1 for government units) and stays with the checklist even
    if a newer version is loaded later.

    Inspection (``purpose="inspection"``, used by the inspections app for an inspected
    organization): any number per organization; the template version is ``template_version``
    or else the campaign's one for that organization.
    """
    if purpose == ChecklistPurpose.LOOKBACK:
        if campaign is None:
            raise ValidationError("“回头看”自查须属于一个专项行动。")
        existing = Checklist.objects.filter(
            campaign=campaign, organization=organization, purpose=purpose
        ).first()
        if existing is not None:
            return existing
        if not campaign.is_open:
            raise ValidationError("专项行动未在进行中，不能开始填报。")
    version = template_version
    if version is None:
        if campaign is None:
            raise ValidationError("请指定细则版本或专项行动。")
        version = campaign.template_version_for(organization)
    checklist = Checklist(
        campaign=campaign,
        organization=organization,
        template_version=version,
        purpose=purpose,
        created_by=by,
    )
    checklist.full_clean(validate_constraints=False)
    checklist.save()
    Answer.objects.bulk_create(
        Answer(checklist=checklist, clause_id=pk)
        for pk in version.clauses.order_by("position").values_list("pk", flat=True)
    )
    log_action(
        checklist,
        "anbiao.checklist.started",
        user=by,
        organization=organization,
        data={
            "campaign": campaign.pk if campaign else None,
            "template_version": version.pk,
            "purpose": purpose,
        },
    )
    return checklist


# --- saving one clause ------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One 存在问题 line as typed: its text, and the id of the problem it is ("" for a line
    the user added). The id is what keeps a problem's identity (see
    :mod:`anbiao.rectification.sync`): never the position or the text."""

    text: str
    problem_id: str = ""


@dataclass
class AnswerInput:
    """One clause as typed. ``problems``: the lines in form order; a bare string is a new line
    (no problem id) — what a first save, an import or an inspection's findings send."""

    result: str
    remarks: str
    problems: Sequence[LineInput | str]

    @property
    def lines(self) -> list[LineInput]:
        return [p if isinstance(p, LineInput) else LineInput(p) for p in self.problems]


def answer_validate(data: AnswerInput) -> dict[str, list[str]]:
    """The filling rules of one clause; returns {field: [Chinese messages]} (empty = valid)."""
    errors: dict[str, list[str]] = {}
    if data.result not in ("", *AnswerResult.values):
        errors.setdefault("result", []).append("结论只能选择“符合”“不符合”或“不适用”。")
    lines = data.lines
    texts = [line.text for line in lines]
    blank = [i for i, text in enumerate(texts, start=1) if not text.strip()]
    for i in blank:
        errors.setdefault("problems", []).append(f"第 {i} 条存在问题未填写内容。")
    seen_text: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for i, line in enumerate(lines, start=1):
        text = line.text.strip()
        if text and text in seen_text:
            errors.setdefault("problems", []).append(
                f"第 {i} 条存在问题与第 {seen_text[text]} 条相同（“{text[:50]}”），"
                "请删除重复的一条或修改内容。"
            )
        seen_text.setdefault(text, i)
        if line.problem_id and line.problem_id in seen_id:
            errors.setdefault("problems", []).append(
                f"第 {i} 条与第 {seen_id[line.problem_id]} 条是同一个问题，请删除其中一条。"
            )
        seen_id.setdefault(line.problem_id, i)
    if len(lines) > MAX_PROBLEMS:
        errors.setdefault("problems", []).append(f"存在问题最多 {MAX_PROBLEMS} 条。")
    if any(len(t) > 1000 for t in texts):
        errors.setdefault("problems", []).append("每条存在问题不超过 1000 字。")
    filled = [t for t in texts if t.strip()]
    if data.result == AnswerResult.NONCONFORM and not filled and not blank:
        errors.setdefault("problems", []).append("结论为“不符合”时，至少填写一条存在问题。")
    if data.result != AnswerResult.NONCONFORM and filled:
        errors.setdefault("problems", []).append(
            "只有结论为“不符合”时才填写存在问题；请改选“不符合”或删除问题。"
        )
    if len(data.remarks) > 2000:
        errors.setdefault("remarks", []).append("备注不超过 2000 字。")
    return errors


@transaction.atomic
def answer_save(*, by: User, answer: Answer, expected_version: int, data: AnswerInput) -> Answer:
    """Save one clause's answer, problem lines and remarks if nobody saved it in between.

    Each line keeps the problem whose id it carries (its text may be corrected, unless that
    problem is 已销号); a line without an id is a new problem; the problems of the lines no
    longer sent are withdrawn (:mod:`anbiao.rectification.sync`).
    Raises ValidationError (rules; nothing written) or AnswerConflict (stale version).
    """
    from anbiao.rectification.sync import resolve_lines, sync_answer_problems

    checklist = answer.checklist
    _ensure_editable(checklist)
    errors = answer_validate(data)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    updated = Answer.objects.filter(pk=answer.pk, version=expected_version).update(
        result=data.result,
        remarks=data.remarks.strip(),
        version=F("version") + 1,
        updated_by=by,
        updated_at=now,
    )
    if not updated:
        current = Answer.objects.select_related("updated_by").get(pk=answer.pk)
        raise AnswerConflict(current)
    answer.refresh_from_db(fields=["result", "remarks", "version", "updated_by", "updated_at"])
    lines = [(line.problem_id, line.text.strip()) for line in data.lines]
    keep = resolve_lines(answer, lines)  # raises (and the update above rolls back)
    _write_lines(answer, [text for _, text in lines], keep)
    if hasattr(answer, "_prefetched_objects_cache"):
        answer._prefetched_objects_cache.pop("problems", None)
    sync_answer_problems(answer, by=by)
    Checklist.objects.filter(pk=checklist.pk).update(updated_at=now)
    log_action(
        answer,
        "anbiao.checklist.answer_saved",
        user=by,
        organization=checklist.organization,
        data={
            "checklist": str(checklist.pk),
            "clause": answer.clause_id,
            "result": data.result,
            "problems": len(lines),
            "version": answer.version,
        },
    )
    return answer


class BulkConflict(Exception):  # noqa: N818 — reads as a domain event
    """Some clauses of a 全部设为符合 changed after the confirmation was shown; nothing written."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        shown = "、".join(codes[:10]) + ("等" if len(codes) > 10 else "")
        self.message = (
            f"有 {len(codes)} 条细则在您打开确认页之后已被修改（{shown}），本次未作任何修改。"
            "请核对下面的最新清单后重新确认。"
        )
        super().__init__(self.message)


@transaction.atomic
def answers_mark_conform(
    *, by: User, checklist: Checklist, expected: dict[int, int], section: int | None = None
) -> list[Answer]:
    """全部设为符合: the clauses the user confirmed ({answer id: version shown}), all still
    unanswered, become 符合 in one write and ONE audit entry listing them — or none does:
    a clause answered or saved since (:class:`BulkConflict`), a locked checklist or a clause
    outside the checklist or ``section`` (position; None: the whole form) writes nothing.
    Each clause can be changed again afterwards like any other."""
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)  # against a submit
    _ensure_editable(checklist)
    if not can_write(by):
        raise ValidationError("您没有填报权限。")
    if not expected:
        raise ValidationError("没有需要设为“符合”的细则：本部分的细则都已填写。")
    answers = list(
        Answer.objects.select_for_update(of=("self",))
        .select_related("clause__item__section")
        .filter(checklist=checklist, pk__in=list(expected))
        .order_by("clause__position")
    )
    outside = section is not None and any(
        a.clause.item.section.position != section for a in answers
    )
    if len(answers) != len(expected) or outside:
        raise ValidationError("所选细则不属于本表或本部分，请重新载入页面后再操作。")
    lined = set(ProblemLine.objects.filter(answer__in=answers).values_list("answer_id", flat=True))
    stale = [a for a in answers if a.result or a.version != expected[a.pk] or a.pk in lined]
    if stale:
        raise BulkConflict([a.clause.code for a in stale])
    now = timezone.now()
    Answer.objects.filter(pk__in=[a.pk for a in answers]).update(
        result=AnswerResult.CONFORM, version=F("version") + 1, updated_by=by, updated_at=now
    )
    Checklist.objects.filter(pk=checklist.pk).update(updated_at=now)
    log_action(
        checklist,
        "anbiao.checklist.answers_marked_conform",
        user=by,
        organization=checklist.organization,
        data={"section": section, "count": len(answers), "clauses": [a.clause_id for a in answers],
              "codes": [a.clause.code for a in answers]},
    )  # fmt: skip
    return answers


def _write_lines(answer: Answer, texts: list[str], keep: list[int | None]) -> None:
    """Make the answer's lines ``texts`` in this order; ``keep[i]`` is the existing line the
    i-th one is (None: a new line). Lines not kept are deleted (their problems are withdrawn
    by the sync). Positions are unique per answer, so lines that move are first set aside."""
    existing = {line.pk: line for line in ProblemLine.objects.filter(answer=answer)}
    kept = {pk for pk in keep if pk is not None}
    gone = [pk for pk in existing if pk not in kept]
    if gone:
        ProblemLine.objects.filter(pk__in=gone).delete()
    moving = [
        pk for position, pk in enumerate(keep, start=1) if pk and existing[pk].position != position
    ]
    if moving:
        ProblemLine.objects.filter(pk__in=moving).update(position=F("position") + ASIDE)
    for position, (pk, text) in enumerate(zip(keep, texts, strict=True), start=1):
        if pk is None:
            ProblemLine.objects.create(answer=answer, position=position, text=text)
            continue
        line = existing[pk]
        if line.text != text or line.position != position:
            line.text, line.position = text, position
            line.save(update_fields=["text", "position"])


# --- evidence ---------------------------------------------------------------------------------


@transaction.atomic
def evidence_attach(*, by: User, answer: Answer, upload: UploadedFile) -> AnswerEvidence:
    """Check and store an evidence file (photo, PDF, Word, Excel) and attach it to a clause."""
    checklist = answer.checklist
    _ensure_editable(checklist)
    stored = store_upload(
        upload, by=by, organization=checklist.organization, purpose="checklist_evidence"
    )
    evidence = AnswerEvidence.objects.create(answer=answer, stored_file=stored, added_by=by)
    log_action(
        evidence,
        "anbiao.checklist.evidence_attached",
        user=by,
        organization=checklist.organization,
        data={"checklist": str(checklist.pk), "clause": answer.clause_id, "sha256": stored.sha256},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, by: User, evidence: AnswerEvidence) -> None:
    """Detach an evidence file while the checklist is editable (the stored file is kept)."""
    checklist = evidence.answer.checklist
    _ensure_editable(checklist)
    log_action(
        evidence,
        "anbiao.checklist.evidence_removed",
        user=by,
        organization=checklist.organization,
        data={"checklist": str(checklist.pk), "stored_file": str(evidence.stored_file_id)},
    )
    evidence.delete()


# --- signing and submitting ----------------------------------------------------------------


def missing_clauses(checklist: Checklist) -> list[Answer]:
    """Answers still without a result (ordered), with their clause and item loaded."""
    return list(
        checklist.answers.filter(result="")
        .select_related("clause__item__section")
        .order_by("clause__position")
    )


def _snapshot(checklist: Checklist) -> dict[str, Any]:
    answers = (
        checklist.answers.select_related("clause")
        .prefetch_related("problems", "evidence__stored_file")
        .order_by("clause__position")
    )
    rows: list[dict[str, Any]] = []
    for a in answers:
        rows.append(
            {
                "answer": a.pk,
                "clause": a.clause_id,
                "position": a.clause.position,
                "result": a.result,
                "result_label": a.get_result_display() if a.result else "",
                "remarks": a.remarks,
                "problems": [p.text for p in a.problems.all()],
                "evidence": [str(e.stored_file_id) for e in a.evidence.all()],
                "evidence_names": [e.stored_file.original_name for e in a.evidence.all()],
                "version": a.version,
            }
        )
    return {
        "organization": checklist.organization.name,
        "template_version": checklist.template_version_id,
        "answers": rows,
        "counts": {
            "clauses": len(rows),
            "nonconform": sum(r["result"] == AnswerResult.NONCONFORM for r in rows),
            "problems": sum(len(r["problems"]) for r in rows),
        },
    }


def checklist_problem_count(checklist: Checklist) -> int:
    """The number of 存在问题 lines of ``checklist`` (frozen into ``problem_count`` on submit)."""
    return ProblemLine.objects.filter(answer__checklist=checklist).count()


@transaction.atomic
def checklist_submit(
    *,
    by: User,
    checklist: Checklist,
    signature_data_url: str = "",
    scan: UploadedFile | None = None,
) -> Submission:
    """Sign and submit: the 主要负责人 draws a signature, or a writer uploads the signed scan.

    Needs every clause answered. Locks the checklist and records a Submission with a snapshot.
    """
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    target = _transition(checklist, "submit")
    if not can_write(by):
        raise ValidationError("您没有提交权限。")
    missing = missing_clauses(checklist)
    if missing:
        codes = "、".join(a.clause.code for a in missing[:10])
        more = "等" if len(missing) > 10 else ""
        raise ValidationError(f"还有 {len(missing)} 条细则未填写结论：{codes}{more}。")
    bad = checklist.answers.filter(result=AnswerResult.NONCONFORM, problems__isnull=True)
    if bad.exists():
        raise ValidationError("结论为“不符合”的细则须至少填写一条存在问题。")
    now = timezone.now()
    if signature_data_url:
        if not can_sign(by):
            raise ValidationError(
                {"signature": "只有主要负责人可以在线签字；填报员请上传签字后的纸质表扫描件。"}
            )
        stored = store_upload(
            decode_canvas_signature(signature_data_url),
            by=by,
            organization=checklist.organization,
            purpose="checklist_signature",
            images_only=True,
        )
        method = SignatureMethod.DRAWN
    elif scan is not None:
        stored = store_upload(
            scan, by=by, organization=checklist.organization, purpose="checklist_signed_scan"
        )
        method = SignatureMethod.SCAN
    else:
        raise ValidationError(
            {"signature": "提交前须由主要负责人在线签字，或上传主要负责人签字后的纸质表扫描件。"}
        )
    signature = Signature.objects.create(
        checklist=checklist,
        method=method,
        stored_file=stored,
        signed_by=by,
        signer_name=by.display_name,
        signed_at=now,
    )
    number = checklist.submissions.count() + 1
    submission = Submission.objects.create(
        checklist=checklist,
        number=number,
        submitted_at=now,
        submitted_by=by,
        signature=signature,
        snapshot=_snapshot(checklist),
    )
    checklist.status = target
    checklist.submitted_at = now
    checklist.lock_version += 1
    # frozen for the statistics (附件3 columns 3–4): lines cannot change until it is returned
    checklist.problem_count = checklist_problem_count(checklist)
    # the statistical scope (primary department, town), kept in step by the registry's writes
    stamped = stamp(checklist)
    checklist.save(
        update_fields=[
            *("status", "submitted_at", "lock_version", "problem_count", "updated_at"),
            *stamped,
        ]
    )
    log_action(
        checklist,
        "anbiao.checklist.submitted",
        user=by,
        organization=checklist.organization,
        data={"submission": number, "signature": method, "file": str(stored.pk)},
    )
    return submission


# --- review -----------------------------------------------------------------------------------


def _review(
    *, by: User, checklist: Checklist, action: str, lock_version: int | None, reason: str = ""
) -> Checklist:
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if lock_version is not None and checklist.lock_version != lock_version:
        raise ValidationError("该细则的状态已被他人更新，请刷新页面后再操作。")
    target = _transition(checklist, action)
    submission = checklist.submissions.order_by("-number").first()
    now = timezone.now()
    if submission is not None:
        submission.outcome = (
            ReviewOutcome.ACCEPTED if action == "accept" else ReviewOutcome.RETURNED
        )
        submission.reviewed_by = by
        submission.reviewed_at = now
        submission.review_reason = reason
        submission.save(update_fields=["outcome", "reviewed_by", "reviewed_at", "review_reason"])
    checklist.status = target
    checklist.lock_version += 1
    if action == "accept":
        checklist.accepted_at = now
    else:
        checklist.returned_at = now
        checklist.return_reason = reason
        checklist.problem_count = None  # editable again: recounted when resubmitted
    checklist.save()
    log_action(
        checklist,
        f"anbiao.checklist.{'accepted' if action == 'accept' else 'returned'}",
        user=by,
        data={"submission": submission.number if submission else None, "reason": reason},
    )
    if action == "return" and submission is not None:
        announce("checklist_returned", submission.pk)
    return checklist


@transaction.atomic
def checklist_accept(
    *, by: User, checklist: Checklist, lock_version: int | None = None
) -> Checklist:
    """The supervising unit accepts the latest submission."""
    return _review(by=by, checklist=checklist, action="accept", lock_version=lock_version)


@transaction.atomic
def checklist_return(
    *, by: User, checklist: Checklist, reason: str, lock_version: int | None = None
) -> Checklist:
    """The supervising unit returns the checklist for revision (退回); a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "退回原因不超过 1000 字。"})
    return _review(
        by=by, checklist=checklist, action="return", lock_version=lock_version, reason=reason
    )
