"""The statistics table end to end: live numbers and drill-downs, 填报 with adjustments, the
city office's overview and returns, the exports read back, and the query count."""

from __future__ import annotations

import io
import subprocess  # noqa: S404
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.stats import exports, reported, selectors, services
from anbiao.stats.columns import COLUMNS, GROUPS, Period
from anbiao.stats.models import StatsSubmission, SubmissionStatus
from anbiao.stats.tests import builders as b

pytestmark = pytest.mark.django_db
PERIOD = Period(b.PERIOD_START, b.PERIOD_END)
PQ = f"start={PERIOD.start}&end={PERIOD.end}"


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    """A city office, two departments, two towns, four enterprises with look-backs and records."""
    tv_e = b.template_version("enterprise")
    tv_g = b.template_version("government")
    office = OrganizationFactory.create(kind=OrgKind.CITY, name="南安市安委办")
    d1 = OrganizationFactory.create(
        kind=OrgKind.DEPARTMENT, name="应急管理局", contact_phone="0595-1"
    )
    d2 = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="住建局")
    t1 = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    t2 = OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇")
    e1 = EnterpriseFactory.create(department=d1, town=t1, organization__name="甲石材有限公司")
    e2 = EnterpriseFactory.create(department=d1, town=t2, organization__name="乙陶瓷有限公司")
    e3 = EnterpriseFactory.create(department=d2, town=t1, organization__name="丙建设有限公司")
    e4 = EnterpriseFactory.create(department=d2, town=t2, organization__name="丁物流有限公司")
    lb = b.lookback
    lb(
        e1.organization,
        status="submitted",
        when=b.TIMES["in"],
        problems=3,
        tv=tv_e[0],
        clause=tv_e[1],
    )
    lb(
        e2.organization,
        status="accepted",
        when=b.TIMES["last"],
        problems=2,
        tv=tv_e[0],
        clause=tv_e[1],
    )
    lb(
        e3.organization,
        status="returned",
        when=b.TIMES["in"],
        problems=5,
        tv=tv_e[0],
        clause=tv_e[1],
    )
    lb(
        e4.organization,
        status="submitted",
        when=b.TIMES["after"],
        problems=4,
        tv=tv_e[0],
        clause=tv_e[1],
    )
    lb(d1, status="submitted", when=b.TIMES["in"], problems=1, tv=tv_g[0], clause=tv_g[1])
    lb(t1, status="submitted", when=b.TIMES["in"], problems=2, tv=tv_g[0], clause=tv_g[1])
    b.record(e1.organization, kind="experience", submitted=True, evidence=True, date=b.DATES["in"])
    b.record(e2.organization, kind="experience", submitted=True, evidence=False, date=b.DATES["in"])
    b.record(d1, kind="mechanism", submitted=True, evidence=True, date=b.DATES["in"])
    b.batch(d1, published=True, date=b.DATES["in"], enterprises=[e1, e2, e1])
    camp = b.campaign(tv_e[0], tv_g[0])
    b.report(e1.organization, camp=camp, finalized=True, when=b.TIMES["in"])
    b.report(e2.organization, camp=camp, finalized=False, when=b.TIMES["in"])
    b.report(d1, camp=camp, finalized=True, when=b.TIMES["last"])
    b.report(t1, camp=camp, finalized=True, when=b.TIMES["after"])
    b.inspection(d1, e1.organization, completed=True, date=b.DATES["in"], problems=2, withdrawn=1)
    b.inspection(d1, e1.organization, completed=True, date=b.DATES["last"], problems=2)
    b.inspection(d1, e3.organization, completed=False, date=b.DATES["in"], problems=3)
    b.inspection(office, d2, completed=True, date=b.DATES["in"], problems=1)
    users = {
        "city": make_user(office, Role.ORG_ADMIN, username="c_admin"),
        "d1": make_user(d1, Role.FILLER, username="d1_filler"),
        "d2": make_user(d2, Role.FILLER, username="d2_filler"),
        "t1": make_user(t1, Role.VIEWER, username="t1_viewer"),
    }
    return {"office": office, "d1": d1, "d2": d2, "t1": t1, "t2": t2, "users": users}


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_departments_live_table_counts_its_primary_enterprises_and_itself(city: dict) -> None:
    got = selectors.unit_table(unit=city["d1"], period=PERIOD).values
    # e1 and e2 (submitted/accepted in period) + problems 3+2; d1's own look-back with 1 problem
    assert got[:4] == [2, 1, 5, 1]
    assert got[4:6] == [1, 1]  # e1's finalized report; d1's own
    # e1 inspected twice (once counted), 2+2 problems (the withdrawn one never counts); the
    # draft inspection of e3 does not count
    assert got[6:10] == [1, 4, 0, 0]
    assert got[10:] == [1, 0, 1, 1, 2]


