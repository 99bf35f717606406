"""One definition of an inspection's problems: the page, the list, the .xlsx export, the API and
附件3 columns 8/10 agree, for free-form findings and checklist problems alike."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anbiao.inspections import services
from anbiao.inspections.models import Inspection
from anbiao.inspections.tests.helpers import client_for, inspection
from anbiao.rectification.models import Problem

pytestmark = pytest.mark.django_db


def checklist_inspection(user: Any, target: Any, *lines: str, complete: bool) -> Inspection:
    """An inspection answered clause by clause: the first clause 不符合 with ``lines``."""
    from anbiao.checklists.tests.helpers import campaign

    insp = inspection(user, target, campaign=campaign())
    services.inspection_checklist_start(by=user, inspection=insp)
    insp.refresh_from_db()
    assert insp.checklist is not None
    first = insp.checklist.answers.order_by("clause__position").first()
    assert first is not None
    services.inspection_checklist_save(
        by=user,
        inspection=insp,
        data={first.pk: services.ClauseInput("nonconform", "", list(lines))},
    )
    if complete:
        services.inspection_complete(by=user, inspection=insp)
    insp.refresh_from_db()
    return insp


def page_count(client: Any, insp: Inspection) -> int:
    html = client.get(reverse("inspections:inspection_detail", args=[insp.pk])).content.decode()
    m = re.search(r'<span id="insp-problem-count">(\d+)</span>', html)
    assert m, html[:400]
    assert "未发现问题" not in html or m.group(1) == "0"
    return int(m.group(1))


def list_count(client: Any, insp: Inspection) -> int:
    html = client.get(reverse("inspections:inspection_list")).content.decode()
    row = html[html.index(reverse("inspections:inspection_detail", args=[insp.pk])) :]
    m = re.search(r'<td data-label="发现问题" class="num">(\d+)</td>', row)
    assert m
    return int(m.group(1))


def export_count(client: Any, insp: Inspection) -> int:
    r = client.get(reverse("inspections:inspection_export"))
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    header = next(row for row in rows if row and "发现问题（个）" in row)
    col = header.index("发现问题（个）")
    target = [row for row in rows[rows.index(header) + 1 :] if row[2] == insp.target.name]
    assert len(target) == 1
    return int(target[0][col])


def column_8(unit: Any) -> int:
    from anbiao.stats import selectors as stats
    from anbiao.stats.columns import Period

    today = timezone.localdate()
    value = stats.unit_table(unit=unit, period=Period(today, today)).values[7]
    assert value is not None
    return value


def test_a_checklist_inspection_with_two_problems_shows_two_on_the_page_list_export_and_stats(
    w: dict,
) -> None:
    grid = w["u"]["grid"]
    insp = checklist_inspection(
        grid, w["ent"].organization, "未制定年度提升计划", "计划未经审批", complete=True
    )
    assert Problem.objects.filter(inspection=insp).count() == 2
    c = client_for(grid)
    html = c.get(reverse("inspections:inspection_detail", args=[insp.pk])).content.decode()
    assert "未发现问题" not in html
    assert page_count(c, insp) == 2
    assert list_count(c, insp) == 2
    assert export_count(c, insp) == 2
    assert column_8(w["town"]) == 2
    assert Inspection.objects.counted().filter(pk=insp.pk).problems().count() == 2
    # the enterprise reads the same number on its copy of the page
    assert page_count(client_for(w["u"]["ent"]), insp) == 2


def test_a_draft_counts_the_problems_completing_it_would_track(w: dict) -> None:
    dept = w["u"]["dept"]
    insp = checklist_inspection(dept, w["ent"].organization, "甲", "乙", "丙", complete=False)
    services.finding_add(by=dept, inspection=insp, description="消防通道堵塞")
    c = client_for(dept)
    assert page_count(c, insp) == 4
    assert list_count(c, insp) == 4 and export_count(c, insp) == 4
    services.inspection_complete(by=dept, inspection=insp)
    assert page_count(c, insp) == 4 and list_count(c, insp) == 4
    assert column_8(w["dept"]) == 4


def test_a_withdrawn_problem_leaves_every_count_alike(w: dict) -> None:
    from anbiao.rectification.services import problem_withdraw

    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization, findings=("一", "二"), complete=True)
    problem_withdraw(
        by=w["u"]["city"], problem=Problem.objects.filter(inspection=insp)[0], reason="误报"
    )
    c = client_for(w["u"]["city"])
    assert page_count(c, insp) == list_count(c, insp) == export_count(c, insp) == 1
    assert column_8(w["town"]) == 1


def test_the_api_gives_the_same_problem_count(w: dict) -> None:
    from anbiao.api.services import apitoken_create

    grid = w["u"]["grid"]
    insp = checklist_inspection(grid, w["ent"].organization, "甲", "乙", complete=True)
    auth = {"Authorization": f"Bearer {apitoken_create(by=grid, name='测试')[1]}"}
    c = client_for(grid)
    items = c.get("/api/v1/inspections", headers=auth).json()["items"]
    assert [(i["finding_count"], i["problem_count"]) for i in items] == [(0, 2)]
    detail = c.get(f"/api/v1/inspections/{insp.pk}", headers=auth).json()
    assert detail["problem_count"] == 2


def test_an_inspection_before_the_period_is_not_in_column_8_but_keeps_its_count(w: dict) -> None:
    dept = w["u"]["dept"]
    old = inspection(
        dept,
        w["ent"].organization,
        findings=("旧问题",),
        complete=True,
        date=timezone.localdate() - dt.timedelta(days=3),
    )
    assert column_8(w["dept"]) == 0
    assert list_count(client_for(dept), old) == 1
