"""Racing saves of one problem's 五定 from the same page lose no update (PostgreSQL).

Each thread has its own connection and saves the 五定 with the version the page showed,
through ``rectification.services.problem_plan_save``: the versioned UPDATE lets exactly one
win; every other gets ``EditConflict`` naming the winner, and the row holds the winner's text.
"""

from __future__ import annotations

import threading

import pytest

from anbiao.accounts.models import Role
from anbiao.core.versioning import EditConflict
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user
from anbiao.rectification import services
from anbiao.rectification.models import Problem, ProblemTransition
from anbiao.rectification.tests.helpers import plan, problem
from tests.concurrency.conftest import needs_postgresql
from tests.concurrency.test_answer_race import race

THREADS = 8

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]


def test_eight_threads_saving_the_five_with_the_same_version_leave_exactly_one_winner():
    ent = EnterpriseFactory()
    users = [make_user(ent.organization, Role.FILLER) for _ in range(THREADS)]
    for i, u in enumerate(users):
        u.full_name = f"填报员{i}"
        u.save(update_fields=["full_name"])
    p = problem(ent.organization)
    version = Problem.objects.get(pk=p.pk).lock_version

    def save(i: int) -> Problem:
        mine = Problem.objects.get(pk=p.pk)
        return services.problem_plan_save(
            by=users[i],
            problem=mine,
            data=plan(measures=f"线程 {i} 的整改措施", responsible_person=f"责任人{i}"),
            expected_version=version,
        )

    results = race(THREADS, save)

    winners = [i for i, r in enumerate(results) if isinstance(r, Problem)]
    losers = [r for r in results if isinstance(r, EditConflict)]
    others = [r for r in results if not isinstance(r, Problem | EditConflict)]
    assert others == [], others
    assert len(winners) == 1, results
    assert len(losers) == THREADS - 1
    (w,) = winners
    for conflict in losers:
        assert conflict.version == version + 1
        assert f"填报员{w}" in conflict.message and "您填写的内容仍在下方" in conflict.message
    final = Problem.objects.get(pk=p.pk)
    assert final.lock_version == version + 1
    assert final.measures == f"线程 {w} 的整改措施"
    assert final.responsible_person == f"责任人{w}"
    assert ProblemTransition.objects.filter(problem=p, action="plan").count() == 1


def test_threads_saving_in_turn_with_fresh_versions_all_succeed():
    """The counterpart: nobody is refused when each save starts from the current version."""
    ent = EnterpriseFactory()
    users = [make_user(ent.organization, Role.FILLER) for _ in range(4)]
    p = problem(ent.organization)
    lock = threading.Lock()

    def save(i: int) -> Problem:
        with lock:
            mine = Problem.objects.get(pk=p.pk)
            return services.problem_plan_save(
                by=users[i],
                problem=mine,
                data=plan(measures=f"第 {i} 次"),
                expected_version=mine.lock_version,
            )

    results = race(4, save)
    assert all(isinstance(r, Problem) for r in results), results
    assert Problem.objects.get(pk=p.pk).lock_version == p.lock_version + 4