def test_a_returned_or_late_lookback_does_not_count(city: dict) -> None:
    got = selectors.unit_table(unit=city["d2"], period=PERIOD).values
    assert got[:4] == [0, 0, 0, 0]


def test_every_number_links_to_a_list_of_exactly_that_many_records(city: dict) -> None:
    c = client_for(city["users"]["city"])
    for unit in (city["office"], city["d1"], city["t1"], city["t2"]):
        values = selectors.unit_table(unit=unit, period=PERIOD).values
        for col in COLUMNS:
            if values[col.no - 1] is None:
                continue
            r = c.get(reverse("stats:drill", args=[col.no]) + f"?unit={unit.pk}&{PQ}")
            assert r.status_code == 200
            html = r.content.decode()
            assert f'<strong id="total">{values[col.no - 1]}</strong>' in html
            assert html.count('<tr><td class="num">') == values[col.no - 1]


def test_the_table_page_shows_links_and_the_rules(city: dict) -> None:
    c = client_for(city["users"]["d1"])
    html = c.get(reverse("stats:table") + "?" + PQ).content.decode()
    assert "统计口径" in html
    import html as htmllib

    link = f'href="{reverse("stats:drill", args=[1])}?unit={city["d1"].pk}&{PQ}" data-col="1">2<'
    assert link in htmllib.unescape(html)


def test_a_department_cannot_see_another_departments_table(city: dict) -> None:
    c = client_for(city["users"]["d1"])
    assert c.get(reverse("stats:table") + f"?unit={city['d2'].pk}").status_code == 404
    assert c.get(reverse("stats:drill", args=[1]) + f"?unit={city['d2'].pk}").status_code == 404
    assert c.get(reverse("stats:city")).status_code == 404


def test_the_city_table_counts_each_enterprise_once_and_explains_the_difference(
    city: dict,
) -> None:
    t = selectors.city_table(period=PERIOD)
    assert sorted(r.label for r in t.departments) == sorted(["应急管理局", "住建局"])
    assert t.total.values[0] == 2  # e1, e2
    assert t.plain_sum.values[0] == 4  # each counted under its department and its town
    assert t.difference.values[0] == 2
    assert t.total.values[1] == 2  # d1 and t1
    assert t.total.values[14] == 2
    assert t.total.values[6:10] == [1, 4, 1, 1]  # the city office inspected d2
    html = client_for(city["users"]["city"]).get(reverse("stats:city") + "?" + PQ).content.decode()
    assert "企业同时计入主管部门和所在乡镇，直接相加会重复计算" in html


