"""The demo data of records, enforcement and notices: seeding twice changes nothing."""

from __future__ import annotations

import pytest

from anbiao.enforcement import demo as enforcement_demo
from anbiao.enforcement import selectors as enforcement_selectors
from anbiao.enforcement.models import EnforcementCase, MonthlyReport
from anbiao.notices import demo as notices_demo
from anbiao.notices.models import NoticeDelivery
from anbiao.notices.selectors import pending_acknowledgements
from anbiao.orgs import builtin as orgs_builtin
from anbiao.orgs import demo as orgs_demo
from anbiao.records import demo as records_demo
from anbiao.records.models import Record

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    return (
        Record.objects.count(),
        Record.objects.counted().count(),
        EnforcementCase.objects.count(),
        MonthlyReport.objects.count(),
        NoticeDelivery.objects.count(),
        NoticeDelivery.objects.filter(posted_at__isnull=False).count(),
    )


def test_seeding_the_demo_twice_changes_nothing() -> None:
    from anbiao.accounts.models import User

    orgs_builtin.load()
    orgs_demo.seed()
    for _ in range(2):
        records_demo.seed()
        enforcement_demo.seed()
        notices_demo.seed()
        if _ == 0:
            first = snapshot()
    assert snapshot() == first
    total, counted = first[0], first[1]
    assert 0 < counted < total  # some with evidence, some drafts without
    summary = enforcement_selectors.exposure_summary(enforcement_selectors.published_batches())
    assert (summary.batches, summary.enterprises) == (2, 4)
    assert pending_acknowledgements(User.objects.get(username="qy_filler")) == 2
    states = {d.state for d in NoticeDelivery.objects.all()}
    assert states == {"delivered", "acknowledged", "signed", "posted"}
