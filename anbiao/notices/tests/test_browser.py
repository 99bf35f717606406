"""In Chromium at phone size: an enterprise principal acknowledges a notice and signs the
commitment on the canvas."""

from __future__ import annotations

import io
import os

import pytest

from anbiao.accounts.models import Role
from anbiao.notices import services
from anbiao.notices.models import NoticeKind, SignMethod
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.records.tests.helpers import pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ANBIAO_SHOTS")


def test_a_principal_acknowledges_and_signs_on_a_phone(page, sign_in) -> None:  # noqa: ANN001
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="测试应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="测试溪美街道")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="测试石材有限公司"
    )
    issuer = make_user(dept, Role.FILLER, username="issuer")
    principal = make_user(ent.organization, Role.PRINCIPAL, username="boss")
    notice = services.notice_issue(
        by=issuer, kind=NoticeKind.STANDARDIZATION, title="", document=pdf_upload()
    )
    services.notice_deliver(by=issuer, notice=notice, enterprises=[ent])
    delivery = notice.deliveries.get()

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, principal.username, start="/accounts/login/")
    assert page.get_by_text("1 份告知书待签收。").is_visible()
    page.get_by_role("link", name="去签收").click()
    page.get_by_role("link", name="关于自主加强安全生产标准化建设告知书").click()
    page.get_by_role("button", name="确认签收").click()
    assert page.get_by_text("已签收告知书。").is_visible()

    # Submitting an empty pad is stopped in the browser.
    page.get_by_role("button", name="确认签名").click()
    assert page.locator("#signature-error").is_visible()
    delivery.refresh_from_db()
    assert delivery.signed_at is None

    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None and box["width"] <= 390
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 40)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + 30 + i * 22, y + 40 + (i % 3) * 30, steps=3)
    page.mouse.up()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/notice_sign.png", full_page=True)
    page.get_by_role("button", name="确认签名").click()
    assert page.get_by_text("承诺书已签订。").is_visible()
    assert page.locator("#delivery-state").inner_text() == "已签订承诺书"

    delivery.refresh_from_db()
    assert delivery.acknowledged_by == principal and delivery.signed_by == principal
    assert delivery.sign_method == SignMethod.CANVAS
    assert delivery.commitment_file is not None
    from PIL import Image

    with delivery.commitment_file.file.open("rb") as fh:
        img = Image.open(io.BytesIO(fh.read()))
        img.load()
    # Something was drawn: the stored signature is not fully transparent.
    assert img.convert("RGBA").getchannel("A").getbbox() is not None
    assert img.width >= 300  # the canvas was sized to the phone's width, not 0
    assert page.console_errors == []
