"""The JSON API: tokens, scoping like the UI, readable Chinese JSON, Chinese 422 messages."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from anbiao.api.models import ApiToken
from anbiao.api.services import apitoken_create, apitoken_revoke, token_hash
from anbiao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, **headers: Any):  # noqa: ANN201
    return client.get(url, **headers)


def patch(client: Client, url: str, body: object, **headers: Any):  # noqa: ANN201
    return client.patch(url, data=json.dumps(body), content_type="application/json", **headers)


def test_only_a_sha256_of_the_token_is_stored(apiworld) -> None:  # noqa: ANN001
    plain = apiworld.tokens["filler"]
    token = ApiToken.objects.get(user=apiworld.filler)
    assert plain.startswith("ab_") and len(plain) > 40
    assert token.key_hash == token_hash(plain) and len(token.key_hash) == 64
    stored = [str(v) for v in ApiToken.objects.values_list(flat=False).get(pk=token.pk)]
    assert all(plain not in v for v in stored)


def test_me_answers_readable_utf8_json_for_a_valid_token(apiworld) -> None:  # noqa: ANN001
    response = get(Client(), "/api/v1/me", **apiworld.auth())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "charset=utf-8" in response["Content-Type"]
    raw = response.content.decode("utf-8")
    assert "应急管理局" in raw and "\\u" not in raw
    body = response.json()
    assert body["username"] == "dept_filler"
    assert body["organization"]["name"] == "应急管理局"
    assert body["roles"] == [{"code": "filler", "label": "填报员"}]


def test_the_token_records_when_it_was_last_used(apiworld) -> None:  # noqa: ANN001
    assert ApiToken.objects.get(user=apiworld.filler).last_used_at is None
    get(Client(), "/api/v1/me", **apiworld.auth())
    assert ApiToken.objects.get(user=apiworld.filler).last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Bearer ab_wrong", "Token {token}", "Basic {token}", "bearer{token}"],
)
def test_a_missing_or_malformed_token_answers_401_in_chinese(apiworld, header: str) -> None:  # noqa: ANN001
    headers = (
        {"HTTP_AUTHORIZATION": header.format(token=apiworld.tokens["filler"])} if header else {}
    )
    response = get(Client(), "/api/v1/me", **headers)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_a_revoked_token_answers_401(apiworld) -> None:  # noqa: ANN001
    token = ApiToken.objects.get(user=apiworld.filler)
    apitoken_revoke(by=apiworld.filler, token=token)
    assert get(Client(), "/api/v1/me", **apiworld.auth()).status_code == 401


def test_a_disabled_users_token_answers_401(apiworld) -> None:  # noqa: ANN001
    apiworld.filler.is_active = False
    apiworld.filler.save()
    assert get(Client(), "/api/v1/me", **apiworld.auth()).status_code == 401


def test_a_disabled_organizations_token_answers_401(apiworld) -> None:  # noqa: ANN001
    apiworld.dept.is_active = False
    apiworld.dept.save()
    assert get(Client(), "/api/v1/me", **apiworld.auth()).status_code == 401


def test_an_administrator_only_account_cannot_use_the_api(apiworld) -> None:  # noqa: ANN001
    from anbiao.accounts.models import Role
    from anbiao.orgs.models import OrgKind
    from anbiao.orgs.tests.factories import OrganizationFactory, make_user

    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    sysadmin = make_user(city, Role.SYSADMIN, username="sys")
    _, plain = apitoken_create(by=sysadmin, name="x")
    response = get(Client(), "/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 401


def test_a_session_login_alone_does_not_open_the_api(apiworld) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(apiworld.filler)
    assert client.get("/api/v1/me").status_code == 401


def test_a_department_lists_only_the_enterprises_it_supervises(apiworld) -> None:  # noqa: ANN001
    body = get(Client(), "/api/v1/enterprises", **apiworld.auth()).json()
    names = {e["name"] for e in body["items"]}
    assert names == {"南安市溪美机械有限公司", "南安市水头石材有限公司"}
    assert body["count"] == 2 and body["pages"] == 1
    # lists mask personal data like the UI list; the detail shows it in full
    assert body["items"][0]["phone"] == "139****5678"


def test_enterprise_filters_narrow_the_list(apiworld) -> None:  # noqa: ANN001
    c = Client()
    by_town = get(c, f"/api/v1/enterprises?town={apiworld.town.pk}", **apiworld.auth()).json()
    assert [e["name"] for e in by_town["items"]] == ["南安市溪美机械有限公司"]
    by_q = get(c, "/api/v1/enterprises?q=石材", **apiworld.auth()).json()
    assert [e["name"] for e in by_q["items"]] == ["南安市水头石材有限公司"]
    by_size = get(c, "/api/v1/enterprises?size_class=above", **apiworld.auth()).json()
    assert by_size["count"] == 0
    paged = get(c, "/api/v1/enterprises?page_size=1&page=2", **apiworld.auth()).json()
    assert paged["count"] == 2 and paged["pages"] == 2 and len(paged["items"]) == 1


def test_another_departments_enterprise_answers_404(apiworld) -> None:  # noqa: ANN001
    c = Client()
    assert get(c, f"/api/v1/enterprises/{apiworld.ent.pk}", **apiworld.auth()).status_code == 200
    response = get(c, f"/api/v1/enterprises/{apiworld.ent_other.pk}", **apiworld.auth())
    assert response.status_code == 404
    assert response.json() == {"detail": "对象不存在或无权访问。"}
    response = patch(
        c, f"/api/v1/enterprises/{apiworld.ent_other.pk}", {"phone": "1"}, **apiworld.auth()
    )
    assert response.status_code == 404
    assert (
        get(c, f"/api/v1/organizations/{apiworld.dept_other.pk}", **apiworld.auth()).status_code
        == 404
    )


def test_organizations_are_scoped_and_filtered_by_kind(apiworld) -> None:  # noqa: ANN001
    c = Client()
    body = get(c, "/api/v1/organizations", **apiworld.auth()).json()
    names = {o["name"] for o in body["items"]}
    assert names == {"应急管理局", "南安市溪美机械有限公司", "南安市水头石材有限公司"}
    ents = get(c, "/api/v1/organizations?kind=enterprise", **apiworld.auth()).json()
    assert {o["kind"] for o in ents["items"]} == {"enterprise"} and ents["count"] == 2
    mine = get(c, "/api/v1/organizations?kind=enterprise", **apiworld.auth("ent_admin")).json()
    assert [o["name"] for o in mine["items"]] == ["南安市溪美机械有限公司"]


def test_a_government_filler_updates_registry_fields_and_it_is_audited(apiworld) -> None:  # noqa: ANN001
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    response = patch(
        Client(),
        url,
        {"principal": "李四", "size_class": "above", "town": str(apiworld.town_other.pk)},
        **apiworld.auth(),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["principal"] == "李四" and body["size_class_label"] == "规模以上"
    assert body["town"]["name"] == "水头镇"
    apiworld.ent.refresh_from_db()
    assert apiworld.ent.size_class == "above" and apiworld.ent.town == apiworld.town_other
    entry = AuditEntry.objects.filter(action="anbiao.enterprise.updated").latest("id")
    assert entry.username == "dept_filler"
    assert entry.data["changed"]["principal"] == ["张三", "李四"]


def test_a_viewer_cannot_update_an_enterprise(apiworld) -> None:  # noqa: ANN001
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    response = patch(Client(), url, {"principal": "李四"}, **apiworld.auth("viewer"))
    assert response.status_code == 403
    apiworld.ent.refresh_from_db()
    assert apiworld.ent.principal == "张三"


def test_an_enterprise_changes_only_its_contact_fields(apiworld) -> None:  # noqa: ANN001
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    ok = patch(Client(), url, {"phone": "0595-86381234"}, **apiworld.auth("ent_admin"))
    assert ok.status_code == 200 and ok.json()["phone"] == "0595-86381234"
    refused = patch(
        Client(), url, {"phone": "1", "size_class": "above"}, **apiworld.auth("ent_admin")
    )
    assert refused.status_code == 403
    assert "企业类型" in refused.json()["detail"]
    apiworld.ent.refresh_from_db()
    assert apiworld.ent.size_class == "small" and apiworld.ent.phone == "0595-86381234"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"size_class": "huge"}, "size_class", "企业类型"),
        ({"star_level": 9}, "star_level", "星级"),
        ({"principal": "x" * 51}, "principal", "主要负责人"),
        ({"phone": "139\x0012345678"}, "phone", "控制字符"),
        ({"phone": "86381234"}, "phone", "带区号的固定电话"),
        ({"name": ""}, "name", "企业名称"),
        ({"credit_code": "91350583MA00000000"}, "credit_code", "不是可修改的字段"),
        ({"town": "00000000-0000-0000-0000-000000000000"}, "town", "所属乡镇/街道"),
        ({"is_closed": "maybe"}, "is_closed", "已关闭"),
    ],
)
def test_invalid_input_answers_422_naming_the_field_in_chinese(
    apiworld,
    body: dict,
    field: str,
    words: str,  # noqa: ANN001
) -> None:
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    response = patch(Client(), url, body, **apiworld.auth())
    assert response.status_code == 422, response.content
    payload = response.json()
    assert [e["field"] for e in payload["errors"]] == [field]
    assert words in payload["errors"][0]["msg"] + payload["errors"][0]["label"]
    assert re.search(r"[\u4e00-\u9fff]", payload["detail"])
    apiworld.ent.refresh_from_db()
    assert apiworld.ent.principal == "张三" and apiworld.ent.size_class == "small"


def test_a_phone_sent_to_the_api_is_stored_normalized(apiworld) -> None:  # noqa: ANN001
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    response = patch(Client(), url, {"phone": "+86 139 1234 0000"}, **apiworld.auth())
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "13912340000"


def test_a_bad_choice_lists_the_valid_choices_in_chinese(apiworld) -> None:  # noqa: ANN001
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    response = patch(Client(), url, {"size_class": "huge"}, **apiworld.auth())
    assert response.json()["errors"][0]["msg"] == "企业类型：取值无效，可选：above、medium、small。"


def test_a_bad_query_parameter_answers_422_in_chinese(apiworld) -> None:  # noqa: ANN001
    response = get(Client(), "/api/v1/enterprises?page=0", **apiworld.auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "页码：不能小于 1。"


def test_the_openapi_document_lists_every_operation_with_token_security(client) -> None:  # noqa: ANN001
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "安标回头看 API"
    ops = {
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/organizations"),
        ("GET", "/api/v1/organizations/{id}"),
        ("GET", "/api/v1/enterprises"),
        ("GET", "/api/v1/enterprises/{id}"),
        ("PATCH", "/api/v1/enterprises/{id}"),
    } <= ops
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op.get("security") == [{"TokenAuth": []}], (method, path)


def test_the_docs_page_loads_only_local_static_files(client) -> None:  # noqa: ANN001
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs, html
    assert all(ref.startswith("/static/") for ref in refs), refs
    assert "cdn" not in html.lower()
    # every file it loads is shipped locally (collectstatic finds it)
    from django.contrib.staticfiles import finders

    for ref in refs:
        assert finders.find(ref.removeprefix("/static/")), ref
    assert (
        "'unsafe-inline'"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_a_body_that_is_not_json_answers_400_in_chinese(apiworld) -> None:  # noqa: ANN001
    response = Client().patch(
        f"/api/v1/enterprises/{apiworld.ent.pk}",
        data=b"\x12{not json",
        content_type="application/json",
        **apiworld.auth(),
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"] and "请求体" in response.json()["detail"]


def test_a_refused_token_and_a_refused_write_are_recorded_as_denied_access(apiworld) -> None:  # noqa: ANN001
    denied = AuditEntry.objects.filter(action="anbiao.access.denied")
    get(Client(), "/api/v1/me")  # no token at all: not recorded, like an anonymous page
    assert denied.count() == 0
    get(Client(), "/api/v1/me", HTTP_AUTHORIZATION="Bearer ab_guessed")
    assert denied.get().data["reason"] == "api_token"
    url = f"/api/v1/enterprises/{apiworld.ent.pk}"
    patch(Client(), url, {"principal": "李四"}, **apiworld.auth("viewer"))
    last = denied.latest("id")
    assert last.data["reason"] == "api_write" and last.username == "dept_viewer"


def test_each_kind_of_unit_sees_the_same_enterprises_as_in_the_ui(apiworld) -> None:  # noqa: ANN001
    from anbiao.accounts.models import Role
    from anbiao.orgs.models import OrgKind
    from anbiao.orgs.tests.factories import OrganizationFactory, make_user
    from anbiao.orgs.visibility import enterprises_for_user

    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    users = {
        "city": make_user(city, Role.VIEWER, username="city_viewer"),
        "town": make_user(apiworld.town_other, Role.GRID, username="town_grid"),
        "enterprise": apiworld.ent_admin,
        "department": apiworld.filler,
    }
    expected_names = {
        "city": {"南安市溪美机械有限公司", "南安市水头石材有限公司", "南安市外辖区物流有限公司"},
        "town": {"南安市水头石材有限公司", "南安市外辖区物流有限公司"},
        "enterprise": {"南安市溪美机械有限公司"},
        "department": {"南安市溪美机械有限公司", "南安市水头石材有限公司"},
    }
    for kind, user in users.items():
        _, plain = apitoken_create(by=user, name=kind)
        body = get(Client(), "/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {plain}").json()
        names = {e["name"] for e in body["items"]}
        ui = {e.name for e in enterprises_for_user(user)}
        assert names == ui == expected_names[kind], kind


def test_an_enterprise_cannot_read_its_supervising_department(apiworld) -> None:  # noqa: ANN001
    url = f"/api/v1/organizations/{apiworld.dept.pk}"
    assert get(Client(), url, **apiworld.auth("ent_admin")).status_code == 404
    own = f"/api/v1/organizations/{apiworld.ent.pk}"
    assert get(Client(), own, **apiworld.auth("ent_admin")).json()["kind"] == "enterprise"
