"""Demo inspections: 应急管理局 inspects five of its enterprises (one clause by clause), the
溪美街道 网格员 two of the town's, the city office one town. The demo enterprise
(qy_* accounts) is left out, so the rectification demo's counts for it stay as they are. Deterministic and idempotent: each inspection is keyed
by (inspecting unit, target, summary); dates are offsets from today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from anbiao.campaigns.selectors import current_campaign
from anbiao.checklists.demo_problems import findings_for
from anbiao.inspections import services
from anbiao.inspections.models import Inspection
from anbiao.orgs.demo import demo_organizations
from anbiao.orgs.models import Organization

# (user, target key or index, days ago, inspectors, summary, findings [(text, grade)], complete)
PLAN: tuple[tuple[str, Any, int, str, str, tuple[tuple[str, str], ...], bool], ...] = (
    (
        "yjj_filler",
        3,
        21,
        "许丽萍、郑志强",
        "对照附件2逐项督导检查安全生产标准化运行情况。",
        (
            ("安全检查清单未按车间、岗位分级建立，岗位卡片缺失。", "general"),
            ("切割车间动火作业未办理作业许可审批。", "major"),
        ),
        True,
    ),
    (
        "yjj_filler",
        0,
        14,
        "许丽萍",
        "抽查隐患排查治理台账和整改闭环情况。",
        (("隐患清单整改期限、责任人未填写，未实现动态清零。", "general"),),
        True,
    ),
    ("yjj_filler", 1, 9, "郑志强", "复查上次检查发现问题的整改情况。", (), True),
    (
        "xm_grid",
        0,
        5,
        "柯明亮",
        "网格员日常巡查。",
        (("厂区消防通道堆放石材荒料，通道宽度不足。", "general"),),
        True,
    ),
    (
        "xm_grid",
        1,
        1,
        "柯明亮",
        "网格员日常巡查（记录中）。",
        (("配电箱未上锁，警示标识缺失。", "general"),),
        False,
    ),
    (
        "city_filler",
        "town",
        7,
        "林晓燕、陈振华",
        "督导溪美街道“回头看”工作开展情况。",
        (("辖区企业告知书送达台账不全，部分企业未签收。", "general"),),
        True,
    ),
)


def seed(stdout: Any = None) -> None:
    User = get_user_model()
    orgs = demo_organizations()
    today = timezone.localdate()
    campaign = current_campaign()
    created = 0
    for username, key, days, inspectors, summary, findings, complete in PLAN:
        by = User.objects.filter(username=username).first()
        if by is None:
            continue
        target = _target(orgs, key, by)
        if target is None:
            continue
        if Inspection.objects.filter(
            inspector=by.organization, target=target, summary=summary
        ).exists():
            continue
        insp = services.inspection_create(
            by=by,
            target=target,
            date=today - dt.timedelta(days=days),
            inspectors=inspectors,
            summary=summary,
            campaign=campaign,
        )
        for text, grade in findings:
            services.finding_add(
                by=by,
                inspection=insp,
                description=text,
                grade=grade,
                deadline=today + dt.timedelta(days=15),
            )
        if complete:
            services.inspection_complete(by=by, inspection=insp)
        created += 1
    created += _seed_checklist_inspection(orgs, today, campaign)
    if stdout is not None and created:
        stdout.write(f"督导检查：新建 {created} 次演示检查。")


def _target(orgs: dict[str, Organization], key: Any, by: Any) -> Organization | None:
    """A named demo organization, or the n-th other enterprise in the inspector's scope."""
    if isinstance(key, str):
        return orgs[key]
    from anbiao.orgs.visibility import enterprises_for_user

    others = list(
        enterprises_for_user(by)
        .exclude(organization=orgs["enterprise"])
        .order_by("credit_code")
        .values_list("organization_id", flat=True)[:5]
    )
    if key >= len(others):
        return None
    return Organization.objects.get(pk=others[key])


CHECKLIST_SUMMARY = "按附件2细则逐条督导检查。"
CHECKLIST_NONCONFORM = (0, 3)  # positions answered 不符合, each with a finding of its clause


def _seed_checklist_inspection(orgs: dict[str, Organization], today: dt.date, campaign: Any) -> int:
    """One completed inspection answered clause by clause (附件2), two clauses 不符合."""
    User = get_user_model()
    by = User.objects.filter(username="yjj_filler").first()
    target = _target(orgs, 4, by) if by is not None else None
    if by is None or target is None or campaign is None:
        return 0
    if Inspection.objects.filter(
        inspector=by.organization, target=target, summary=CHECKLIST_SUMMARY
    ).exists():
        return 0
    insp = services.inspection_create(
        by=by,
        target=target,
        date=today - dt.timedelta(days=3),
        inspectors="许丽萍、蔡国明",
        summary=CHECKLIST_SUMMARY,
        campaign=campaign,
    )
    insp = services.inspection_checklist_start(by=by, inspection=insp)
    assert insp.checklist is not None  # inspection_checklist_start has given it one
    answers = list(
        insp.checklist.answers.select_related(
            "clause__item", "checklist__template_version__template"
        ).order_by("clause__position")
    )
    data = {}
    for i, answer in enumerate(answers[:8]):
        clause = answer.clause
        code = answer.checklist.template_version.template.code
        found = findings_for(code, clause.item.number, clause.number)
        problem = found[0] if i in CHECKLIST_NONCONFORM and found else None
        data[answer.pk] = services.ClauseInput(
            "nonconform" if problem else "conform", "", [problem] if problem else []
        )
    services.inspection_checklist_save(by=by, inspection=insp, data=data)
    services.inspection_complete(by=by, inspection=insp)
    return 1
