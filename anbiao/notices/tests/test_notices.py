from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.core.models import AuditEntry
from anbiao.core.tests.world import build_world
from anbiao.notices import selectors, services
from anbiao.notices.models import NoticeDelivery, NoticeKind, SignMethod
from anbiao.orgs.models import SizeClass
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.records.tests.helpers import (
    pdf_upload,
    png_bytes,
    png_upload,
    signature_data_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def issue(user, kind=NoticeKind.STANDARDIZATION, title=""):  # noqa: ANN001, ANN201
    return services.notice_issue(by=user, kind=kind, title=title, document=pdf_upload())


def test_a_department_delivers_to_enterprises_in_its_scope_only(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    notice = issue(user)
    assert notice.title == "关于自主加强安全生产标准化建设告知书"
    with pytest.raises(ValidationError):
        services.notice_deliver(by=user, notice=notice, enterprises=[world.ent, world.ent_other])
    assert notice.deliveries.count() == 0
    assert services.notice_deliver(by=user, notice=notice, enterprises=[world.ent]) == 1
    assert services.notice_deliver(by=user, notice=notice, enterprises=[world.ent]) == 0
    assert notice.deliveries.count() == 1


def test_the_deliver_page_sends_to_all_filtered_enterprises(world) -> None:  # noqa: ANN001
    other_town = OrganizationFactory.create(kind="town", name="测试诗山镇")
    big = EnterpriseFactory.create(
        town=other_town, department=world.dept, size_class=SizeClass.ABOVE
    )
    EnterpriseFactory.create(town=other_town, department=world.dept, size_class=SizeClass.SMALL)
    EnterpriseFactory.create(
        town=world.town, department=world.dept, size_class=SizeClass.ABOVE, is_closed=True
    )
    user = world.users["department:org_admin"]
    notice = issue(user)
    c = login(user)
    page = c.get(
        reverse("notices:deliver", args=[notice.pk]),
        {"town": str(other_town.pk), "size_class": "above"},
    )
    assert '<strong id="candidate-count">1</strong>' in page.content.decode()
    response = c.post(
        reverse("notices:deliver", args=[notice.pk]),
        {"town": other_town.pk, "size_class": "above", "mode": "filtered"},
    )
    assert response.status_code == 302
    assert list(notice.deliveries.values_list("enterprise_id", flat=True)) == [big.pk]
    # Then pick one by hand.
    c.post(
        reverse("notices:deliver", args=[notice.pk]),
        {"mode": "selected", "enterprises": [world.ent.pk]},
    )
    assert notice.deliveries.count() == 2


def test_a_town_issues_to_the_enterprises_located_in_it(world) -> None:  # noqa: ANN001
    user = world.users["town:filler"]
    notice = issue(user, NoticeKind.RESPONSIBILITY)
    services.notice_deliver(by=user, notice=notice, enterprises=[world.ent])
    with pytest.raises(ValidationError):
        services.notice_deliver(by=user, notice=notice, enterprises=[world.ent_other])


def test_the_city_office_cannot_issue_notices(world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError):
        issue(world.users["city:org_admin"])


def _delivered(world, kind=NoticeKind.STANDARDIZATION) -> NoticeDelivery:  # noqa: ANN001
    user = world.users["department:filler"]
    notice = issue(user, kind)
    services.notice_deliver(by=user, notice=notice, enterprises=[world.ent])
    return notice.deliveries.get()


def test_acknowledge_sign_post_must_happen_in_order(world) -> None:  # noqa: ANN001
    d = _delivered(world)
    principal = world.users["enterprise:principal"]
    filler = world.users["enterprise:filler"]
    with pytest.raises(ValidationError, match="请先签收"):
        services.delivery_sign_canvas(by=principal, delivery=d, data_url=signature_data_url())
    with pytest.raises(ValidationError, match="请先签订"):
        services.delivery_post(by=filler, delivery=d, photo=png_upload())
    services.delivery_acknowledge(by=filler, delivery=d)
    d.refresh_from_db()
    assert d.acknowledged_by == filler and d.acknowledged_at is not None
    with pytest.raises(ValidationError, match="只有主要负责人"):
        services.delivery_sign_canvas(by=filler, delivery=d, data_url=signature_data_url())
    with pytest.raises(ValidationError, match="签名为空"):
        services.delivery_sign_canvas(
            by=principal, delivery=d, data_url=signature_data_url(blank=True)
        )
    with pytest.raises(ValidationError):
        services.delivery_sign_canvas(
            by=principal, delivery=d, data_url="data:image/png;base64,!!!"
        )
    services.delivery_sign_canvas(by=principal, delivery=d, data_url=signature_data_url())
    d.refresh_from_db()
    assert d.commitment_file is not None
    assert d.sign_method == SignMethod.CANVAS and d.commitment_file.content_type == "image/png"
    with pytest.raises(ValidationError, match="只接受图片"):
        services.delivery_post(by=filler, delivery=d, photo=pdf_upload())
    services.delivery_post(by=filler, delivery=d, photo=png_upload("公示栏.png"))
    d.refresh_from_db()
    assert d.posted_photo is not None
    assert d.state == "posted" and d.posted_photo.is_image
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "anbiao.notice.acknowledged",
        "anbiao.commitment.signed",
        "anbiao.notice.posted",
    } <= actions


def test_a_filler_uploads_the_signed_scan(world) -> None:  # noqa: ANN001
    d = _delivered(world)
    filler = world.users["enterprise:filler"]
    c = login(filler)
    c.post(reverse("notices:acknowledge", args=[d.pk]))
    c.post(reverse("notices:sign_scan", args=[d.pk]), {"scan": pdf_upload("承诺书.pdf")})
    d.refresh_from_db()
    assert d.commitment_file is not None
    assert d.sign_method == SignMethod.SCAN and d.commitment_file.original_name == "承诺书.pdf"


def test_a_viewer_cannot_acknowledge(world) -> None:  # noqa: ANN001
    d = _delivered(world)
    response = login(world.users["enterprise:viewer"]).post(
        reverse("notices:acknowledge", args=[d.pk])
    )
    assert response.status_code == 404
    d.refresh_from_db()
    assert d.acknowledged_at is None


def test_the_ledger_counts_and_the_export_agree(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    notice = issue(user)
    ents = [world.ent] + [
        EnterpriseFactory.create(town=world.town, department=world.dept) for _ in range(3)
    ]
    services.notice_deliver(by=user, notice=notice, enterprises=ents)
    deliveries = {d.enterprise_id: d for d in notice.deliveries.all()}
    principals = {}
    for e in ents[:3]:
        principals[e.pk] = make_user(e.organization, Role.PRINCIPAL)
        services.delivery_acknowledge(by=principals[e.pk], delivery=deliveries[e.pk])
    for e in ents[:2]:
        services.delivery_sign_canvas(
            by=principals[e.pk], delivery=deliveries[e.pk], data_url=signature_data_url()
        )
    services.delivery_post(
        by=principals[ents[0].pk], delivery=deliveries[ents[0].pk], photo=png_upload()
    )
    counts = selectors.ledger_counts(selectors.ledger(notice=notice))
    assert (counts.delivered, counts.acknowledged, counts.signed, counts.posted) == (4, 3, 2, 1)

    c = login(world.users["department:viewer"])
    html = c.get(reverse("notices:ledger", args=[notice.pk])).content.decode()
    assert '<p class="ledger-count" data-count="signed">2</p>' in html
    response = c.get(reverse("notices:ledger_export", args=[notice.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == tuple(selectors.LEDGER_HEADERS)
    body = rows[1:]
    assert len(body) == 4
    assert sum(1 for r in body if r[4]) == 3  # 签收时间
    assert sum(1 for r in body if r[6]) == 2  # 承诺书签订时间
    assert sum(1 for r in body if r[8]) == 1  # 公示时间
    assert {r[0] for r in body} == {e.organization.name for e in ents}
    first = next(r for r in body if r[0] == ents[0].organization.name)
    assert first[7] == "主要负责人手写签名" and first[9] == "已公示"
    only_unsigned = c.get(
        reverse("notices:ledger_export", args=[notice.pk]), {"state": "not_signed"}
    )
    rows = list(load_workbook(io.BytesIO(only_unsigned.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 2


def test_the_enterprise_downloads_the_notice_and_others_cannot(world) -> None:  # noqa: ANN001
    d = _delivered(world)
    ok = login(world.users["enterprise:viewer"]).get(
        reverse("notices:document", args=[d.notice.pk])
    )
    assert ok.status_code == 200 and isinstance(ok, FileResponse)
    assert b"".join(ok.streaming_content).startswith(b"%PDF-")
    assert ok["Content-Disposition"].startswith("attachment")
    outsider = make_user(world.ent_other.organization, Role.ORG_ADMIN)
    assert login(outsider).get(reverse("notices:document", args=[d.notice.pk])).status_code == 404
    town = login(world.users["town:viewer"]).get(reverse("notices:document", args=[d.notice.pk]))
    assert town.status_code == 404  # issued by the department, not by the town


def test_evidence_suggestions_for_the_checklist(world) -> None:  # noqa: ANN001
    principal = world.users["enterprise:principal"]
    d1 = _delivered(world, NoticeKind.STANDARDIZATION)
    d2 = _delivered(world, NoticeKind.RESPONSIBILITY)
    for d in (d1, d2):
        services.delivery_acknowledge(by=principal, delivery=d)
    services.delivery_sign_canvas(by=principal, delivery=d1, data_url=signature_data_url())
    services.delivery_post(by=principal, delivery=d1, photo=png_upload())
    found = selectors.notice_evidence_for_enterprise(world.ent)
    clause1 = [e for e in found if e.clause == 1]
    clause2 = [e for e in found if e.clause == 2]
    assert len(clause1) == 2 and len(clause2) == 1
    assert clause2[0].delivery == d1 and clause2[0].complete
    assert {f.purpose for f in clause2[0].files} == {"承诺书签名", "公示照片"}
    assert [e.complete for e in clause1 if e.delivery == d2] == [False]
    assert selectors.notice_evidence_for_enterprise(world.ent_other) == []


def test_the_enterprise_home_card_counts_notices_to_acknowledge(world) -> None:  # noqa: ANN001
    from anbiao.notices.menu import home_cards, nav_items

    _delivered(world, NoticeKind.STANDARDIZATION)
    _delivered(world, NoticeKind.RESPONSIBILITY)
    user = world.users["enterprise:filler"]
    cards = home_cards(user)
    assert cards[0].body == "2 份告知书待签收。"
    assert nav_items(user)[0].badge == 2
    home = login(user).get(reverse("core:home")).content.decode()
    assert "2 份告知书待签收" in home


def test_a_photo_that_is_not_an_image_is_refused_in_the_view(world) -> None:  # noqa: ANN001
    d = _delivered(world)
    principal = world.users["enterprise:principal"]
    services.delivery_acknowledge(by=principal, delivery=d)
    services.delivery_sign_canvas(by=principal, delivery=d, data_url=signature_data_url())
    c = login(principal)
    response = c.post(
        reverse("notices:post", args=[d.pk]), {"photo": pdf_upload("x.jpg")}, follow=True
    )
    assert "公示照片" in response.content.decode()
    d.refresh_from_db()
    assert d.posted_at is None
    assert png_bytes()  # the helper makes a real PNG


def test_the_ledger_filters_by_town(world) -> None:  # noqa: ANN001
    other_town = OrganizationFactory.create(kind="town", name="测试诗山镇")
    far = EnterpriseFactory.create(town=other_town, department=world.dept)
    user = world.users["department:filler"]
    notice = issue(user)
    services.notice_deliver(by=user, notice=notice, enterprises=[world.ent, far])
    c = login(user)
    html = c.get(
        reverse("notices:ledger", args=[notice.pk]), {"town": str(other_town.pk)}
    ).content.decode()
    assert far.organization.name in html and world.ent.organization.name not in html
    rows = list(
        load_workbook(
            io.BytesIO(
                c.get(
                    reverse("notices:ledger_export", args=[notice.pk]), {"town": str(other_town.pk)}
                ).content
            )
        ).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [far.organization.name]
