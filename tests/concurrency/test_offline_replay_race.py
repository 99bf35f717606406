"""The same offline draft sent from several connections at once (two tabs, a retry racing the
first attempt) is recorded exactly once: every sender gets the one inspection back.

Each thread has its own database connection and calls
``inspections.offline.offline_draft_submit`` with the same key: the unique constraint on
``OfflineSubmission.key`` lets one transaction commit; the others fail on it before storing
any photo and answer with the winner's inspection (a replay).
"""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.core.models import StoredFile
from anbiao.inspections.models import Finding, FindingPhoto, Inspection, OfflineSubmission
from anbiao.inspections.offline import (
    OfflineDraft,
    OfflineFinding,
    SyncResult,
    offline_draft_submit,
)
from anbiao.inspections.tests.helpers import png_bytes
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from tests.concurrency.conftest import needs_postgresql
from tests.concurrency.test_answer_race import race

THREADS = 6

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]


def test_six_connections_sending_one_draft_record_one_inspection() -> None:
    town = OrganizationFactory(kind=OrgKind.TOWN)
    ent = EnterpriseFactory(town=town)
    grid = make_user(town, Role.GRID)
    key = uuid.uuid4()

    def send(i: int) -> SyncResult:
        photo = SimpleUploadedFile("p.png", png_bytes("blue"), content_type="image/png")
        draft = OfflineDraft(
            key=key,
            owner=str(grid.pk),
            target=str(ent.organization_id),
            date=timezone.localdate(),
            inspectors="柯明亮",
            findings=[
                OfflineFinding("消防通道堵塞"),
                OfflineFinding("灭火器过期", photos=[photo]),
            ],
        )
        return offline_draft_submit(by=grid, draft=draft)

    results = race(THREADS, send)

    others = [r for r in results if not isinstance(r, SyncResult)]
    assert others == [], others
    assert [r.replayed for r in results].count(False) == 1, results
    assert len({r.submission.inspection_id for r in results}) == 1
    assert Inspection.objects.count() == 1 and OfflineSubmission.objects.count() == 1
    assert Finding.objects.count() == 2 and FindingPhoto.objects.count() == 1
    assert StoredFile.objects.count() == 2  # the one photo: original and watermarked copy
