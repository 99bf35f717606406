"""Campaigns (专项行动): city-wide, listed for government units as in the UI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from anbiao.api.errors import ERRORS
from anbiao.api.fields import LocalDateTime
from anbiao.api.pagination import PageQuery, page_of
from anbiao.api.routers._common import IntId, allow
from anbiao.campaigns import selectors
from anbiao.campaigns.models import Campaign
from anbiao.core.access import GOV_KINDS, get_in_scope_or_404

router = Router(tags=["专项行动"])


class CampaignOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    period_start: date
    period_end: date
    enterprise_deadline: date
    government_deadline: date
    enterprise_template: str
    government_template: str
    opened_at: LocalDateTime | None
    closed_at: LocalDateTime | None


class CampaignPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[CampaignOut]


def campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "status": c.status,
        "status_label": c.get_status_display(),
        "period_start": c.period_start,
        "period_end": c.period_end,
        "enterprise_deadline": c.enterprise_deadline,
        "government_deadline": c.government_deadline,
        "enterprise_template": str(c.enterprise_template_version),
        "government_template": str(c.government_template_version),
        "opened_at": c.opened_at,
        "closed_at": c.closed_at,
    }


@router.get(
    "/campaigns",
    response={200: CampaignPage, **ERRORS},
    summary="专项行动列表（政府部门）",
    operation_id="campaign_list",
)
def campaign_list(request: HttpRequest, paging: Query[PageQuery]) -> dict:
    allow(request, kinds=GOV_KINDS)
    qs = selectors.campaign_list().order_by("-period_start", "-pk")
    return page_of(qs, page=paging.page, page_size=paging.page_size, item=campaign_out)


@router.get(
    "/campaigns/{id}",
    response={200: CampaignOut, **ERRORS},
    summary="专项行动详情",
    operation_id="campaign_detail",
)
def campaign_detail(request: HttpRequest, id: int = IntId("专项行动编号")) -> dict:  # noqa: A002
    allow(request, kinds=GOV_KINDS)
    return campaign_out(get_in_scope_or_404(selectors.campaign_list(), pk=id))
