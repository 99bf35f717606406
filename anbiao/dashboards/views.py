"""工作台: dashboards, the enterprise's to-do list, 上期对照, 纸上标准化, handover and reconciliation."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from anbiao.campaigns.models import Campaign
from anbiao.campaigns.selectors import campaign_chosen, campaign_list, current_campaign
from anbiao.checklists.selectors import checklist_get
from anbiao.core.access import GOV_KINDS, WRITER_ROLES, require
from anbiao.core.downloads import serve_generated, serve_workbook
from anbiao.core.types import AuthedRequest
from anbiao.core.xlsx import safe_cell, table_workbook
from anbiao.dashboards import compare as compare_sel
from anbiao.dashboards import handover, selectors
from anbiao.obligations.selectors import rates_card
from anbiao.orgs.models import OrgKind
from anbiao.orgs.visibility import (
    enterprises_for_user,
    get_enterprise_for_user,
    organizations_for_user,
)


def _campaign(request: HttpRequest) -> Campaign | None:
    return campaign_chosen(request.GET.get("campaign", ""))


@require(kinds=GOV_KINDS)
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The government unit's dashboard: charts with table views, links and downloads."""
    campaign = _campaign(request)
    dash = selectors.dashboard_for(user=request.user, campaign=campaign)
    data = [c.as_data() for c in dash.charts]
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "dash": dash,
            "card": rates_card(user=request.user, campaign=campaign, today=dash.today),
            "campaign": campaign,
            "campaigns": campaign_list(),
            "chart_data": data,
            "is_city": request.user.organization.kind == OrgKind.CITY,
        },
    )


@require(kinds=GOV_KINDS)
def chart_xlsx(request: AuthedRequest, key: str) -> HttpResponse:
    """The data of one chart as .xlsx (the same rows as its table view)."""
    campaign = _campaign(request)
    dash = selectors.dashboard_for(user=request.user, campaign=campaign)
    chart = dash.chart(key)
    if chart is None:
        raise Http404("图表不存在")
    wb = table_workbook(
        title=chart.title,
        headers=chart.headers,
        rows=[[r.label, *r.values] for r in chart.rows],
        sheet_title="数据",
    )
    return serve_workbook(request, wb, filename=f"工作台_{chart.title}.xlsx")


@require(kinds=(OrgKind.ENTERPRISE,))
def todo(request: AuthedRequest) -> HttpResponse:
    """The enterprise's own to-do list: clauses left, problems open, deadlines, notices."""
    campaign = current_campaign()
    data = selectors.enterprise_todo(user=request.user, campaign=campaign)
    return render(
        request,
        "dashboards/todo.html",
        {"todo": data, "campaign": campaign, "today": timezone.localdate()},
    )


@require()
def compare(request: AuthedRequest, pk: str) -> HttpResponse:
    """上期对照: every clause with the previous and the current answer side by side."""
    checklist = checklist_get(user=request.user, pk=pk)
    prev, rows = compare_sel.compare_rows(checklist)
    return render(
        request,
        "dashboards/compare.html",
        {"checklist": checklist, "previous": prev, "rows": rows},
    )


@require(kinds=GOV_KINDS)
def paper_list(request: AuthedRequest) -> HttpResponse:
    """纸上标准化 signs: 不符合 last campaign, 符合 now, nothing closed or uploaded behind it."""
    campaign = _campaign(request)
    answers = []
    prev = None
    if campaign is not None:
        prev = compare_sel.previous_campaign(campaign)
        answers = list(
            compare_sel.paper_signs(
                enterprise_ids=compare_sel.paper_scope(request.user), campaign=campaign
            )[:500]
        )
    return render(
        request,
        "dashboards/paper_list.html",
        {
            "campaign": campaign,
            "previous": prev,
            "answers": answers,
            "can_mark": request.user.has_role(*WRITER_ROLES),
        },
    )


@require(kinds=GOV_KINDS, roles=WRITER_ROLES)
@require_POST
def paper_mark(request: AuthedRequest, enterprise_pk: str) -> HttpResponse:
    """Mark an enterprise as 执法重点对象 for 纸上标准化 (the enforcement app's service)."""
    from anbiao.enforcement.models import PriorityReason
    from anbiao.enforcement.services import priority_mark

    enterprise = get_enterprise_for_user(request.user, enterprise_pk)
    try:
        priority_mark(
            by=request.user,
            enterprise=enterprise,
            reason=PriorityReason.PAPER,
            note="“回头看”上期不符合、本期符合且无销号问题或佐证材料",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已将“{enterprise.organization.name}”标记为执法重点对象。")
    return redirect("dashboards:paper_list")


def _handover_scope(request: AuthedRequest):  # noqa: ANN202
    enterprises = enterprises_for_user(request.user)
    wanted = request.GET.get("enterprise", "")
    if wanted:
        ent = get_enterprise_for_user(request.user, wanted)
        return enterprises.filter(pk=ent.pk), ent.credit_code
    return enterprises, f"{request.user.organization.name}全部企业"


@require()
def handover_xlsx(request: AuthedRequest) -> HttpResponse:
    """The handover package as .xlsx: sheets 企业信息 / 回头看答复 / 问题与整改."""
    enterprises, tag = _handover_scope(request)
    rows = handover.package_rows(enterprises, _campaign(request))
    wb = Workbook(write_only=True)
    for key, title, fields in handover.SHEETS:
        ws = wb.create_sheet(title)
        ws.append([label for _, label in fields])
        for row in rows[key]:
            ws.append([safe_cell(row[name]) for name, _ in fields])
    return serve_workbook(request, wb, filename=f"区域平台移交_{tag}.xlsx")


@require()
def handover_json(request: AuthedRequest) -> HttpResponse:
    """The handover package as JSON: {"enterprises": [...], "answers": [...], "problems": [...]}."""
    enterprises, tag = _handover_scope(request)
    campaign = _campaign(request)
    rows = handover.package_rows(enterprises, campaign)
    doc = {
        "format": "anbiao-handover-1",
        "generated_at": timezone.localtime().isoformat(),
        "campaign": campaign.name if campaign else "",
        "fields": {key: dict(fields) for key, _, fields in handover.SHEETS},
        **{key: list(rows[key]) for key, _, _ in handover.SHEETS},
    }
    content = json.dumps(doc, ensure_ascii=False, indent=1).encode()
    return serve_generated(
        request, content, filename=f"区域平台移交_{tag}.json", content_type="application/json"
    )


@require(kinds=GOV_KINDS)
def reconcile(request: AuthedRequest) -> HttpResponse:
    """Registry counts per department/town against the submitted 附件3 tables."""
    rows = handover.reconcile_rows(organizations_for_user(request.user))
    return render(
        request,
        "dashboards/reconcile.html",
        {"rows": rows, "differences": [r for r in rows if r.has_difference]},
    )
