"""In Chromium at 390×844 (a phone), on the demo data: the folded fill page is one line per
clause and fits the height budget; a row unfolds on a tap; nothing scrolls sideways.

Budgets (folded page, ``document.documentElement.scrollHeight`` at 390 px): 附件2 (51 clauses)
6,000 px, 附件1 (22 clauses) 4,000 px — before the folded rows they were about 26,500 and
12,200 px. The measured heights are printed.
"""

from __future__ import annotations

from typing import Any

import pytest

from anbiao.core.tests.test_phone_browser import demo_login, overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = {"附件2": 6000, "附件1": 4000}
ROW_MAX = 60  # px: one line (number, start of the clause, answer state, 填写/修改)


def seed() -> None:
    from django.core.management import call_command

    call_command("seed_demo", quiet_logins=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def height(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def row_heights(page: Any) -> list[float]:
    return page.eval_on_selector_all(
        "article.clause-row", "els => els.map(e => e.getBoundingClientRect().height)"
    )


def measure(page: Any, name: str, clauses: int) -> int:
    """The folded page's height (printed), checked against its budget, row by row."""
    assert page.locator("article.clause-row").count() == clauses
    folded = height(page)
    print(
        f"\n{name}：折叠后页面高度 {folded} px（390 px 宽，预算 {BUDGET[name]} px，{clauses} 条细则）"
    )
    rows = row_heights(page)
    assert max(rows) <= ROW_MAX, sorted(rows)[-5:]
    assert folded <= BUDGET[name]
    width, client = overflow(page)
    assert width <= client
    return folded


def test_the_folded_attachment_2_fits_a_few_screens_and_unfolds_on_a_tap(
    log_in,  # noqa: ANN001
) -> None:
    from anbiao.checklists.models import Checklist
    from anbiao.orgs.demo import DEMO_ENTERPRISE

    seed()
    checklist = Checklist.objects.get(organization__name=DEMO_ENTERPRISE)
    page = demo_login(log_in, "qy_filler")
    page.goto(f"/checklists/{checklist.pk}/")
    folded = measure(page, "附件2", 51)

    # A row is cut to one line; its whole text is there and shows when the row is tapped.
    first = page.locator("article.clause-row").first
    text = first.locator(".clause-text")
    assert text.evaluate("e => e.scrollWidth > e.clientWidth")  # cut (ellipsis)
    assert "《关于加强安全生产标准化建设告知书》" in text.inner_text()
    assert not first.locator(".notice-evidence").is_visible()
    first.locator("summary").click()
    assert first.locator(".notice-evidence").is_visible()
    assert first.bounding_box()["height"] > ROW_MAX
    first.locator("summary").click()
    assert first.bounding_box()["height"] <= ROW_MAX

    # A 不符合 row says how many problems it has; unfolded it lists them.
    nonconform = page.locator("article.clause-row", has=page.locator(".problem-count")).first
    assert "问题" in nonconform.locator(".row-state").inner_text()
    nonconform.locator("summary").click()
    assert nonconform.locator(".problem-list li").first.is_visible()

    # 全部展开 opens every row (the page grows), 全部收起 folds them again.
    page.get_by_role("button", name="全部展开").click()
    assert page.locator("details.row-fold:not([open])").count() == 0
    unfolded = height(page)
    print(f"附件2：全部展开后 {unfolded} px")
    assert unfolded > folded + 2000
    page.get_by_role("button", name="全部收起").click()
    assert height(page) == folded

    # The form of one clause opens in place, still no wider than the phone.
    page.locator("article.clause-row.is-open [data-edit]").first.click()
    page.locator("form.clause-form").wait_for()
    width, client = overflow(page)
    assert width <= client


def test_the_folded_attachment_1_fits_its_budget(log_in) -> None:  # noqa: ANN001
    from anbiao.checklists.models import Checklist

    seed()
    checklist = Checklist.objects.get(organization__name="南安市应急管理局")
    page = demo_login(log_in, "yjj_filler")
    page.goto(f"/checklists/{checklist.pk}/")
    measure(page, "附件1", 22)
