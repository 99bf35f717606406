"""The signed 承诺书 is a document (text, enterprise, signature, date; a PDF for the bulletin
board), and an enterprise signs one per kind and campaign, seen by its town and department."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.accounts.models import Role
from anbiao.checklists.tests.helpers import campaign
from anbiao.core.tests.world import build_world
from anbiao.notices import services
from anbiao.notices.commitments import PARAGRAPHS
from anbiao.notices.models import Commitment, NoticeDelivery, NoticeKind, SignMethod
from anbiao.orgs.tests.factories import make_user
from anbiao.records.tests.helpers import pdf_upload, signature_data_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    w = build_world()
    w.extra["campaign"] = campaign()
    return w


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


def delivered(world: Any, issuer: str, kind: str = NoticeKind.STANDARDIZATION) -> NoticeDelivery:
    by = world.users[issuer]
    notice = services.notice_issue(by=by, kind=kind, title="", document=pdf_upload())
    services.notice_deliver(by=by, notice=notice, enterprises=[world.ent])
    return notice.deliveries.get()


def signed(world: Any, delivery: NoticeDelivery) -> NoticeDelivery:
    principal = world.users["enterprise:principal"]
    services.delivery_acknowledge(by=principal, delivery=delivery)
    return services.delivery_sign_canvas(
        by=principal, delivery=delivery, data_url=signature_data_url()
    )


def pdf_text(data: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "承诺书.pdf"
    path.write_bytes(data)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    images = subprocess.run(  # noqa: S603
        [shutil.which("pdfimages") or "pdfimages", "-list", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(text.split()), images


def test_the_signed_commitment_is_a_pdf_with_the_text_the_enterprise_the_signature_and_the_date(
    world: Any, pdf_tools: None, tmp_path: Path
) -> None:
    d = signed(world, delivered(world, "department:filler"))
    commitment = Commitment.objects.get()
    assert d.commitment == commitment and commitment.sign_method == SignMethod.CANVAS
    assert commitment.text.splitlines() == list(PARAGRAPHS[NoticeKind.STANDARDIZATION])
    assert commitment.enterprise_name == "本辖区测试企业有限公司"

    ent = login(world.users["enterprise:viewer"])
    r = ent.get(reverse("notices:commitment_pdf", args=[commitment.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text, images = pdf_text(r.content, tmp_path)
    assert "关于自主加强安全生产标准化建设承诺书" in text
    assert "承诺单位：本辖区测试企业有限公司" in text
    for paragraph in PARAGRAPHS[NoticeKind.STANDARDIZATION]:
        assert "".join(paragraph.split()) in text
    day = timezone.localtime(commitment.signed_at)
    assert f"签订日期：{day.year}年{day.month}月{day.day}日" in text
    # the drawn signature (a 60×30 PNG) is embedded
    rows = [line.split() for line in images.splitlines()[2:]]
    assert any(row[3:5] == ["60", "30"] for row in rows), images

    # 查看 on the enterprise's page and the issuer's ledger lead to the document, not the PNG
    page = ent.get(reverse("notices:delivery", args=[d.pk])).content.decode()
    assert reverse("notices:commitment", args=[commitment.pk]) in page
    dept = login(world.users["department:viewer"])
    ledger = dept.get(reverse("notices:ledger", args=[d.notice_id])).content.decode()
    assert reverse("notices:commitment", args=[commitment.pk]) in ledger
    html = dept.get(reverse("notices:commitment", args=[commitment.pk])).content.decode()
    assert "本辖区测试企业有限公司" in html and PARAGRAPHS[NoticeKind.STANDARDIZATION][1] in html
    assert 'alt="主要负责人签名"' in html
    old_link = dept.get(reverse("notices:delivery_file", args=[d.pk, "commitment"]))
    assert old_link["Content-Type"] == "application/pdf"


def test_one_commitment_per_campaign_answers_the_towns_and_the_departments_notice(
    world: Any,
) -> None:
    from_dept = delivered(world, "department:filler")
    from_town = delivered(world, "town:filler")
    signed(world, from_dept)
    from_town.refresh_from_db()
    commitment = Commitment.objects.get()
    assert from_town.commitment == commitment and from_town.signed_at == commitment.signed_at
    assert from_town.sign_method == SignMethod.CANVAS

    # the enterprise does not sign the town's one again
    principal = world.users["enterprise:principal"]
    services.delivery_acknowledge(by=principal, delivery=from_town)
    with pytest.raises(ValidationError, match="承诺书已签订"):
        services.delivery_sign_canvas(
            by=principal, delivery=from_town, data_url=signature_data_url()
        )
    assert Commitment.objects.count() == 1

    # both issuers see it in their ledger and may open it; another department may not
    for issuer in ("department:viewer", "town:viewer"):
        c = login(world.users[issuer])
        notice = from_dept.notice if issuer.startswith("department") else from_town.notice
        ledger = c.get(reverse("notices:ledger", args=[notice.pk])).content.decode()
        assert reverse("notices:commitment", args=[commitment.pk]) in ledger
        page = c.get(reverse("notices:commitment", args=[commitment.pk])).content.decode()
        assert "测试应急管理局、测试溪美街道" in page
    outsider = make_user(world.dept_other, Role.VIEWER, username="other_viewer")
    assert (
        login(outsider).get(reverse("notices:commitment", args=[commitment.pk])).status_code == 404
    )


def test_a_notice_delivered_after_signing_is_answered_by_the_same_commitment(world: Any) -> None:
    signed(world, delivered(world, "department:filler"))
    later = delivered(world, "town:filler")
    assert later.commitment == Commitment.objects.get() and later.signed_at is not None


def test_the_other_kind_and_another_campaign_each_need_their_own_commitment(world: Any) -> None:
    signed(world, delivered(world, "department:filler"))
    other_kind = delivered(world, "town:filler", NoticeKind.RESPONSIBILITY)
    assert other_kind.commitment is None
    signed(world, other_kind)
    assert Commitment.objects.count() == 2
    assert Commitment.objects.get(kind=NoticeKind.RESPONSIBILITY).title == (
        "关于落实全员安全生产责任制承诺书"
    )
    # the same kind in the next campaign: a new notice, a new commitment
    from anbiao.campaigns.models import CampaignStatus

    first = world.extra["campaign"]
    first.status = CampaignStatus.CLOSED
    first.save(update_fields=["status"])
    first.pk, first.name, first.status = None, "下一轮专项行动", CampaignStatus.OPEN
    first.save()
    again = delivered(world, "department:filler")
    assert again.notice.campaign == first and again.commitment is None
    signed(world, again)
    assert Commitment.objects.filter(kind=NoticeKind.STANDARDIZATION).count() == 2


def test_a_scanned_commitment_is_shown_as_the_scan(world: Any) -> None:
    d = delivered(world, "department:filler")
    filler = world.users["enterprise:filler"]
    services.delivery_acknowledge(by=filler, delivery=d)
    services.delivery_sign_scan(by=filler, delivery=d, upload=pdf_upload("承诺书扫描件.pdf"))
    commitment = Commitment.objects.get()
    assert commitment.sign_method == SignMethod.SCAN
    c = login(world.users["department:viewer"])
    page = c.get(reverse("notices:commitment", args=[commitment.pk])).content.decode()
    assert "已上传签字盖章的承诺书扫描件" in page
    scan = c.get(reverse("notices:commitment_file", args=[commitment.pk]))
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"


def test_the_migration_turns_the_commitments_signed_before_into_documents(world: Any) -> None:
    import importlib

    from django.apps import apps

    d = signed(world, delivered(world, "department:filler"))
    second = signed(world, delivered(world, "town:filler", NoticeKind.RESPONSIBILITY))
    # as the data stood before: no commitment rows
    NoticeDelivery.objects.update(commitment=None)
    Commitment.objects.all().delete()
    migration = importlib.import_module(
        "anbiao.notices.migrations.0002_commitment_one_per_campaign"
    )
    migration.commitments_from_deliveries(apps, None)
    d.refresh_from_db()
    second.refresh_from_db()
    assert Commitment.objects.count() == 2
    assert d.commitment is not None and d.commitment.signature_file_id == d.commitment_file_id
    assert d.commitment.signer_name == world.users["enterprise:principal"].full_name
    assert second.commitment is not None and second.commitment.kind == NoticeKind.RESPONSIBILITY
