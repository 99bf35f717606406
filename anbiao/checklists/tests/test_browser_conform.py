"""In Chromium at phone width: 本部分设为符合, then 全部设为符合, each confirmed with the number of
clauses it changes, then one exception marked 不符合 with its problem."""

from __future__ import annotations

import pytest

from anbiao.accounts.models import Role
from anbiao.checklists.models import AnswerResult
from anbiao.checklists.tests import helpers
from anbiao.checklists.tests.test_browser import open_clause, save_clause
from anbiao.core.models import AuditEntry
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mark_a_section_then_the_rest_conform_and_fix_one_exception(log_in) -> None:  # noqa: ANN001
    ent = EnterpriseFactory.create(organization__name="南安市测试石材有限公司")
    make_user(ent.organization, Role.FILLER, username="efiller")
    checklist = helpers.start(ent.organization)
    page = log_in("efiller", phone=True)
    page.goto(f"/checklists/{checklist.pk}/")

    # 一、目标职责 has 3 clauses: the confirmation says 3, and which.
    page.locator("#s1").get_by_role("link", name="本部分未填写的 3 条设为符合").click()
    assert page.locator("#conform-count").inner_text() == "3"
    assert page.locator(".conform-list li").count() == 3
    page.get_by_role("button", name="确认设为符合（3 条）").click()
    page.get_by_text("已将 3 条细则设为“符合”").wait_for()
    assert page.locator("#progress-count").inner_text() == "3/51"
    assert page.locator("#s1 .result-conform").count() == 3

    # The rest of the form: 48 clauses; 取消 first changes nothing.
    page.get_by_role("link", name="全部设为符合（未填写的 48 条）").click()
    page.get_by_role("link", name="取消").click()
    assert page.locator("#progress-count").inner_text() == "3/51"
    page.get_by_role("link", name="全部设为符合（未填写的 48 条）").click()
    assert page.locator("#conform-count").inner_text() == "48"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="确认设为符合（48 条）").click()
    page.get_by_text("已将 48 条细则设为“符合”").wait_for()
    assert page.locator("#progress-count").inner_text() == "51/51"
    assert page.get_by_role("link", name="全部设为符合（未填写的 0 条）").count() == 0

    # The exception: clause 2 becomes 不符合 with its problem, like any clause.
    box = open_clause(page, 1)
    save_clause(box, "不符合", ["承诺书未在公示栏公示"])
    page.locator("article.clause").nth(1).locator(".tag-ok").wait_for()
    answers = checklist.answers.order_by("clause__position")
    assert [a.result for a in answers[:3]] == ["conform", "nonconform", "conform"]
    assert checklist.answers.filter(result=AnswerResult.CONFORM).count() == 50
    entries = AuditEntry.objects.filter(action="anbiao.checklist.answers_marked_conform")
    assert sorted(e.data["count"] for e in entries) == [3, 48]
    assert page.console_errors == []
