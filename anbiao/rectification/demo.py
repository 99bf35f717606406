"""Demo problems (deterministic, idempotent, bulk inserts). Runs after the checklists demo.

1. Every demo 存在问题 line without a tracked problem gets one (the checklists demo inserts
   lines in bulk, without the sync).
2. Problems are spread over the states with 五定, deadlines (some overdue), timelines dated over
   the last six weeks (so 动态清零 shows a trend), and 整改后 photos for those submitted or
   closed. 重大 problems carry funds and a contingency plan.
3. The demo enterprise gets a known set: 3 to fix (1 overdue), 1 awaiting verification, and one
   督导检查 problem recorded by the demo department.
4. Its problem 整改中 carries a pending extension request (延期申请) for the demo department.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from anbiao.checklists.demo_problems import MEASURE_OF
from anbiao.checklists.models import ProblemLine
from anbiao.core.models import StoredFile
from anbiao.orgs.models import OrgKind
from anbiao.rectification.models import (
    EvidenceStage,
    Problem,
    ProblemEvidence,
    ProblemGrade,
    ProblemSource,
    ProblemStatus,
    ProblemTransition,
)

MEASURES = [
    "立即组织整改，补齐制度文件并组织全员培训",
    "更换老化设备，规范作业现场标识标线",
    "补充应急物资，修订应急预案并组织演练",
    "完善“三张清单”，逐级落实到岗位和班组",
    "张贴告知书、承诺书，落实公示栏管理",
]
PERSONS = ["陈志明", "林秀英", "黄建华", "吴丽娟", "郑国强", "许美玲", "蔡文斌", "洪丽华"]
DEMO_INSPECTION = "督导检查发现：二号车间消防通道堆放石材，影响疏散"


def _photo() -> tuple[str, int]:
    """One small green PNG shared by the demo 整改后 photos (written once)."""
    from PIL import Image, ImageDraw

    name = "evidence/demo/after.png"
    if not default_storage.exists(name):
        img = Image.new("RGB", (320, 240), (220, 240, 220))
        ImageDraw.Draw(img).rectangle([40, 60, 280, 200], outline=(30, 120, 50), width=6)
        out = io.BytesIO()
        img.save(out, format="PNG")
        default_storage.save(name, ContentFile(out.getvalue()))
    return name, default_storage.size(name)


def seed(stdout: Any = None) -> None:
    with transaction.atomic():
        created = _track_lines()
        _demo_enterprise()
        _demo_extension()
    if stdout is not None and created:
        stdout.write(f"问题整改：演示问题 {created} 个（含各状态、逾期和已销号）。")


def _users() -> dict[str, Any]:
    User = get_user_model()  # noqa: N806
    return {
        u.username: u
        for u in User.objects.filter(username__in=["yjj_filler", "city_filler", "qy_filler"])
    }


def _track_lines() -> int:
    lines = list(
        ProblemLine.objects.filter(tracked_problem__isnull=True)
        .select_related("answer__checklist__organization__enterprise")
        .order_by("answer__checklist__organization__name", "answer__clause__position", "position")
    )
    if not lines:
        return 0
    rng = random.Random(4242)
    users = _users()
    now = timezone.now()
    forced = _forced_for_demo_enterprise(lines)
    photo, size = _photo()
    problems: list[Problem] = []
    steps: list[list[tuple[str, str, str, Any, Any]]] = []  # per problem
    for line in lines:
        checklist = line.answer.checklist
        org = checklist.organization
        enterprise = getattr(org, "enterprise", None) if org.kind == OrgKind.ENTERPRISE else None
        if checklist.purpose == "inspection":
            source = ProblemSource.INSPECTION
        elif enterprise is not None:
            source = ProblemSource.ENTERPRISE_SELF
        else:
            source = ProblemSource.GOVERNMENT_SELF
        recorded = now - timedelta(days=rng.randint(8, 42), hours=rng.randint(0, 8))
        major = rng.random() < 0.1
        roll = rng.random() if checklist.status != "draft" else rng.random() * 0.6
        status: str = (
            ProblemStatus.PENDING
            if roll < 0.3
            else ProblemStatus.IN_PROGRESS
            if roll < 0.55
            else ProblemStatus.AWAITING
            if roll < 0.7
            else ProblemStatus.CLOSED
        )
        if line.pk in forced:
            status = forced[line.pk][0]
            major = False
        p = Problem(
            organization=org,
            source=source,
            campaign=checklist.campaign,
            checklist=checklist,
            answer=line.answer,
            clause_id=line.answer.clause_id,
            problem_line=line,
            description=line.text,
            grade=ProblemGrade.MAJOR if major else ProblemGrade.GENERAL,
            recorded_org=org,
            recorded_at=recorded,
            status=status,
        )
        events: list[tuple[str, str, str, Any, Any]] = [
            ("record", "", ProblemStatus.PENDING, recorded, None)
        ]
        if status != ProblemStatus.PENDING or rng.random() < 0.5 or line.pk in forced:
            p.measures = MEASURE_OF.get(line.text) or rng.choice(MEASURES)
            p.responsible_person = rng.choice(PERSONS)
            # Deadlines: most ahead, some already past (overdue unless closed).
            p.deadline = (recorded + timedelta(days=rng.choice([10, 20, 30, 45, 60]))).date()
            if line.pk in forced:
                p.deadline = forced[line.pk][1]
            if major:
                p.funds = Decimal(rng.choice(["2.00", "5.50", "12.00", "30.00"]))
                p.contingency_plan = "整改期间设置警戒区域，安排专人值守，停止相关作业。"
            events.append(
                (
                    "plan",
                    ProblemStatus.PENDING,
                    ProblemStatus.PENDING,
                    recorded + timedelta(hours=20),
                    None,
                )
            )
        at = recorded + timedelta(days=1)
        if status in (ProblemStatus.IN_PROGRESS, ProblemStatus.AWAITING, ProblemStatus.CLOSED):
            events.append(("start", ProblemStatus.PENDING, ProblemStatus.IN_PROGRESS, at, None))
        if status in (ProblemStatus.AWAITING, ProblemStatus.CLOSED):
            at = min(at + timedelta(days=rng.randint(2, 12)), now - timedelta(days=2))
            events.append(
                ("evidence", ProblemStatus.IN_PROGRESS, ProblemStatus.IN_PROGRESS, at, None)
            )
            events.append(("submit", ProblemStatus.IN_PROGRESS, ProblemStatus.AWAITING, at, None))
        if status == ProblemStatus.CLOSED:
            verifier = (
                users.get("yjj_filler")
                if enterprise is not None and enterprise.department.name == "南安市应急管理局"
                else users.get("city_filler")
            )
            at = min(at + timedelta(days=rng.randint(1, 4)), now - timedelta(hours=1))
            p.verified_by = verifier
            p.verified_at = p.closed_at = at
            events.append(("verify", ProblemStatus.AWAITING, ProblemStatus.CLOSED, at, verifier))
        p.lock_version = sum(1 for e in events if e[1] != e[2] and e[1])
        problems.append(p)
        steps.append(events)
    Problem.objects.bulk_create(problems, batch_size=500)
    transitions = []
    needs_photo = []
    for p, events in zip(problems, steps, strict=True):
        for action, frm, to, at, by in events:
            transitions.append(
                ProblemTransition(
                    problem=p,
                    action=action,
                    from_status=frm,
                    to_status=to,
                    by=by,
                    by_org=by.organization if by is not None else p.organization,
                    at=at,
                    reason="整改后：现场照片.png" if action == "evidence" else "",
                )
            )
        if any(e[0] == "evidence" for e in events):
            needs_photo.append(p)
    ProblemTransition.objects.bulk_create(transitions, batch_size=1000)
    files = StoredFile.objects.bulk_create(
        [
            StoredFile(
                file=photo,
                original_name="现场照片.png",
                content_type="image/png",
                kind="png",
                size=size,
                sha256="0" * 64,
                purpose="problem_after",
                organization_id=p.organization_id,
            )
            for p in needs_photo
        ],
        batch_size=500,
    )
    ProblemEvidence.objects.bulk_create(
        [
            ProblemEvidence(problem=p, stage=EvidenceStage.AFTER, stored_file=f)
            for p, f in zip(needs_photo, files, strict=True)
        ],
        batch_size=500,
    )
    return len(problems)


def _forced_for_demo_enterprise(lines: list[ProblemLine]) -> dict[int, tuple[str, Any]]:
    """The demo enterprise's lines: 1 overdue to fix, 1 in progress, 1 awaiting, rest closed."""
    from anbiao.orgs.demo import DEMO_ENTERPRISE

    today = timezone.localdate()
    plans = [
        (ProblemStatus.PENDING, today - timedelta(days=3)),  # overdue
        (ProblemStatus.IN_PROGRESS, today + timedelta(days=3)),  # 整改期限还有 3 天 in 消息
        (ProblemStatus.AWAITING, today + timedelta(days=5)),
    ]
    own = [ln for ln in lines if ln.answer.checklist.organization.name == DEMO_ENTERPRISE]
    forced: dict[int, tuple[str, Any]] = {}
    for k, line in enumerate(own):
        forced[line.pk] = plans[k] if k < len(plans) else (ProblemStatus.CLOSED, today)
    return forced


