"""The statistical scope stamped on look-backs, reports and records (experiences, mechanisms)
follows an enterprise that moves to another department or town (edited, re-imported from the
registry, or changed in the Django admin), so the table — which groups by the stamp without
joining the registry — counts it under its new units only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.accounts.models import Role
from anbiao.checklists.models import Checklist
from anbiao.orgs.models import OrgKind
from anbiao.orgs.registry import services as registry
from anbiao.orgs.services import enterprise_update
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.orgs.tests.registry_files import HEADER, code, nanan_units, xlsx_bytes
from anbiao.records.models import Record
from anbiao.reports.models import Report
from anbiao.stats import selectors
from anbiao.stats.columns import Period
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db

PERIOD = Period(b.PERIOD_START, b.PERIOD_END)
CODE = code("91350583MA2XYW131")


def counted(unit: Any) -> list[int | None]:
    """Columns 1, 3, 5, 11 and 13 of ``unit``'s live table."""
    values = selectors.unit_table(unit=unit, period=PERIOD).values
    return [values[0], values[2], values[4], values[10], values[12]]


def city_row(unit: Any) -> list[int | None]:
    table = selectors.city_table(period=PERIOD)
    row = next(r for r in [*table.departments, *table.towns] if r.unit == unit)
    return [row.values[0], row.values[2], row.values[4], row.values[10], row.values[12]]


def scopes(org: Any) -> set[tuple[Any, Any]]:
    """The (department, town) stamped on every look-back, report and record of ``org``."""
    return {
        pair
        for model in (Checklist, Report, Record)
        for pair in model.objects.filter(organization=org).values_list(
            "scope_department", "scope_town"
        )
    }


@pytest.fixture
def u() -> dict[str, Any]:
    units = nanan_units()
    ent = EnterpriseFactory.create(credit_code=CODE, department=units["yj"], town=units["xm"])
    tv = b.template_version("enterprise")
    b.lookback(
        ent.organization, status="submitted", when=b.TIMES["in"], problems=3, tv=tv[0], clause=tv[1]
    )
    camp = b.campaign(tv[0], b.template_version("government")[0])
    b.report(ent.organization, camp=camp, finalized=True, when=b.TIMES["in"])
    b.record(ent.organization, kind="experience", submitted=True, evidence=True, date=b.DATES["in"])
    b.record(ent.organization, kind="mechanism", submitted=True, evidence=True, date=b.DATES["in"])
    units["ent"] = ent
    return units


def test_a_submitted_look_back_and_a_finalized_report_carry_the_enterprises_department_and_town(
    u: dict,
) -> None:
    assert scopes(u["ent"].organization) == {(u["yj"].pk, u["xm"].pk)}
    assert counted(u["yj"]) == counted(u["xm"]) == [1, 3, 1, 1, 1]


def test_an_enterprise_edited_into_another_department_and_town_takes_its_counts_along(
    u: dict,
) -> None:
    enterprise_update(by=None, enterprise=u["ent"], department=u["jt"], town=u["st"])

    assert scopes(u["ent"].organization) == {(u["jt"].pk, u["st"].pk)}
    assert counted(u["jt"]) == counted(u["st"]) == [1, 3, 1, 1, 1]
    assert counted(u["yj"]) == counted(u["xm"]) == [0, 0, 0, 0, 0]
    assert city_row(u["jt"]) == city_row(u["st"]) == [1, 3, 1, 1, 1]
    assert city_row(u["yj"]) == city_row(u["xm"]) == [0, 0, 0, 0, 0]


def test_an_enterprise_edit_that_keeps_its_department_and_town_leaves_the_stamp(u: dict) -> None:
    enterprise_update(by=None, enterprise=u["ent"], phone="0595-1234567")
    assert scopes(u["ent"].organization) == {(u["yj"].pk, u["xm"].pk)}


def test_a_registry_re_import_moving_the_enterprise_moves_its_counts(u: dict) -> None:
    user = make_user(u["city"], Role.ORG_ADMIN, username="city_admin")
    row = [
        u["ent"].organization.name,
        CODE,
        "张三",
        "13912345678",
        "水头镇",
        "南安市交通运输局",
        "C",
        "小微",
        "南安市水头镇1号",
    ]
    pending = registry.registry_upload_store(
        upload=SimpleUploadedFile("底数台账.xlsx", xlsx_bytes([HEADER, row]))
    )
    plan = registry.registry_preview(user=user, pending=pending)
    assert [r.credit_code for r in plan.updated] == [CODE]
    result = registry.registry_import_confirm(
        user=user, pending=pending, accepted=[], digest=plan.digest()
    )

    assert result.updated == 1
    assert scopes(u["ent"].organization) == {(u["jt"].pk, u["st"].pk)}
    assert counted(u["jt"]) == counted(u["st"]) == [1, 3, 1, 1, 1]
    assert counted(u["yj"]) == counted(u["xm"]) == [0, 0, 0, 0, 0]
    assert city_row(u["st"]) == [1, 3, 1, 1, 1] and city_row(u["xm"]) == [0, 0, 0, 0, 0]


