"""Writes of work records, evidence links, review results and star rating (all audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbiao.checklists.models import Answer, Checklist, ChecklistPurpose
from anbiao.core.access import WRITER_ROLES
from anbiao.core.audit import log_action
from anbiao.core.uploads import store_upload
from anbiao.orgs.models import Enterprise, Organization, OrgKind
from anbiao.orgs.visibility import enterprises_for_user, own_unit_ids
from anbiao.worklog import starflow
from anbiao.worklog.models import (
    ENTERPRISE_RECORD_KINDS,
    EvidenceLink,
    Plaque,
    RecordKind,
    ReviewOutcome,
    ReviewResult,
    StarApplication,
    StarDecision,
    StarStatus,
    TrainingHeadcount,
    WorkRecord,
)

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def _store_all(by: User, organization: Any, uploads: Iterable[UploadedFile], purpose: str) -> list:
    stored = []
    for up in uploads:
        try:
            stored.append(store_upload(up, by=by, organization=organization, purpose=purpose))
        except ValidationError as exc:
            raise ValidationError({"files": f"{up.name}：{'；'.join(exc.messages)}"}) from exc
    return stored


def _require_writer(by: User) -> Organization:
    """The writer's own unit; a user without one, or without a writing role, may not write."""
    if by.organization is None or not by.has_role(*WRITER_ROLES):
        raise ValidationError("当前账号无权登记。")
    return by.organization


# --- work records ------------------------------------------------------------------------------


@transaction.atomic
def record_create(
    *,
    by: User,
    kind: str,
    date: dt.date,
    title: str,
    participants: str = "",
    channel: str = "",
    link: str = "",
    content: str = "",
    headcounts: dict[str, int] | None = None,
    uploads: Iterable[UploadedFile] = (),
) -> WorkRecord:
    """Record training, publicity, a meeting or a plan of the user's own unit, with evidence."""
    org = _require_writer(by)
    if org.kind == OrgKind.ENTERPRISE and kind not in ENTERPRISE_RECORD_KINDS:
        raise ValidationError({"kind": "企业只能登记培训计划、专题培训和宣传报道。"})
    errors = {}
    if kind == RecordKind.PUBLICITY and not channel:
        errors["channel"] = "宣传报道请选择宣传渠道。"
    if kind == RecordKind.TRAINING and not any((headcounts or {}).values()):
        errors["headcounts"] = "专题培训请至少填写一类参训人员的人数。"
    if errors:
        raise ValidationError(errors)
    record = WorkRecord(
        organization=org,
        kind=kind,
        date=date,
        title=title.strip(),
        participants=participants.strip(),
        channel=channel if kind == RecordKind.PUBLICITY else "",
        link=link.strip(),
        content=content.strip(),
        created_by=by,
    )
    record.full_clean()
    record.save()
    for category, count in (headcounts or {}).items():
        if count:
            TrainingHeadcount.objects.create(record=record, category=category, count=count)
    files = _store_all(by, org, uploads, "工作记录佐证")
    if kind == RecordKind.PUBLICITY and not record.link and not files:
        raise ValidationError({"link": "宣传报道请填写链接或上传文件。"})
    record.files.add(*files)
    log_action(
        record,
        "anbiao.work_record.created",
        user=by,
        data={"kind": kind, "files": [f.original_name for f in files]},
    )
    return record


def linkable_answers(record: WorkRecord) -> list[Answer]:
    """Clauses of the unit's own editable look-back checklists, matching items first."""
    from anbiao.worklog.models import MATCHING_ITEMS

    answers = list(
        Answer.objects.filter(
            checklist__organization_id=record.organization_id,
            checklist__purpose=ChecklistPurpose.LOOKBACK,
            checklist__status__in=("draft", "returned"),
        )
        .select_related("clause__item", "checklist__template_version__template")
        .order_by("checklist__created_at", "clause__position")
    )
    kinds = {a.checklist.template_version.template.kind for a in answers}
    matching: set[int] = set()
    for k in kinds:
        matching.update(MATCHING_ITEMS.get(k, {}).get(record.kind, ()))
    return sorted(answers, key=lambda a: (a.clause.item.number not in matching,))