def test_submitting_freezes_the_numbers_and_an_adjustment_needs_a_reason(city: dict) -> None:
    c = client_for(city["users"]["d1"])
    url = reverse("stats:submit") + "?" + PQ
    form = c.get(url)
    assert form.status_code == 200
    data = {"filler_name": "许丽萍", "phone": "0595-86300001"}
    live = selectors.unit_table(unit=city["d1"], period=PERIOD).values
    for col in COLUMNS:
        v = live[col.no - 1]
        data[f"v{col.no:02d}"] = "" if v is None else str(v)
        data[f"r{col.no:02d}"] = ""
    data["computed"] = ",".join("" if v is None else str(v) for v in live)
    data["v03"] = "7"  # 5 in the system
    r = c.post(url, data)
    assert r.status_code == 200
    assert "第3列“企业自查发现问题（个）”" in r.content.decode()
    assert "许丽萍" in r.content.decode()  # the input is kept
    assert not StatsSubmission.objects.exists()

    data["r03"] = "线下座谈会收集问题2个"
    stamp = SimpleUploadedFile("盖章.png", _png(), content_type="image/png")
    r = c.post(url, {**data, "stamp": stamp})
    assert r.status_code == 302
    sub = StatsSubmission.objects.get()
    assert sub.computed == live
    assert sub.reported(3) == 7
    assert sub.display(3) == "7（系统 5，调整 +2：线下座谈会收集问题2个）"
    assert sub.stamp is not None
    assert AuditEntry.objects.filter(action="anbiao.stats.adjusted").count() == 1
    assert AuditEntry.objects.filter(action="anbiao.stats.submitted").count() == 1
    html = c.get(reverse("stats:table") + "?" + PQ).content.decode()
    assert "7（系统 5，调整 +2：线下座谈会收集问题2个）" in html
    # a second submission while submitted is refused (redirect with a message)
    assert c.post(url, data).status_code == 302
    assert StatsSubmission.objects.get().times_submitted == 1


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG")
    return out.getvalue()


def test_the_phone_of_the_statistics_table_is_checked_and_stored_normalized(city: dict) -> None:
    from django.core.exceptions import ValidationError

    c = client_for(city["users"]["d1"])
    url = reverse("stats:submit") + "?" + PQ
    live = selectors.unit_table(unit=city["d1"], period=PERIOD).values
    data = {"filler_name": "许丽萍", "phone": "8638123"}
    for col in COLUMNS:
        v = live[col.no - 1]
        data[f"v{col.no:02d}"] = "" if v is None else str(v)
        data[f"r{col.no:02d}"] = ""
    data["computed"] = ",".join("" if v is None else str(v) for v in live)
    r = c.post(url, data)
    body = r.content.decode()
    assert r.status_code == 200
    assert "联系电话：格式不正确，应为11位手机号（如 13912345678）或带区号的固定电话" in body
    assert 'value="8638123"' in body  # the input is kept
    assert not StatsSubmission.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(
            by=city["users"]["d1"], unit=city["d1"], period=PERIOD, filler_name="许丽萍", phone="1"
        )
    assert list(exc.value.message_dict) == ["phone"]

    assert c.post(url, {**data, "phone": "0595 8638 1234"}).status_code == 302
    assert StatsSubmission.objects.get().phone == "0595-86381234"


def _submit(user: Any, unit: Any, **kw: Any) -> StatsSubmission:
    from anbiao.stats import services

    return services.submission_submit(
        by=user, unit=unit, period=PERIOD, filler_name="许丽萍", phone="0595-86381000", **kw
    )


def test_the_city_office_sees_differences_and_returns_a_submission(city: dict) -> None:
    sub = _submit(city["users"]["d1"], city["d1"])
    # the live numbers move after the submission
    tv = b.template_version("enterprise")
    e5 = EnterpriseFactory.create(department=city["d1"], town=city["t1"])
    b.lookback(
        e5.organization, status="submitted", when=b.TIMES["in"], problems=1, tv=tv[0], clause=tv[1]
    )
    rows = {r.unit.pk: r for r in selectors.submission_overview(period=PERIOD)}
    row = rows[city["d1"].pk]
    assert row.submission == sub
    assert row.differs[0] and row.differs[2] and not row.differs[1]
    c = client_for(city["users"]["city"])
    html = c.get(reverse("stats:submissions") + "?" + PQ).content.decode()
    assert 'id="n-submitted">1<' in html
    assert "stats-diff" in html
    r = c.post(reverse("stats:submission_return", args=[sub.pk]), {"reason": "请核对企业数"})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED
    assert sub.return_reason == "请核对企业数"
    # the unit sees the reason and resubmits; the new numbers are frozen
    d1 = client_for(city["users"]["d1"])
    assert "请核对企业数" in d1.get(reverse("stats:table") + "?" + PQ).content.decode()
    sub = _submit(city["users"]["d1"], city["d1"])
    assert sub.status == SubmissionStatus.SUBMITTED
    assert sub.times_submitted == 2
    assert sub.computed[0] == 3


