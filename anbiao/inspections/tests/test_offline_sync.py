"""Offline inspections (离线检查): a draft sent from the phone's queue is recorded exactly once
with the inspection services (findings, watermarked photos), in one transaction; what changed
meanwhile is a conflict answered to the phone; a bad photo or another unit's enterprise is
refused with nothing written."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anbiao.core.models import AuditEntry, StoredFile
from anbiao.inspections import services
from anbiao.inspections.models import Finding, FindingPhoto, Inspection, OfflineSubmission
from anbiao.inspections.tests.helpers import client_for, inspection, png_bytes

pytestmark = pytest.mark.django_db
SYNC = reverse("inspections:offline_sync")


def draft(w: dict[str, Any], **over: Any) -> dict[str, Any]:
    d = {
        "key": str(uuid.uuid4()),
        "owner": str(w["u"]["grid"].pk),
        "target": str(w["ent"].organization_id),
        "date": timezone.localdate().isoformat(),
        "inspectors": "柯明亮",
        "summary": "现场检查",
        "findings": [
            {"description": "消防通道堆放石材", "grade": "major", "photos": []},
            {"description": "灭火器过期", "grade": "general", "photos": ["p1"]},
        ],
        "photos": [],
    }
    d.update(over)
    return d


def post(client: Client, d: dict[str, Any], photos: dict[str, bytes] | None = None) -> Any:
    if photos is None:
        photos = {"p1": png_bytes("blue")}
    files = {
        f"photo:{ref}": SimpleUploadedFile(f"{ref}.png", data, content_type="image/png")
        for ref, data in photos.items()
    }
    return client.post(SYNC, {"draft": json.dumps(d), **files})


def nothing_written() -> None:
    assert Inspection.objects.count() == 0
    assert Finding.objects.count() == 0
    assert FindingPhoto.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert OfflineSubmission.objects.count() == 0


def test_a_draft_is_recorded_with_both_problems_and_the_watermarked_photo(w) -> None:
    d = draft(w)
    r = post(client_for(w["u"]["grid"]), d)
    assert r.status_code == 201, r.content
    body = r.json()
    insp = Inspection.objects.get()
    assert body["status"] == "created" and body["inspection"] == str(insp.pk)
    assert (body["findings"], body["photos"]) == (2, 1)
    assert insp.target == w["ent"].organization and insp.inspector == w["town"]
    assert insp.recorded_by == w["u"]["grid"] and insp.is_draft
    assert [f.description for f in insp.findings.order_by("position")] == [
        "消防通道堆放石材",
        "灭火器过期",
    ]
    photo = FindingPhoto.objects.get()
    assert photo.finding is not None and photo.finding.description == "灭火器过期"
    # the same path as the upload form: the original kept, a watermarked copy shown
    assert photo.original_file is not None and photo.sha256 != photo.original_sha256
    assert OfflineSubmission.objects.get().key == uuid.UUID(d["key"])
    entry = AuditEntry.objects.get(action="anbiao.inspection.offline_synced")
    assert entry.data == {"key": d["key"], "created": True, "findings": 2, "photos": 1}


def test_a_replay_of_the_same_draft_answers_with_the_same_inspection(w) -> None:
    c = client_for(w["u"]["grid"])
    d = draft(w)
    first = post(c, d)
    again = post(c, d)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "replayed"
    assert again.json()["inspection"] == first.json()["inspection"]
    assert Inspection.objects.count() == 1
    assert Finding.objects.count() == 2 and FindingPhoto.objects.count() == 1
    assert AuditEntry.objects.filter(action="anbiao.inspection.offline_synced").count() == 1


def test_the_key_is_unique_in_the_database(w) -> None:
    from django.db import IntegrityError, transaction

    insp = inspection(w["u"]["grid"], w["ent"].organization)
    key = uuid.uuid4()
    OfflineSubmission.objects.create(key=key, inspection=insp)
    with pytest.raises(IntegrityError), transaction.atomic():
        OfflineSubmission.objects.create(key=key, inspection=insp)


def test_another_units_enterprise_is_refused_as_not_found_with_nothing_written(w) -> None:
    c = client_for(w["u"]["grid"])
    far = post(c, draft(w, target=str(w["far"].organization_id)))
    unknown = post(c, draft(w, target=str(uuid.uuid4())))
    assert far.status_code == unknown.status_code == 404
    assert far.json() == unknown.json()  # nothing tells the two apart
    assert far.json()["code"] == "target_out_of_scope"
    nothing_written()


def test_an_enterprise_moved_out_of_the_towns_scope_meanwhile_is_a_conflict(w) -> None:
    c = client_for(w["u"]["grid"])
    d = draft(w)
    ent = w["ent"]
    ent.town = w["town2"]  # moved to another town while the phone was offline
    ent.save()
    r = post(c, d)
    assert r.status_code == 404
    assert r.json()["status"] == "conflict"
    assert "已不在本单位的检查范围内" in r.json()["message"]
    nothing_written()
    logged = AuditEntry.objects.get(action="anbiao.inspection.offline_conflict")
    assert logged.data["code"] == "target_out_of_scope" and logged.data["key"] == d["key"]


def test_adding_to_an_inspection_edited_meanwhile_is_a_conflict_then_sent_deliberately(w) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization)
    d = draft(w, inspection=str(insp.pk), inspection_version=insp.version)
    services.inspection_update(  # a colleague edits the header online
        by=grid,
        inspection=insp,
        target=w["ent"].organization,
        date=insp.date,
        inspectors="张三、李四、王五",
        expected_version=insp.version,
    )
    c = client_for(grid)
    r = post(c, d)
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "inspection_changed" and body["version"] == insp.version + 1
    assert "修改了检查记录（检查人员）" in body["message"]
    assert Finding.objects.count() == 0 and OfflineSubmission.objects.count() == 0
    # the inspector chooses “仍然发送”: the phone resends with the version it was told
    again = post(c, {**d, "inspection_version": body["version"]})
    assert again.status_code == 201
    assert again.json()["inspection"] == str(insp.pk) and not again.json()["created_inspection"]
    assert insp.findings.count() == 2 and Inspection.objects.count() == 1


def test_adding_to_an_inspection_completed_meanwhile_is_a_conflict(w) -> None:
    grid = w["u"]["grid"]
    insp = inspection(grid, w["ent"].organization, complete=True)
    r = post(client_for(grid), draft(w, inspection=str(insp.pk), inspection_version=insp.version))
    assert r.status_code == 409
    assert r.json()["code"] == "inspection_completed"
    assert "完成，不能再添加问题" in r.json()["message"]
    assert Finding.objects.count() == 0


def test_another_units_inspection_is_not_found(w) -> None:
    other = inspection(w["u"]["town2_grid"], w["far"].organization)
    r = post(client_for(w["u"]["grid"]), draft(w, inspection=str(other.pk)))
    assert r.status_code == 404 and r.json()["code"] == "inspection_gone"
    assert Finding.objects.count() == 0


def test_a_bad_photo_is_refused_in_chinese_with_nothing_written(w) -> None:
    d = draft(w)
    d["findings"][0]["photos"] = ["p0"]
    broken = png_bytes()[:60]  # a PNG header and then nothing: not a real image
    r = post(client_for(w["u"]["grid"]), d, {"p0": png_bytes(), "p1": broken})
    assert r.status_code == 422
    assert r.json() == {
        "status": "invalid",
        "messages": ["第 2 条问题：第 1 张照片：图片已损坏或不是真实的图片文件。"],
    }
    nothing_written()


def test_a_bad_second_finding_leaves_nothing_half_written(w) -> None:
    d = draft(w)
    d["findings"][0]["photos"] = ["p0"]
    d["findings"][1]["grade"] = "huge"
    r = post(client_for(w["u"]["grid"]), d, {"p0": png_bytes(), "p1": png_bytes()})
    assert r.status_code == 422
    assert r.json()["messages"] == ["第 2 条问题：问题等级：问题等级只能是“一般”或“重大”。"]
    assert Inspection.objects.count() == 0 and Finding.objects.count() == 0
    assert FindingPhoto.objects.count() == 0 and OfflineSubmission.objects.count() == 0
    # the next attempt with the same key, corrected, is recorded (the key was not used up)
    d["findings"][1]["grade"] = "general"
    assert (
        post(client_for(w["u"]["grid"]), d, {"p0": png_bytes(), "p1": png_bytes()}).status_code
        == 201
    )


def test_each_missing_field_is_named_in_chinese(w) -> None:
    d = draft(w, target="", date="2026-13-01", inspectors="")
    d["findings"][0]["description"] = ""
    r = post(client_for(w["u"]["grid"]), d, {})
    assert r.status_code == 422
    assert r.json()["messages"] == [
        "第 2 条问题：第 1 张照片未随草稿发送，请重新发送。",
        "检查日期：日期格式应为 2026-01-31。",
        "被检查单位：请选择被检查单位。",
        "检查人员：请填写检查人员。",
    ]
    d = draft(w)
    d["findings"][0]["description"] = " "
    r = post(client_for(w["u"]["grid"]), d)
    assert r.json()["messages"] == ["第 1 条问题：问题描述：请填写问题描述。"]
    nothing_written()


def test_a_draft_of_another_account_on_the_same_phone_is_not_sent_as_this_one(w) -> None:
    r = post(client_for(w["u"]["grid"]), draft(w, owner=str(w["u"]["dept"].pk)))
    assert r.status_code == 409 and r.json()["code"] == "owner"
    nothing_written()


def test_the_endpoint_checks_csrf(w) -> None:
    from anbiao.accounts.tests.helpers import login_fully

    c = Client(enforce_csrf_checks=True)
    login_fully(c, w["u"]["grid"])
    assert post(c, draft(w)).status_code == 403
    c.get(reverse("inspections:offline_page"))
    token = c.cookies["csrftoken"].value
    files = {"photo:p1": SimpleUploadedFile("p1.png", png_bytes(), content_type="image/png")}
    r = c.post(SYNC, {"draft": json.dumps(draft(w)), **files}, headers={"X-CSRFToken": token})
    assert r.status_code == 201


def test_only_recorders_may_send(w) -> None:
    for who in ("ent", "dept_viewer"):
        assert post(client_for(w["u"][who]), draft(w)).status_code == 404
    nothing_written()


def test_a_department_writer_sends_a_draft_too(w) -> None:
    d = draft(w, owner=str(w["u"]["dept"].pk))
    assert post(client_for(w["u"]["dept"]), d).status_code == 201
    assert Inspection.objects.get().inspector == w["dept"]


def test_the_units_kept_on_the_phone_are_those_in_scope(w) -> None:
    grid = w["u"]["grid"]
    open_draft = inspection(grid, w["ent"].organization)
    inspection(grid, w["ent2"].organization, complete=True)
    r = client_for(grid).get(reverse("inspections:offline_targets"))
    data = r.json()
    assert data["user"] == str(grid.pk)
    assert sorted(t["name"] for t in data["targets"]) == ["宏达机械", "鑫源石材"]
    assert [d["id"] for d in data["drafts"]] == [str(open_draft.pk)]
    assert data["drafts"][0]["version"] == open_draft.version


def test_the_offline_page_is_installable_with_local_assets_and_no_inline_script(w) -> None:
    import re

    from django.contrib.staticfiles import finders

    page = client_for(w["u"]["grid"]).get(reverse("inspections:offline_page"))
    html = page.content.decode()
    assert '<link rel="manifest" href="/inspections/manifest.webmanifest">' in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in s for s in scripts)  # CSP: script-src 'self'
    assert "Content-Security-Policy" in page.headers

    anon = Client()
    sw = anon.get(reverse("inspections:service_worker"))
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    body = sw.content.decode().replace("\\u002D", "-")  # escapejs writes "-" escaped
    assert "django_htmx/htmx-2.min.js" in body and "/inspections/offline/" in body
    assert "http://" not in body and "https://" not in body  # no CDN
    manifest = anon.get(reverse("inspections:manifest")).json()
    assert manifest["start_url"] == "/inspections/offline/" and manifest["scope"] == "/inspections/"
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix("/static/")
        assert finders.find(name), icon