@transaction.atomic
def record_link(*, by: User, record: WorkRecord, answer: Answer) -> EvidenceLink:
    """Attach a record as evidence to a clause of the unit's own look-back (while editable)."""
    org = _require_writer(by)
    if record.organization_id != org.pk:
        raise ValidationError("只能关联本单位的工作记录。")
    # Read the checklist afresh and lock it: it may have been submitted since the page loaded.
    checklist = Checklist.objects.select_for_update().get(pk=answer.checklist_id)
    if checklist.organization_id != record.organization_id or (
        checklist.purpose != ChecklistPurpose.LOOKBACK
    ):
        raise ValidationError({"answer": "只能关联到本单位的“回头看”细则。"})
    if not checklist.is_editable:
        raise ValidationError({"answer": "该细则已提交，不能再关联佐证；退回后可关联。"})
    if EvidenceLink.objects.filter(record=record, answer=answer).exists():
        raise ValidationError({"answer": "已关联到该条细则。"})
    link = EvidenceLink(record=record, answer=answer, created_by=by)
    link.save()
    log_action(record, "anbiao.work_record.linked", user=by, data={"clause": answer.clause.code})
    return link


@transaction.atomic
def record_unlink(*, by: User, link: EvidenceLink) -> None:
    org = _require_writer(by)
    if link.record.organization_id != org.pk:
        raise ValidationError("只能修改本单位的关联。")
    if not link.answer.checklist.is_editable:
        raise ValidationError("该细则已提交，不能取消关联。")
    code = link.answer.clause.code
    link.delete()
    log_action(link.record, "anbiao.work_record.unlinked", user=by, data={"clause": code})


# --- review results ----------------------------------------------------------------------------


@transaction.atomic
def review_create(
    *,
    by: User,
    enterprise: Enterprise,
    date: dt.date,
    outcome: str,
    grade: str = "",
    reviewer: str,
    certificate_number: str = "",
    valid_until: dt.date | None = None,
) -> ReviewResult:
    """Record a review result of an enterprise; only its primary department records it."""
    org = _require_writer(by)
    if org.kind != OrgKind.DEPARTMENT or enterprise.department_id not in own_unit_ids(by):
        raise ValidationError({"enterprise": "只能登记本部门主管企业的评审结果。"})
    errors = {}
    if outcome == ReviewOutcome.PASS:
        if not grade:
            errors["grade"] = "达标时请选择达标等级。"
        if not certificate_number.strip():
            errors["certificate_number"] = "达标时请填写证书编号。"
        if valid_until is None:
            errors["valid_until"] = "达标时请填写证书有效期。"
        elif valid_until <= date:
            errors["valid_until"] = "证书有效期应晚于评审日期。"
    if errors:
        raise ValidationError(errors)
    result = ReviewResult(
        enterprise=enterprise,
        recorded_by_org=by.organization,
        date=date,
        outcome=outcome,
        grade=grade if outcome == ReviewOutcome.PASS else "",
        reviewer=reviewer.strip(),
        certificate_number=certificate_number.strip(),
        valid_until=valid_until,
        created_by=by,
    )
    result.full_clean()
    result.save()
    log_action(result, "anbiao.review_result.created", user=by, data={"outcome": outcome})
    return result


# --- star rating -------------------------------------------------------------------------------


@transaction.atomic
def star_apply(
    *,
    by: User,
    requested_star: int,
    self_score: Decimal,
    statement: str = "",
    uploads: Iterable[UploadedFile] = (),
) -> StarApplication:
    """The enterprise drafts an application (one open application at a time)."""
    org = _require_writer(by)
    if org.kind != OrgKind.ENTERPRISE:
        raise ValidationError("只有企业可以申请星级评定。")
    enterprise = Enterprise.objects.get(organization=org)
    if StarApplication.objects.filter(
        enterprise=enterprise,
        status__in=(StarStatus.DRAFT, StarStatus.APPLIED, StarStatus.PROPOSED),
    ).exists():
        raise ValidationError("本企业已有未办结的星级评定申请。")
    app = StarApplication(
        enterprise=enterprise,
        requested_star=requested_star,
        self_score=self_score,
        statement=statement.strip(),
        created_by=by,
    )
    app.full_clean()
    app.save()
    app.files.add(*_store_all(by, org, uploads, "星级评定佐证"))
    log_action(app, "anbiao.star_application.created", user=by, data={"star": requested_star})
    return app