def _demo_enterprise() -> None:
    """One 督导检查 problem of the demo enterprise, recorded by the demo department (重大)."""
    from anbiao.orgs.demo import demo_organizations
    from anbiao.rectification.services import problem_record

    try:
        ent = demo_organizations()["enterprise"]
    except Exception:  # noqa: BLE001 — the orgs demo did not run
        return
    if Problem.objects.filter(organization=ent, description=DEMO_INSPECTION).exists():
        return
    problem_record(
        by=_users().get("yjj_filler"),
        organization=ent,
        description=DEMO_INSPECTION,
        grade=ProblemGrade.MAJOR,
        source=ProblemSource.INSPECTION,
        deadline=timezone.localdate() + timedelta(days=15),
        check_permission=False,
    )


def _demo_extension() -> None:
    """A pending 延期申请 on the demo enterprise's problem 整改中 (once)."""
    from anbiao.orgs.demo import DEMO_ENTERPRISE
    from anbiao.rectification.deadlines import extension_request
    from anbiao.rectification.models import DeadlineExtension

    filler = _users().get("qy_filler")
    if (
        filler is None
        or DeadlineExtension.objects.filter(problem__organization__name=DEMO_ENTERPRISE).exists()
    ):
        return
    p = (
        Problem.objects.filter(
            organization__name=DEMO_ENTERPRISE,
            status=ProblemStatus.IN_PROGRESS,
            deadline__isnull=False,
        )
        .order_by("deadline", "id")
        .first()
    )
    if p is None or p.organization_id != filler.organization_id:
        return
    assert p.deadline is not None
    extension_request(
        by=filler,
        problem=p,
        new_deadline=max(p.deadline, timezone.localdate()) + timedelta(days=20),
        reason="整改所需防护设备厂家延期供货，预计到货后一周内完成安装。",
    )