def test_rows_written_without_the_stamp_still_count_under_the_registrys_units(u: dict) -> None:
    for model in (Checklist, Report, Record):
        model.objects.filter(organization=u["ent"].organization).update(
            scope_department=None, scope_town=None
        )
    other = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    assert counted(u["yj"]) == counted(u["xm"]) == [1, 3, 1, 1, 1]
    assert city_row(u["yj"]) == city_row(u["xm"]) == [1, 3, 1, 1, 1]
    assert counted(other) == counted(u["jt"]) == counted(u["st"]) == [0, 0, 0, 0, 0]
    assert selectors.city_table(period=PERIOD).total.values[:5] == [1, 0, 3, 0, 1]


def test_submitting_a_record_stamps_the_enterprises_department_and_town(u: dict) -> None:
    from anbiao.records import services as records
    from anbiao.records.tests.helpers import png_upload

    Record.objects.all().delete()
    user = make_user(u["ent"].organization, Role.ORG_ADMIN, username="ent_admin")
    record = records.record_create(
        by=user,
        kind="experience",
        title="班组安全交底",
        summary="每日交底。",
        date=b.DATES["in"],
        category="other",
        evidence=[png_upload()],
    )
    assert scopes(u["ent"].organization) - {(u["yj"].pk, u["xm"].pk)} == {(None, None)}
    assert counted(u["yj"])[3] == 0
    records.record_submit(by=user, record=record)
    assert scopes(u["ent"].organization) == {(u["yj"].pk, u["xm"].pk)}
    assert counted(u["yj"])[3] == counted(u["xm"])[3] == city_row(u["xm"])[3] == 1


def test_look_backs_of_one_campaign_count_each_enterprise_once_and_two_campaigns_too(
    u: dict,
) -> None:
    """The table trusts "one look-back per organization and campaign" only when every counted
    look-back is of one campaign; with two campaigns it makes them distinct per organization."""
    from anbiao.campaigns.models import Campaign

    tv = b.template_version("enterprise")
    camp = b.campaign(tv[0], b.template_version("government")[0])
    Checklist.objects.update(campaign=camp)
    other = EnterpriseFactory.create(department=u["yj"], town=u["st"])
    b.lookback(
        other.organization, status="accepted", when=b.TIMES["last"], problems=2, tv=tv[0],
        clause=tv[1],
    )  # fmt: skip
    Checklist.objects.filter(organization=other.organization).update(campaign=camp)
    assert counted(u["yj"]) == [2, 5, 1, 1, 1] and city_row(u["yj"]) == [2, 5, 1, 1, 1]
    assert counted(u["xm"]) == [1, 3, 1, 1, 1] and counted(u["st"]) == [1, 2, 0, 0, 0]

    second = Campaign.objects.create(
        name="第二轮",
        period_start=b.PERIOD_START,
        period_end=b.PERIOD_END,
        enterprise_deadline=b.PERIOD_END,
        government_deadline=b.PERIOD_END,
        enterprise_template_version=tv[0],
        government_template_version=b.template_version("government")[0],
        status="open",
    )
    again = b.lookback(
        u["ent"].organization, status="submitted", when=b.TIMES["first"], problems=4, tv=tv[0],
        clause=tv[1],
    )  # fmt: skip
    Checklist.objects.filter(pk=again.pk).update(campaign=second)
    # the enterprise counts once in column 1; its problems of both look-backs count (3 + 4)
    assert counted(u["yj"]) == [2, 9, 1, 1, 1] and city_row(u["yj"]) == [2, 9, 1, 1, 1]
    assert counted(u["xm"]) == [1, 7, 1, 1, 1] and city_row(u["xm"]) == [1, 7, 1, 1, 1]
    assert selectors.city_table(period=PERIOD).total.values[:3] == [2, 0, 9]


def test_an_enterprise_moved_in_the_django_admin_takes_its_counts_along(u: dict, client) -> None:  # noqa: ANN001
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    admin = get_user_model().objects.create_superuser("root_for_test", password="Test@12345x")
    client.force_login(admin)
    session = client.session
    session["anbiao_2fa_ok"] = True
    session.save()
    e = u["ent"]
    url = reverse("admin:orgs_enterprise_change", args=[e.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        organization=e.pk,
        department=u["jt"].pk,
        town=u["st"].pk,
        other_departments=[],
        star_level=e.star_level,
        credit_code=e.credit_code,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert scopes(e.organization) == {(u["jt"].pk, u["st"].pk)}
    assert counted(u["yj"]) == [0, 0, 0, 0, 0] and counted(u["jt"]) == [1, 3, 1, 1, 1]


def test_the_migration_stamps_the_records_written_before_it(u: dict) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("anbiao.records.migrations.0002_record_stat_scope")
    Record.objects.update(scope_department=None, scope_town=None)
    gov = b.record(u["yj"], kind="mechanism", submitted=True, evidence=True, date=b.DATES["in"])
    migration.fill_scope(apps, None)
    assert set(
        Record.objects.filter(organization=u["ent"].organization).values_list(
            "scope_department", "scope_town"
        )
    ) == {(u["yj"].pk, u["xm"].pk)}
    gov.refresh_from_db()
    assert (gov.scope_department_id, gov.scope_town_id) == (None, None)
