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
