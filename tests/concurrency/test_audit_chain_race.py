"""Many threads writing audit entries at once leave the hash chain intact."""

from __future__ import annotations

import pytest

from anbiao.core.audit import check_chain, log_action
from anbiao.core.models import AuditEntry
from anbiao.orgs.tests.factories import OrganizationFactory
from tests.concurrency.conftest import needs_postgresql
from tests.concurrency.test_answer_race import race

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

THREADS = 8
EACH = 15


def test_sixteen_threads_logging_at_once_keep_every_link_of_the_chain():
    org = OrganizationFactory()
    before = AuditEntry.objects.count()

    def log_many(i: int) -> int:
        for n in range(EACH):
            log_action(org, "anbiao.test.raced", data={"thread": i, "n": n})
        return EACH

    results = race(THREADS * 2, log_many)
    assert results == [EACH] * (THREADS * 2), results
    assert AuditEntry.objects.count() == before + THREADS * 2 * EACH
    report = check_chain()
    assert report.ok, report.problem
    assert report.checked == before + THREADS * 2 * EACH
    # every entry points at a distinct predecessor: no fork in the chain
    prevs = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))
