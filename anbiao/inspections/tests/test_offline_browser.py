"""In Chromium at phone size: a 网格员 records an inspection with the network cut (two problems
and a photo), reloads the page offline (the service worker serves it), reconnects, and exactly
one inspection with both problems and the photo arrives; a resend of the same draft changes
nothing. The round trip is printed (run with ``-s``)."""

from __future__ import annotations

import json
import os

import pytest

from anbiao.accounts.models import Role
from anbiao.inspections.models import Finding, FindingPhoto, Inspection, OfflineSubmission
from anbiao.inspections.tests.helpers import png_bytes
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

# Playwright's offline switch does not reach a service worker's own requests; with its service
# worker network events on, the test cuts those too (read before the browser starts).
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READ_DRAFTS = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open("anbiao-offline", 1);
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const t = req.result.transaction(["drafts", "photos"], "readonly");
    const drafts = t.objectStore("drafts").getAll();
    const photos = t.objectStore("photos").count();
    t.oncomplete = () => resolve({drafts: drafts.result, photos: photos.result});
  };
})"""


def test_an_inspection_recorded_offline_arrives_exactly_once_after_reconnecting(  # noqa: ANN001
    log_in, tmp_path
) -> None:
    from playwright.sync_api import expect

    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局（测试）")
    ent = EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安市测试石材有限公司"
    )
    EnterpriseFactory.create(
        town=town, department=dept, organization__name="南安市测试纺织有限公司"
    )
    make_user(town, Role.GRID, username="grid1")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes("blue"))

    # a request refused while SQLite is busy (the live server's threads share one database)
    # is retried by the page and logged as a failed resource: script errors are what count
    page = log_in("grid1", phone=True, ignore=("Failed to load resource",))
    context = page.context
    errors: list[str] = page.console_errors
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())
    page.goto("/inspections/")
    page.get_by_role("link", name="离线检查").click()
    # online once: the service worker keeps the page, the unit list is kept on the phone
    page.locator("#offline-app[data-sw=ready][data-lists=ready]").wait_for(timeout=45000)
    expect(page.locator("#off-app-state")).to_contain_text("已就绪")

    def cut(route):  # noqa: ANN001, ANN202
        if route.request.service_worker is not None:
            return route.abort("internetdisconnected")
        return route.continue_()

    context.route("**/*", cut)
    context.set_offline(True)
    expect(page.locator("#off-net")).to_contain_text("离线")

    page.get_by_label("按名称查找单位").fill("石材")
    page.get_by_label("被检查单位").select_option(label="南安市测试石材有限公司")
    page.get_by_label("检查人员").fill("柯明亮")
    page.get_by_role("button", name="添加一条问题").click()
    page.get_by_role("button", name="添加一条问题").click()
    first, second = page.locator("fieldset.off-finding").all()
    first.get_by_label("问题描述").fill("切割车间消防通道堆放石材")
    second.get_by_label("问题描述").fill("灭火器压力不足")
    second.get_by_label("等级").select_option(label="重大")
    second.locator("input[type=file]").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存到本机").click()
    item = page.locator("#off-queue-list li")
    expect(item).to_have_attribute("data-state", "queued")
    expect(page.locator("#off-queue-count")).to_have_text("1")
    queued = page.evaluate(READ_DRAFTS)

    # the page again, offline: answered by the service worker, the draft read from IndexedDB
    response = page.reload()
    if os.environ.get("ANBIAO_SHOTS"):
        page.screenshot(path=f"{os.environ['ANBIAO_SHOTS']}/offline-queue.png", full_page=True)
    assert response is not None and response.from_service_worker
    expect(item).to_have_attribute("data-state", "queued")
    expect(item).to_contain_text("南安市测试石材有限公司")
    expect(item).to_contain_text("2 条问题，1 张照片")
    assert Inspection.objects.count() == 0

    # back online: sent once
    context.unroute("**/*", cut)
    context.set_offline(False)
    expect(item).to_have_attribute("data-state", "sent", timeout=30000)
    expect(page.locator("#off-queue-count")).to_have_text("0")
    insp = Inspection.objects.get()
    assert insp.target == ent.organization and insp.inspectors == "柯明亮"
    assert [(f.description, f.grade) for f in insp.findings.order_by("position")] == [
        ("切割车间消防通道堆放石材", "general"),
        ("灭火器压力不足", "major"),
    ]
    shot = FindingPhoto.objects.get()
    assert shot.finding is not None and shot.finding.description == "灭火器压力不足"
    assert shot.original_file is not None and shot.sha256 != shot.original_sha256
    sent = page.evaluate(READ_DRAFTS)
    assert sent["photos"] == 0  # the photos leave the phone once received

    # the answer lost, the phone sends the same draft again: the same inspection, nothing new
    again = page.evaluate(
        """async (draft) => {
          const body = new FormData();
          body.append("draft", JSON.stringify(draft));
          const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const res = await fetch("/inspections/offline/sync/", {method: "POST", body,
            headers: {"X-CSRFToken": token}});
          return {status: res.status, body: await res.json()};
        }""",
        {**queued["drafts"][0], "findings": []},
    )
    assert again["status"] == 200 and again["body"]["status"] == "replayed"
    assert again["body"]["inspection"] == str(insp.pk)
    assert Inspection.objects.count() == 1 and Finding.objects.count() == 2
    assert FindingPhoto.objects.count() == 1 and OfflineSubmission.objects.count() == 1

    page.get_by_role("link", name="查看检查记录").click()
    page.get_by_text("灭火器压力不足").wait_for()
    d = queued["drafts"][0]
    print(
        "\n离线检查往返："
        + json.dumps(
            {
                "queued": {
                    "key": d["key"],
                    "target": d["target_name"],
                    "findings": [f["description"] for f in d["findings"]],
                    "photos_on_phone": queued["photos"],
                    "served_offline_by_service_worker": response.from_service_worker,
                },
                "sent": sent["drafts"][0]["result"],
                "replay": again,
                "inspection": str(insp.pk),
            },
            ensure_ascii=False,
        )
    )
    assert errors == []


def test_an_enterprise_moved_away_while_offline_is_shown_as_a_conflict_and_resolved(  # noqa: ANN001
    log_in,
) -> None:
    from playwright.sync_api import expect

    from anbiao.core.models import AuditEntry

    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道（测试）")
    other_town = OrganizationFactory.create(kind=OrgKind.TOWN, name="水头镇（测试）")
    moved = EnterpriseFactory.create(town=town, organization__name="南安市测试纺织有限公司")
    stays = EnterpriseFactory.create(town=town, organization__name="南安市测试石材有限公司")
    make_user(town, Role.GRID, username="grid1")
    page = log_in("grid1", phone=True, ignore=("Failed to load resource",))
    context = page.context
    page.on("dialog", lambda d: d.accept())
    page.goto("/inspections/offline/")
    page.locator("#offline-app[data-sw=ready][data-lists=ready]").wait_for(timeout=45000)
    context.set_offline(True)
    expect(page.locator("#off-net")).to_contain_text("离线")
    page.get_by_label("被检查单位").select_option(label="南安市测试纺织有限公司")
    page.get_by_label("检查人员").fill("柯明亮")
    page.get_by_role("button", name="添加一条问题").click()
    page.get_by_label("问题描述").fill("配电箱未上锁")
    page.get_by_role("button", name="保存到本机").click()
    item = page.locator("#off-queue-list li")
    expect(item).to_have_attribute("data-state", "queued")

    moved.town = other_town  # moved to another town while the phone was offline
    moved.save()
    context.set_offline(False)
    expect(item).to_have_attribute("data-state", "conflict", timeout=30000)
    expect(item).to_contain_text("冲突，未发送")
    expect(item).to_contain_text("已不在本单位的检查范围内")
    assert Inspection.objects.count() == 0
    assert AuditEntry.objects.filter(action="anbiao.inspection.offline_conflict").count() == 1

    item.get_by_role("button", name="改选被检查单位").click()
    expect(page.get_by_label("问题描述")).to_have_value("配电箱未上锁")
    page.get_by_label("被检查单位").select_option(label="南安市测试石材有限公司")
    page.get_by_role("button", name="保存到本机").click()
    expect(item).to_have_attribute("data-state", "sent", timeout=30000)
    insp = Inspection.objects.get()
    assert insp.target == stays.organization
    assert [f.description for f in insp.findings.all()] == ["配电箱未上锁"]
