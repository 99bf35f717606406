"""Reads of campaigns. Campaigns are city-wide: every unit may see them."""

from __future__ import annotations

from django.db.models import QuerySet

from anbiao.campaigns.models import Campaign, CampaignStatus


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related(
        "enterprise_template_version__template", "government_template_version__template"
    )


def open_campaigns() -> QuerySet[Campaign]:
    return campaign_list().filter(status=CampaignStatus.OPEN)


def current_campaign() -> Campaign | None:
    """The open campaign (the most recent one if several are open)."""
    return open_campaigns().first()


def campaign_chosen(wanted: str) -> Campaign | None:
    """The campaign a page was asked for by id (``?campaign=``), else the open one, else the
    latest."""
    if wanted.isdigit():
        found = campaign_list().filter(pk=int(wanted)).first()
        if found is not None:
            return found
    return current_campaign() or campaign_list().first()
