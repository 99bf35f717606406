"""Writes of campaigns. ``TRANSITIONS`` is the one state machine of a campaign's status."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anbiao.campaigns.models import Campaign, CampaignStatus
from anbiao.core.audit import log_action
from anbiao.core.transitions import Machine, Transition

if TYPE_CHECKING:
    from anbiao.accounts.models import User

TRANSITIONS = Machine(
    "专项行动 (campaigns.Campaign)",
    CampaignStatus,
    [
        Transition(CampaignStatus.DRAFT, "open", CampaignStatus.OPEN, "开始填报"),
        Transition(CampaignStatus.CLOSED, "open", CampaignStatus.OPEN, "开始填报"),
        Transition(CampaignStatus.OPEN, "close", CampaignStatus.CLOSED, "结束"),
    ],
    initial=[CampaignStatus.DRAFT],
)
ACTION_LABELS = {action: move.label for action, move in TRANSITIONS.items()}
AUDIT_VERBS = {"open": "opened", "close": "closed"}  # anbiao.campaign.<verb>

FIELDS = (
    "name",
    "period_start",
    "period_end",
    "enterprise_deadline",
    "government_deadline",
    "enterprise_template_version",
    "government_template_version",
)


@transaction.atomic
def campaign_create(*, by: User | None, **fields: Any) -> Campaign:
    """Create a campaign in status 草稿."""
    campaign = Campaign(created_by=by, **{k: fields[k] for k in FIELDS})
    campaign.full_clean()
    campaign.save()
    log_action(campaign, "anbiao.campaign.created", user=by, data={"name": campaign.name})
    return campaign


@transaction.atomic
def campaign_update(*, by: User | None, campaign: Campaign, **fields: Any) -> Campaign:
    """Edit a campaign. Template versions are fixed once units have started filling."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.checklists.exists():
        for key in ("enterprise_template_version", "government_template_version"):
            if key in fields and getattr(campaign, f"{key}_id") != fields[key].pk:
                raise ValidationError({key: "已有单位开始填报，不能更换细则版本。"})
    changed = {}
    for key in FIELDS:
        if key in fields and getattr(campaign, key) != fields[key]:
            changed[key] = [str(getattr(campaign, key)), str(fields[key])]
            setattr(campaign, key, fields[key])
    campaign.full_clean()
    campaign.save()
    log_action(campaign, "anbiao.campaign.updated", user=by, data={"changed": changed})
    return campaign


@transaction.atomic
def campaign_transition(*, by: User | None, campaign: Campaign, action: str) -> Campaign:
    """Open or close a campaign (the only place its status changes)."""
    if action not in TRANSITIONS:
        raise ValidationError("未知操作。")
    verb = AUDIT_VERBS[action]
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    target = TRANSITIONS.target(
        action, campaign.status, refusal="专项行动当前为“{state}”，不能{label}。"
    )
    old = campaign.status
    campaign.status = target
    now = timezone.now()
    if target == CampaignStatus.OPEN:
        campaign.opened_at = campaign.opened_at or now
        campaign.closed_at = None
    else:
        campaign.closed_at = now
    campaign.save()
    log_action(campaign, f"anbiao.campaign.{verb}", user=by, data={"from": old, "to": target})
    return campaign


def days_left(deadline: date) -> int:
    """Days until a deadline in local (Asia/Shanghai) dates; negative when overdue."""
    return (deadline - timezone.localdate()).days
