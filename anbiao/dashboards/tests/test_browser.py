"""In Chromium: a real mouse click on a dashboard bar opens the matching list."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from anbiao.dashboards.tests.helpers import make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAR_CENTER = """
(key) => {
  const el = document.querySelector(`[data-chart="${key}"]`);
  const chart = echarts.getInstanceByDom(el);
  const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(1);
  const box = el.getBoundingClientRect();
  return {x: box.left + layout.x + layout.width / 2,
          y: box.top + layout.y + layout.height / 2,
          label: chart.getOption().xAxis[0].data[1]};
}
"""


def test_clicking_a_town_bar_opens_the_checklist_list_of_that_town(page: Any, sign_in: Any) -> None:
    city = make_city(8)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    sign_in(page, "city_viewer")
    page.get_by_role("link", name="打开工作台").click()
    page.wait_for_selector('[data-chart="by_town"][data-ready="1"]')
    el = page.locator('[data-chart="by_town"]')
    el.scroll_into_view_if_needed()
    target = page.evaluate(BAR_CENTER, "by_town")
    town = next(t for t in city.towns if t.name == target["label"])
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url("**/checklists/review/**")
    query = parse_qs(urlparse(page.url).query)
    assert query["town"] == [str(town.pk)]
    assert query["kind"] == ["enterprise"]
    # The list shows the town's enterprises and no other town's.
    body = page.content()
    for e in city.enterprises:
        if e.town_id == town.pk:
            assert e.organization.name in body
        else:
            assert e.organization.name not in body
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