def test_a_department_cannot_return_a_submission(city: dict) -> None:
    from django.core.exceptions import ValidationError

    from anbiao.stats import services

    sub = _submit(city["users"]["d1"], city["d1"])
    with pytest.raises(ValidationError):
        services.submission_return(by=city["users"]["d2"], submission=sub, reason="x")
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED


def _read_xlsx(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content)).active


def _check_layout(ws: Any, offset: int) -> None:
    n = 15 + offset
    last = chr(ord("A") + n - 1)
    assert ws["A1"].value == "附件3"
    assert ws["A2"].value == "南安市安全生产标准化提升专项行动“回头看”统计表"
    assert ws["A3"].value.startswith("填报单位（盖章）：")
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A2:{last}2" in merged
    col = 1 + offset
    want_groups = []
    for (_, span), text in zip(GROUPS, exports.PRINT_GROUPS, strict=True):
        assert ws.cell(4, col).value == text
        if span > 1:
            want_groups.append(f"{chr(ord('A') + col - 1)}4:{chr(ord('A') + col + span - 2)}4")
        col += span
    for rng in want_groups:
        assert rng in merged
    names = [ws.cell(5, i).value for i in range(1 + offset, n + 1)]
    # the seed's line breaks (企业／（家）); without them, the names of the columns
    assert names == list(exports.PRINT_NAMES)
    assert [nm.replace("\n", "") for nm in names] == [c.name for c in COLUMNS]
    assert [g.replace("\n", "") for g in exports.PRINT_GROUPS] == [g for g, _ in GROUPS]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws["A2"].font.name == "宋体"


def test_the_xlsx_export_has_the_official_layout_and_the_live_numbers(city: dict) -> None:
    c = client_for(city["users"]["d1"])
    r = c.get(reverse("stats:export", args=["xlsx"]) + "?" + PQ)
    assert r.status_code == 200
    ws = _read_xlsx(r.content)
    _check_layout(ws, 0)
    live = selectors.unit_table(unit=city["d1"], period=PERIOD).values
    assert [ws.cell(6, i).value for i in range(1, 16)] == ["—" if v is None else v for v in live]
    assert ws["A3"].value == "填报单位（盖章）：应急管理局"
    assert ws.cell(3, 8).value.startswith("填报时间：")
    assert ws.cell(8, 1).value == "填报人："
    assert ws.cell(8, 8).value == "联系电话："
    assert ws.cell(9, 1).value == "注：总结好的经验、做法和建立工作机制，需同步提供佐证材料。"
    assert "A4:B4" in {str(m) for m in ws.merged_cells.ranges}


def test_a_submitted_table_exports_its_frozen_numbers_with_the_adjustment(city: dict) -> None:
    sub = _submit(city["users"]["d1"], city["d1"], adjustments={13: (3, "线下建立机制2项")})
    ws = _read_xlsx(
        client_for(city["users"]["d1"])
        .get(reverse("stats:export", args=["xlsx"]) + "?" + PQ)
        .content
    )
    # the number itself, numeric (SUM works), with the footnote mark in its number format
    assert ws.cell(6, 13).value == 3
    assert ws.cell(6, 13).number_format == '0"①"'
    assert ws.cell(6, 1).value == sub.computed[0]
    assert ws.cell(7, 1).value == "调整说明："
    assert ws.cell(8, 1).value == (
        "① 第13列（建立工作机制·个数）填报 3（系统统计 1，调整 +2）：线下建立机制2项"
    )
    assert ws.cell(10, 1).value == "填报人：许丽萍"
    assert ws.cell(10, 8).value == "联系电话：0595-86381000"


