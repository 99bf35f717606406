"""Demo: one open campaign, 2024年安全生产标准化提升专项行动“回头看” (idempotent)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from anbiao.campaigns.models import Campaign, CampaignStatus
from anbiao.checklists.builtin import latest_version

DEMO_CAMPAIGN = "2024年安全生产标准化提升专项行动“回头看”"


def seed(stdout: Any = None) -> Campaign:
    campaign = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if campaign is None:
        today = timezone.localdate()
        enterprise_version = latest_version("fujian2_2024")
        government_version = latest_version("fujian1_2024")
        # seed_demo loads the built-in templates before it seeds any demo data.
        assert enterprise_version is not None and government_version is not None
        campaign = Campaign.objects.create(
            name=DEMO_CAMPAIGN,
            period_start=date(2024, 9, 1),
            # Deadlines relative to the day the demo is seeded, so the countdown shows.
            period_end=today + timedelta(days=60),
            enterprise_deadline=today + timedelta(days=20),
            government_deadline=today + timedelta(days=30),
            enterprise_template_version=enterprise_version,
            government_template_version=government_version,
            status=CampaignStatus.OPEN,
            opened_at=timezone.now(),
        )
        if stdout is not None:
            stdout.write(f"专项行动：已创建“{DEMO_CAMPAIGN}”（进行中）。")
    return campaign
