"""The one state machine: every allowed move works, every other one is refused, by role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.core.versioning import EditConflict
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification import services
from anbiao.rectification.models import (
    EvidenceStage,
    Problem,
    ProblemGrade,
    ProblemStatus,
    ProblemTransition,
)
from anbiao.rectification.tests.helpers import plan, png_upload, problem

pytestmark = pytest.mark.django_db

PERSONAS = (
    "ent:filler",
    "ent:principal",
    "ent:org_admin",
    "ent:viewer",
    "dept:filler",
    "dept:viewer",
    "co_dept:filler",
    "town:filler",
    "town:grid",
    "city:filler",
    "city:viewer",
    "city:sysadmin",
    "other_ent:filler",
)
OWNER_WRITERS = {"ent:filler", "ent:principal", "ent:org_admin"}
VERIFIERS = {"dept:filler", "city:filler"}
ALLOWED = {
    "start": OWNER_WRITERS,
    "submit": OWNER_WRITERS,
    "verify": VERIFIERS,
    "reject": VERIFIERS,
    "reopen": OWNER_WRITERS,
}
SOURCE = {
    "start": ProblemStatus.PENDING,
    "submit": ProblemStatus.IN_PROGRESS,
    "verify": ProblemStatus.AWAITING,
    "reject": ProblemStatus.AWAITING,
    "reopen": ProblemStatus.CLOSED,
}
TARGET = {
    "start": ProblemStatus.IN_PROGRESS,
    "submit": ProblemStatus.AWAITING,
    "verify": ProblemStatus.CLOSED,
    "reject": ProblemStatus.IN_PROGRESS,
    "reopen": ProblemStatus.IN_PROGRESS,
}


@pytest.fixture
def world():  # noqa: ANN201
    city = OrganizationFactory(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="应急管理局")
    co_dept = OrganizationFactory(kind=OrgKind.DEPARTMENT, name="市场监管局")
    town = OrganizationFactory(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory(department=dept, town=town, organization__name="鑫源石材有限公司")
    ent.other_departments.add(co_dept)
    other = EnterpriseFactory(organization__name="外地企业")
    units = {
        "ent": ent.organization,
        "dept": dept,
        "co_dept": co_dept,
        "town": town,
        "city": city,
        "other_ent": other.organization,
    }
    users = {}
    for persona in PERSONAS:
        unit, role = persona.split(":")
        users[persona] = make_user(units[unit], role, username=persona.replace(":", "_"))
    return {"units": units, "users": users, "ent": ent}


def in_state(world, status: str, *, grade: str = ProblemGrade.GENERAL) -> Problem:  # noqa: ANN001
    """A problem of ``ent`` brought to ``status`` by the right people."""
    owner, verifier = world["users"]["ent:filler"], world["users"]["dept:filler"]
    p = problem(world["units"]["ent"], grade=grade)
    if status == ProblemStatus.PENDING:
        return p
    extra = {"funds": Decimal("2.5"), "contingency_plan": "设置警戒区"} if grade == "major" else {}
    services.problem_plan_save(by=owner, problem=p, data=plan(grade=grade, **extra))
    services.problem_transition(by=owner, problem=p, action="start")
    if status == ProblemStatus.IN_PROGRESS:
        return Problem.objects.get(pk=p.pk)
    services.problem_evidence_add(by=owner, problem=p, stage="after", upload=png_upload())
    services.problem_transition(by=owner, problem=p, action="submit")
    if status == ProblemStatus.AWAITING:
        return Problem.objects.get(pk=p.pk)
    services.problem_transition(by=verifier, problem=p, action="verify")
    return Problem.objects.get(pk=p.pk)


@pytest.mark.parametrize("action", ["start", "submit", "verify", "reject", "reopen"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_move_is_allowed_only_to_its_actor(world, action, persona):  # noqa: ANN001
    p = in_state(world, SOURCE[action])
    if action == "start":
        services.problem_plan_save(by=world["users"]["ent:filler"], problem=p, data=plan())
    if action == "submit":
        services.problem_evidence_add(
            by=world["users"]["ent:filler"], problem=p, stage="after", upload=png_upload()
        )
    user = world["users"][persona]
    before_rows = ProblemTransition.objects.filter(problem=p).count()
    audit_before = AuditEntry.objects.count()
    reasons = {"reject": "照片不清晰，未见锁具", "reopen": "复查发现配电箱锁具已损坏"}
    reason = reasons.get(action, "")
    if persona in ALLOWED[action]:
        services.problem_transition(by=user, problem=p, action=action, reason=reason)
        p.refresh_from_db()
        assert p.status == TARGET[action]
        last = p.transitions.order_by("-at", "-id").first()
        assert (last.action, last.by, last.from_status, last.to_status) == (
            action,
            user,
            SOURCE[action],
            TARGET[action],
        )
        assert last.reason == reason
        assert AuditEntry.objects.filter(action=f"anbiao.problem.{action}").exists()
    else:
        with pytest.raises(ValidationError) as exc:
            services.problem_transition(by=user, problem=p, action=action, reason=reason)
        message = exc.value.messages[0]
        assert message.startswith("只有")
        if action in ("start", "submit", "reopen"):
            assert "鑫源石材有限公司" in message
        else:
            assert "监管单位" in message
        p.refresh_from_db()
        assert p.status == SOURCE[action]
        assert ProblemTransition.objects.filter(problem=p).count() == before_rows
        assert AuditEntry.objects.count() == audit_before


WRONG_STATE = [
    (action, status)
    for action in SOURCE
    for status in (
        ProblemStatus.PENDING,
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.AWAITING,
        ProblemStatus.CLOSED,
    )
    if status != SOURCE[action]
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATE)
def test_a_move_from_a_wrong_state_is_refused_with_the_state_named(world, action, status):  # noqa: ANN001
    p = in_state(world, status)
    actor = "ent:filler" if action in ("start", "submit", "reopen") else "dept:filler"
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(
            by=world["users"][actor], problem=p, action=action, reason="原因"
        )
    label = services.TRANSITIONS[action].label
    assert exc.value.messages == [f"当前状态为“{ProblemStatus(status).label}”，不能{label}。"]
    p.refresh_from_db()
    assert p.status == status


def test_a_major_problem_needs_all_five_before_it_leaves_pending(world):  # noqa: ANN001
    owner = world["users"]["ent:filler"]
    p = problem(world["units"]["ent"], grade=ProblemGrade.MAJOR)
    services.problem_plan_save(by=owner, problem=p, data=plan(grade="major"))
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(by=owner, problem=p, action="start")
    assert exc.value.messages == ["重大问题须落实五定，请先填写：资金、应急预案。"]
    services.problem_plan_save(
        by=owner, problem=p, data=plan(grade="major", funds=Decimal("0"), contingency_plan="停产")
    )
    services.problem_transition(by=owner, problem=p, action="start")
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.IN_PROGRESS


def test_a_general_problem_needs_measures_person_and_deadline(world):  # noqa: ANN001
    p = problem(world["units"]["ent"])
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(by=world["users"]["ent:filler"], problem=p, action="start")
    assert exc.value.messages == ["开始整改前，请先填写：整改措施、责任人、整改期限。"]


def test_raising_an_in_progress_problem_to_major_needs_the_full_five(world):  # noqa: ANN001
    p = in_state(world, ProblemStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(
            by=world["users"]["ent:filler"], problem=p, data=plan(grade="major")
        )
    assert "资金、应急预案" in exc.value.messages[0]
    p.refresh_from_db()
    assert p.grade == ProblemGrade.GENERAL


def test_submitting_for_verification_needs_an_after_photo(world):  # noqa: ANN001
    p = in_state(world, ProblemStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(by=world["users"]["ent:filler"], problem=p, action="submit")
    assert exc.value.messages == ["请至少上传一份整改后的佐证材料（照片或文件）再提交验收。"]
    # A before photo does not count.
    services.problem_evidence_add(
        by=world["users"]["ent:filler"], problem=p, stage="before", upload=png_upload()
    )
    with pytest.raises(ValidationError):
        services.problem_transition(by=world["users"]["ent:filler"], problem=p, action="submit")


def test_an_after_photo_can_only_be_added_while_in_progress(world):  # noqa: ANN001
    p = problem(world["units"]["ent"])
    with pytest.raises(ValidationError) as exc:
        services.problem_evidence_add(
            by=world["users"]["ent:filler"], problem=p, stage="after", upload=png_upload()
        )
    assert "整改中" in exc.value.message_dict["file"][0]
    assert not p.evidence.exists()


def test_a_failed_verification_needs_a_reason_and_goes_back_to_in_progress(world):  # noqa: ANN001
    p = in_state(world, ProblemStatus.AWAITING)
    dept = world["users"]["dept:filler"]
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(by=dept, problem=p, action="reject", reason="  ")
    assert exc.value.messages == ["请填写验收不通过的原因。"]
    services.problem_transition(by=dept, problem=p, action="reject", reason="锁具未安装")
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS
    # …and can be fixed and submitted again, then closed by the city office.
    owner = world["users"]["ent:filler"]
    services.problem_evidence_add(by=owner, problem=p, stage="after", upload=png_upload("2.png"))
    services.problem_transition(by=owner, problem=p, action="submit")
    services.problem_transition(by=world["users"]["city:filler"], problem=p, action="verify")
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED
    assert p.verified_by == world["users"]["city:filler"] and p.closed_at is not None
    assert list(p.transitions.values_list("action", flat=True)) == [
        "record",
        "plan",
        "start",
        "evidence",
        "submit",
        "reject",
        "evidence",
        "submit",
        "verify",
    ]


def test_nobody_may_withdraw_by_hand(world):  # noqa: ANN001
    p = problem(world["units"]["ent"])
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(by=world["users"]["city:filler"], problem=p, action="withdraw")
    assert "系统" in exc.value.messages[0]


def test_a_stale_page_is_refused_naming_who_changed_the_problem(world):  # noqa: ANN001
    p = in_state(world, ProblemStatus.AWAITING)
    with pytest.raises(EditConflict) as exc:
        services.problem_transition(
            by=world["users"]["dept:filler"], problem=p, action="verify", lock_version=0
        )
    assert exc.value.version == p.lock_version
    assert "提交验收" in exc.value.message and "鑫源石材有限公司" in exc.value.message
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.AWAITING


def test_only_the_owner_writers_fill_the_five(world):  # noqa: ANN001
    p = problem(world["units"]["ent"])
    for persona in ("ent:viewer", "dept:filler", "city:filler"):
        with pytest.raises(ValidationError) as exc:
            services.problem_plan_save(by=world["users"][persona], problem=p, data=plan())
        assert exc.value.messages[0].startswith("只有责任单位")
    p.refresh_from_db()
    assert p.measures == ""


def test_the_five_lock_once_submitted_for_verification(world):  # noqa: ANN001
    p = in_state(world, ProblemStatus.AWAITING)
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(by=world["users"]["ent:filler"], problem=p, data=plan())
    assert exc.value.messages == ["当前状态为“已整改待验收”，五定已锁定，不能修改。"]


def test_an_inspection_problem_is_recorded_only_by_a_supervising_unit(world):  # noqa: ANN001
    ent = world["units"]["ent"]
    p = services.problem_record(
        by=world["users"]["dept:filler"],
        organization=ent,
        description="  消防通道堵塞  ",
        grade=ProblemGrade.MAJOR,
        before_files=[png_upload("现场.png")],
    )
    assert p.description == "消防通道堵塞" and p.source == "inspection"
    assert p.recorded_org == world["units"]["dept"] and p.status == ProblemStatus.PENDING
    assert p.evidence.get().stage == EvidenceStage.BEFORE
    assert p.transitions.get().action == "record"
    assert AuditEntry.objects.filter(action="anbiao.problem.recorded", object_id=str(p.pk)).exists()
    count = Problem.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.problem_record(
            by=world["users"]["other_ent:filler"], organization=ent, description="x"
        )
    assert "不监管" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.problem_record(by=world["users"]["dept:filler"], organization=ent, description=" ")
    assert exc.value.message_dict == {"description": ["请填写问题描述。"]}
    with pytest.raises(ValidationError):
        services.problem_record(by=world["users"]["dept:viewer"], organization=ent, description="x")
    assert Problem.objects.count() == count


def test_a_government_unit_problem_is_verified_by_the_city_office(world):  # noqa: ANN001
    dept = world["units"]["dept"]
    dept_filler = world["users"]["dept:filler"]
    p = problem(dept, source="government_self")
    services.problem_plan_save(by=dept_filler, problem=p, data=plan())
    services.problem_transition(by=dept_filler, problem=p, action="start")
    services.problem_evidence_add(by=dept_filler, problem=p, stage="after", upload=png_upload())
    services.problem_transition(by=dept_filler, problem=p, action="submit")
    with pytest.raises(ValidationError):  # a unit never verifies its own problem
        services.problem_transition(by=dept_filler, problem=p, action="verify")
    services.problem_transition(by=world["users"]["city:filler"], problem=p, action="verify")
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.CLOSED


def test_the_roles_named_in_the_brief_map_to_personas():
    assert Role.FILLER in services.WRITER_ROLES and Role.VIEWER not in services.WRITER_ROLES


def test_a_wrong_file_can_be_removed_while_it_could_still_be_added(world):  # noqa: ANN001
    owner = world["users"]["ent:filler"]
    p = in_state(world, ProblemStatus.IN_PROGRESS)
    ev = services.problem_evidence_add(by=owner, problem=p, stage="after", upload=png_upload())
    with pytest.raises(ValidationError):
        services.problem_evidence_remove(by=world["users"]["dept:filler"], evidence=ev)
    services.problem_evidence_remove(by=owner, evidence=ev)
    assert not p.evidence.exists()
    assert p.transitions.order_by("-id").first().action == "evidence_removed"
    ev = services.problem_evidence_add(by=owner, problem=p, stage="after", upload=png_upload())
    services.problem_transition(by=owner, problem=p, action="submit")
    with pytest.raises(ValidationError) as exc:
        services.problem_evidence_remove(by=owner, evidence=ev)
    assert exc.value.messages == ["当前状态为“已整改待验收”，不能删除整改后佐证。"]


def test_the_owner_cannot_lower_a_major_grade_set_by_the_inspector(world):  # noqa: ANN001
    p = services.problem_record(
        by=world["users"]["dept:filler"],
        organization=world["units"]["ent"],
        description="消防通道堵塞",
        grade=ProblemGrade.MAJOR,
    )
    with pytest.raises(ValidationError) as exc:
        services.problem_plan_save(
            by=world["users"]["ent:filler"], problem=p, data=plan(grade="general")
        )
    assert exc.value.message_dict == {
        "grade": ["该问题由应急管理局登记为重大问题，责任单位不能降低等级。"]
    }
    assert Problem.objects.get(pk=p.pk).measures == ""
    # Its own look-back problem it may grade as it finds.
    own = problem(world["units"]["ent"], grade=ProblemGrade.MAJOR, source="enterprise_self")
    Problem.objects.filter(pk=own.pk).update(recorded_org=world["units"]["ent"])
    services.problem_plan_save(by=world["users"]["ent:filler"], problem=own, data=plan())
    assert Problem.objects.get(pk=own.pk).grade == ProblemGrade.GENERAL


def test_reopening_a_closed_problem_needs_a_reason_and_clears_its_verification(world):  # noqa: ANN001
    p = in_state(world, ProblemStatus.CLOSED)
    owner = world["users"]["ent:filler"]
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(by=owner, problem=p, action="reopen", reason="  ")
    assert exc.value.messages == ["请填写重新打开的原因。"]
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED and p.verified_by is not None
    services.problem_transition(by=owner, problem=p, action="reopen", reason="隐患反弹")
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_PROGRESS
    assert (p.verified_by, p.verified_at, p.closed_at) == (None, None, None)
    assert [t.action for t in p.transitions.all()][-2:] == ["verify", "reopen"]
    # It goes round the loop again: submitted and verified anew.
    services.problem_transition(by=owner, problem=p, action="submit")
    services.problem_transition(by=world["users"]["dept:filler"], problem=p, action="verify")
    p.refresh_from_db()
    assert p.status == ProblemStatus.CLOSED and p.verified_by == world["users"]["dept:filler"]


def test_a_reopened_problem_counts_as_open_again_in_the_zeroing_trend(world):  # noqa: ANN001
    from datetime import timedelta

    from django.utils import timezone

    from anbiao.rectification.selectors import open_trend

    p = in_state(world, ProblemStatus.CLOSED)
    today = timezone.localdate()
    qs = Problem.objects.filter(pk=p.pk)
    assert open_trend(qs, start=today - timedelta(days=1), end=today)[-1].open == 0
    services.problem_transition(
        by=world["users"]["ent:filler"], problem=p, action="reopen", reason="隐患反弹"
    )
    assert open_trend(qs, start=today - timedelta(days=1), end=today)[-1].open == 1