def test_the_city_xlsx_has_a_row_per_unit_and_the_totals(city: dict) -> None:
    r = client_for(city["users"]["city"]).get(
        reverse("stats:city_export", args=["xlsx"]) + "?" + PQ
    )
    ws = _read_xlsx(r.content)
    _check_layout(ws, 1)
    assert ws["A4"].value == "填报单位"
    assert "A4:A5" in {str(m) for m in ws.merged_cells.ranges}
    t = reported.reported_city_table(period=PERIOD)
    for i, row in enumerate(t.official_rows):
        assert ws.cell(6 + i, 1).value == ("全市合计" if row.kind == "total" else row.label)
        assert [ws.cell(6 + i, c).value for c in range(2, 17)] == [
            "—" if v is None else v for v in row.figures
        ]
    labels = [ws.cell(r, 1).value for r in range(6, 6 + len(t.official_rows))]
    assert "南安市安委办本级" in labels and "各行直接相加（含本级，实时数）" not in labels


def test_the_docx_export_merges_the_group_headers(city: dict) -> None:
    from docx import Document

    r = client_for(city["users"]["d1"]).get(reverse("stats:export", args=["docx"]) + "?" + PQ)
    doc = Document(io.BytesIO(r.content))
    table = doc.tables[0]
    first = [c.text for c in table.rows[0].cells]
    assert first[0] == first[1] == "开展“回头看”\n数量"
    assert first[6] == first[9] == "督导检查"
    assert [c.text for c in table.rows[1].cells][2] == "企业自查发现问题（个）"
    live = selectors.unit_table(unit=city["d1"], period=PERIOD).values
    assert [c.text for c in table.rows[2].cells] == ["—" if v is None else str(v) for v in live]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "南安市安全生产标准化提升专项行动“回头看”统计表" in text
    assert "注：总结好的经验、做法和建立工作机制，需同步提供佐证材料。" in text


def test_the_pdf_export_has_the_title_the_numbers_and_a_cjk_font(
    city: dict, pdf_tools: None, tmp_path: Any
) -> None:
    r = client_for(city["users"]["city"]).get(reverse("stats:city_export", args=["pdf"]) + "?" + PQ)
    assert r.status_code == 200
    path = tmp_path / "t.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "南安市安全生产标准化提升专项行动“回头看”统计表" in text
    assert "全市合计" in text and "应急管理局" in text
    fonts = subprocess.run(  # noqa: S603
        ["pdffonts", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CJK" in fonts
    t = reported.reported_city_table(period=PERIOD)
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("全市合计"))
    nums = [tok for tok in line.split() if tok.isdigit() or tok == "—"]
    assert nums == ["—" if v is None else str(v) for v in t.official_total.figures]


def test_the_city_tables_query_count_does_not_grow_with_the_city(
    city: dict, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        selectors.city_table(period=PERIOD)
    tv = b.template_version("enterprise")
    for _ in range(12):
        d = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
        t = OrganizationFactory.create(kind=OrgKind.TOWN)
        OrganizationFactory.create(kind=OrgKind.DEPARTMENT, parent=d)
        for _ in range(3):
            e = EnterpriseFactory.create(department=d, town=t)
            b.lookback(
                e.organization,
                status="submitted",
                when=b.TIMES["in"],
                problems=2,
                tv=tv[0],
                clause=tv[1],
            )
            b.record(
                e.organization, kind="experience", submitted=True, evidence=True, date=b.DATES["in"]
            )
        b.batch(d, published=True, date=b.DATES["in"], enterprises=[e])
    with django_assert_num_queries(len(small.captured_queries)):
        table = selectors.city_table(period=PERIOD)
    assert len(table.departments) == 14


def test_a_unit_table_uses_one_query_per_column(
    city: dict, django_assert_max_num_queries: Any
) -> None:
    selectors.unit_table(unit=city["t1"], period=PERIOD)
    with django_assert_max_num_queries(20):
        selectors.unit_table(unit=city["t1"], period=PERIOD)


def test_exports_render_adjusted_cells_as_text() -> None:
    assert exports.date_text(None) == "    年  月  日"
