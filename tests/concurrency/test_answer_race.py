"""Racing edits of one checklist answer from many threads lose no update.

Each thread has its own database connection (Django opens one per thread) and saves the same
answer with the same starting version through ``checklists.services.answer_save``: exactly one
wins, every other gets ``AnswerConflict`` with a Chinese message, and the row holds the
winner's text.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from anbiao.accounts.models import Role
from anbiao.checklists import services
from anbiao.checklists.models import Answer, AnswerResult, ProblemLine
from anbiao.checklists.tests.helpers import start
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user
from tests.concurrency.conftest import needs_postgresql

THREADS = 8

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]


def race(n: int, work) -> list:  # noqa: ANN001
    """Run ``work(i)`` in ``n`` threads released together; return each result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 — the result is the exception
            results[i] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


def test_eight_threads_saving_one_answer_with_the_same_version_leave_exactly_one_winner():
    ent = EnterpriseFactory()
    users = [make_user(ent.organization, Role.FILLER) for _ in range(THREADS)]
    checklist = start(ent.organization, users[0])
    answer = checklist.answers.order_by("clause__position").first()
    version = answer.version

    def save(i: int) -> Answer:
        mine = Answer.objects.select_related("checklist").get(pk=answer.pk)
        data = services.AnswerInput(
            result=AnswerResult.NONCONFORM,
            remarks=f"线程 {i} 的备注",
            problems=[f"线程 {i} 发现的问题"],
        )
        return services.answer_save(by=users[i], answer=mine, expected_version=version, data=data)

    results = race(THREADS, save)

    winners = [i for i, r in enumerate(results) if isinstance(r, Answer)]
    losers = [r for r in results if isinstance(r, services.AnswerConflict)]
    others = [r for r in results if not isinstance(r, Answer | services.AnswerConflict)]
    assert others == [], others
    assert len(winners) == 1, results
    assert len(losers) == THREADS - 1
    for conflict in losers:
        assert "您的内容未保存" in conflict.message
        assert conflict.current.version == version + 1

    (w,) = winners
    final = Answer.objects.get(pk=answer.pk)
    assert final.version == version + 1
    assert final.remarks == f"线程 {w} 的备注"
    assert final.result == AnswerResult.NONCONFORM
    assert final.updated_by_id == users[w].pk
    assert list(
        ProblemLine.objects.filter(answer=final).order_by("position").values_list("text", flat=True)
    ) == [f"线程 {w} 发现的问题"]


def test_threads_saving_in_turn_with_fresh_versions_all_succeed():
    """The counterpart: nobody is refused when each save starts from the current version."""
    ent = EnterpriseFactory()
    users = [make_user(ent.organization, Role.FILLER) for _ in range(4)]
    checklist = start(ent.organization, users[0])
    answer = checklist.answers.order_by("clause__position").first()
    lock = threading.Lock()

    def save(i: int) -> Answer:
        with lock:
            mine = Answer.objects.select_related("checklist").get(pk=answer.pk)
            data = services.AnswerInput(
                result=AnswerResult.CONFORM, remarks=f"第 {i} 次", problems=[]
            )
            return services.answer_save(
                by=users[i], answer=mine, expected_version=mine.version, data=data
            )

    results = race(4, save)
    assert all(isinstance(r, Answer) for r in results), results
    assert Answer.objects.get(pk=answer.pk).version == answer.version + 4