def _level(value: Any, field: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in (1, 2, 3):
        raise ValidationError({field: "星级应为一星、二星或三星。"})
    return level


@transaction.atomic
def star_move(
    *,
    by: User,
    application: StarApplication,
    action: str,
    level: Any = None,
    reason: str = "",
    announce_days: int = 7,
) -> StarApplication:
    """Move an application along the state machine in :mod:`anbiao.worklog.starflow`."""
    app = (
        StarApplication.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=application.pk)
    )
    if action not in starflow.MOVES:
        raise ValidationError("未知操作。")
    if not starflow.may(by, app, action):
        raise ValidationError(
            f"当前状态（{app.get_status_display()}）下，本账号不能执行“{starflow.MOVES[action].label}”。"
        )
    move = starflow.MOVES[action]
    now = timezone.now()
    reason = reason.strip()
    if action == "submit":
        if not app.files.exists():
            raise ValidationError({"files": "请先上传自评佐证材料。"})
        app.applied_at = now
    elif action == "propose":
        errors = {} if reason else {"reason": ["请填写审核意见（理由）。"]}
        try:
            app.proposed_level = _level(level, "level")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        app.department_reasons = reason
        app.proposed_at = now
    elif action == "refuse":
        if not reason:
            raise ValidationError({"reason": "请填写不予推荐的理由。"})
        app.department_reasons = reason
        app.proposed_at = now
    elif action in ("approve", "reject"):
        if action == "approve":
            app.decided_level = _level(level or app.proposed_level, "level")
            if app.decided_level != app.proposed_level and not reason:
                raise ValidationError({"reason": "调整部门建议的星级时请填写理由。"})
        elif not reason:
            raise ValidationError({"reason": "请填写不予批准的理由。"})
        app.decision_reason = reason
        app.decided_at = now
    app.status = move.target
    if action == "approve" and app.decided_level == 2:
        app.announce_from = timezone.localdate()
        app.announce_until = app.announce_from + dt.timedelta(days=announce_days)
    app.full_clean()
    app.save()
    if action in ("approve", "reject", "refuse"):
        _decide(by=by, app=app, approved=action == "approve", reason=reason, now=now)
    log_action(
        app,
        f"anbiao.star_application.{action}",
        user=by,
        data={"level": app.decided_level or app.proposed_level, "reason": reason},
    )
    return app


def _decide(*, by: User, app: StarApplication, approved: bool, reason: str, now: Any) -> None:
    from anbiao.orgs.services import enterprise_update

    enterprise = app.enterprise
    before = enterprise.star_level
    after = app.decided_level if approved else before
    assert after is not None  # star_move sets decided_level before it approves
    StarDecision.objects.create(
        application=app,
        enterprise=enterprise,
        level_before=before,
        level_after=after,
        approved=approved,
        reason=reason,
        decided_by=by,
        decided_at=now,
    )
    if after != before:
        enterprise_update(by=by, enterprise=enterprise, star_level=after)
    if approved:
        _supersede_earlier(by=by, app=app, now=now)


def _supersede_earlier(*, by: User, app: StarApplication, now: Any) -> None:
    """The new rating supersedes the rating in force (if any) of the same enterprise."""
    earlier = (
        StarApplication.objects.current()
        .select_for_update()
        .filter(enterprise_id=app.enterprise_id)
        .exclude(pk=app.pk)
    )
    for old in earlier:
        old.superseded_by = app
        old.superseded_at = now
        old.full_clean()
        old.save(update_fields=["superseded_by", "superseded_at"])
        log_action(
            old,
            "anbiao.star_application.superseded",
            user=by,
            data={"by": str(app.pk), "level": old.decided_level, "new_level": app.decided_level},
        )


@transaction.atomic
def plaque_create(*, by: User, application: StarApplication, date: dt.date, number: str) -> Plaque:
    """授牌 of an approved three-star enterprise (city office)."""
    org = by.organization
    if org is None or org.kind != OrgKind.CITY or not by.has_role(*WRITER_ROLES):
        raise ValidationError("只有市安委办可以登记授牌。")
    if not application.is_current or application.decided_level != 3:
        raise ValidationError(
            "该评定已被后续评定取代，不能再授牌。"
            if application.is_superseded
            else "只有已批准的三星企业可以授牌。"
        )
    if Plaque.objects.filter(application=application).exists():
        raise ValidationError("该企业已登记授牌。")
    if Plaque.objects.filter(number=number.strip()).exists():
        raise ValidationError({"number": "牌匾编号已被使用。"})
    plaque = Plaque(application=application, date=date, number=number.strip(), created_by=by)
    plaque.full_clean()
    plaque.save()
    log_action(application, "anbiao.star_application.plaque", user=by, data={"number": number})
    return plaque


def star_flag_priority(*, by: User, application: StarApplication) -> Any:
    """Mark an enterprise refused a star as an enforcement priority (enforcement service)."""
    from anbiao.enforcement.models import PriorityReason
    from anbiao.enforcement.services import priority_mark

    if application.status != StarStatus.REJECTED:
        raise ValidationError("只有未批准星级的企业可以据此标记为执法重点对象。")
    if not enterprises_for_user(by).filter(pk=application.enterprise_id).exists():
        raise ValidationError("该企业不在本单位范围内。")
    return priority_mark(
        by=by,
        enterprise=application.enterprise,
        reason=PriorityReason.NOT_RATED,
        note=f"星级评定未批准：{application.department_reasons or application.decision_reason}"[
            :500
        ],
    )
