"""The demo data: two submitted statistics tables, one with an adjustment; seeding is idempotent."""

import pytest
from django.core.management import call_command

from anbiao.stats.demo import ADJUST_COLUMN, ADJUST_REASON
from anbiao.stats.models import StatsSubmission

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_submitted_tables_one_adjusted_and_seeding_twice_changes_nothing():
    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")
    subs = list(StatsSubmission.objects.order_by("unit__kind"))
    assert len(subs) == 2
    adjusted = [s for s in subs if s.adjustments]
    assert len(adjusted) == 1
    adj = adjusted[0].adjustment(ADJUST_COLUMN)
    assert adj["reason"] == ADJUST_REASON
    assert adj["value"] == (adjusted[0].computed[ADJUST_COLUMN - 1] or 0) + 1
    assert all(s.times_submitted == 1 for s in subs)
