"""The domain operations of the API: scope like the UI, writes through the services.

Each test builds real objects with the apps' own services, calls the API with a real token and
reads the answer (and the database) back.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from anbiao.accounts.models import Role
from anbiao.api.services import apitoken_create
from anbiao.checklists.models import Answer, AnswerResult
from anbiao.checklists.tests.helpers import campaign, start
from anbiao.core.models import AuditEntry
from anbiao.enforcement import services as enforcement
from anbiao.inspections.tests.helpers import inspection
from anbiao.orgs.tests.factories import make_user
from anbiao.records import services as records
from anbiao.records.models import RecordKind
from anbiao.rectification import services as rectification
from anbiao.rectification.models import Problem, ProblemGrade, ProblemStatus
from anbiao.rectification.tests.helpers import plan, problem
from anbiao.stats import selectors as stats_selectors
from anbiao.stats.columns import COLUMNS, Period

pytestmark = pytest.mark.django_db

client = Client()


def token_for(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {apitoken_create(by=user, name='测试')[1]}"}


def get(url: str, auth: dict[str, Any], **params: Any):  # noqa: ANN201
    return client.get(url, params, **auth)


def send(method: str, url: str, body: object, auth: dict[str, str]):  # noqa: ANN201
    call = getattr(client, method)
    return call(url, data=json.dumps(body), content_type="application/json", **auth)


@pytest.fixture
def w(apiworld):  # noqa: ANN001, ANN201
    """The API world plus an enterprise filler and a writer of the other department."""
    apiworld.ent_filler = make_user(apiworld.ent.organization, Role.FILLER, username="ent_filler")
    apiworld.other_writer = make_user(apiworld.dept_other, Role.FILLER, username="other_filler")
    apiworld.as_ent = token_for(apiworld.ent_filler)
    apiworld.as_other = token_for(apiworld.other_writer)
    apiworld.as_dept = apiworld.auth("filler")
    apiworld.as_viewer = apiworld.auth("viewer")
    return apiworld


# --- checklists ---------------------------------------------------------------------------


def first_clause(checklist: Any) -> Answer:
    return checklist.answers.select_related("clause").order_by("clause__position").first()


def test_a_department_lists_its_enterprises_checklists_but_not_another_departments(w):
    mine = start(w.ent.organization, w.ent_filler)
    theirs = start(w.ent_other.organization, None)
    response = get("/api/v1/checklists", w.as_dept)
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert str(mine.pk) in ids and str(theirs.pk) not in ids
    assert get(f"/api/v1/checklists/{theirs.pk}", w.as_dept).status_code == 404
    detail = get(f"/api/v1/checklists/{mine.pk}", w.as_dept).json()
    assert detail["organization"]["name"] == "南安市溪美机械有限公司"
    assert detail["total"] == mine.answers.count() > 0
    assert detail["can_fill"] is False  # a department reads an enterprise's checklist
    assert detail["answers"][0]["code"].endswith("（1）") and detail["answers"][0]["version"] == 0


def test_an_enterprise_saves_an_answer_with_its_version_and_reads_it_back(w):
    checklist = start(w.ent.organization, w.ent_filler)
    answer = first_clause(checklist)
    url = f"/api/v1/checklists/{checklist.pk}/answers/{answer.clause_id}"
    body = {
        "result": "nonconform",
        "remarks": "抽查两处",
        "problems": [{"text": "安全生产责任制未覆盖全员"}, {"id": None, "text": "考核记录缺失"}],
        "version": answer.version,
    }
    response = send("put", url, body, w.as_ent)
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["version"] == answer.version + 1
    texts = [p["text"] for p in body["problems"]]
    assert [p["text"] for p in out["problems"]] == texts
    assert {p["status_label"] for p in out["problems"]} == {"待整改"}
    answer.refresh_from_db()
    assert (answer.result, answer.remarks) == (AnswerResult.NONCONFORM, "抽查两处")
    assert AuditEntry.objects.filter(action="anbiao.checklist.answer_saved").count() == 1
    # the problem lines became tracked problems, visible through the problems operation
    listed = get("/api/v1/problems", w.as_ent, organization=str(w.ent.organization.pk)).json()
    assert {p["description"] for p in listed["items"]} >= set(texts)
    assert {p["id"] for p in out["problems"]} <= {p["id"] for p in listed["items"]}


def test_the_api_keeps_a_lines_problem_by_its_id_and_a_line_without_id_is_new(w):
    checklist = start(w.ent.organization, w.ent_filler)
    answer = first_clause(checklist)
    url = f"/api/v1/checklists/{checklist.pk}/answers/{answer.clause_id}"
    body = {"result": "nonconform", "remarks": "", "version": 0}
    lines = [{"text": "消防通道堵塞"}, {"text": "台账缺失"}]
    first = send("put", url, {**body, "problems": lines}, w.as_ent).json()["problems"]
    keep, drop = first[0]["id"], first[1]["id"]
    edit = [{"id": keep, "text": "消防通道堵塞（一车间）"}, {"text": "台账缺失"}]
    out = send("put", url, {**body, "version": 1, "problems": edit}, w.as_ent).json()
    assert out["problems"][0]["id"] == keep  # corrected: the same problem
    assert out["problems"][1]["id"] not in (keep, drop)  # the same text without id: new
    dropped = get(f"/api/v1/problems/{drop}", w.as_ent).json()
    assert dropped["status"] == "withdrawn"
    # an id that is not an active problem of this clause is refused by line, nothing written
    again = [{"id": drop, "text": "台账缺失"}]
    response = send("put", url, {**body, "version": 2, "problems": again}, w.as_ent)
    assert response.status_code == 422
    assert "第 1 条存在问题对应的问题已不存在或已撤销" in response.json()["errors"][0]["msg"]
    answer.refresh_from_db()
    assert answer.version == 2
    # a bare string is not a line: each line is an object with its text (and id)
    bare = send("put", url, {**body, "version": 2, "problems": ["台账缺失"]}, w.as_ent)
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["msg"] == "存在问题内容：必填。"


def test_a_stale_version_answers_409_with_the_current_content_and_writes_nothing(w):
    checklist = start(w.ent.organization, w.ent_filler)
    answer = first_clause(checklist)
    url = f"/api/v1/checklists/{checklist.pk}/answers/{answer.clause_id}"
    first = {"result": "conform", "remarks": "第一位", "problems": [], "version": 0}
    assert send("put", url, first, w.as_ent).status_code == 200
    late = {"result": "na", "remarks": "第二位", "problems": [], "version": 0}
    response = send("put", url, late, w.as_ent)
    assert response.status_code == 409
    out = response.json()
    assert "您的内容未保存" in out["detail"]
    assert out["current"]["remarks"] == "第一位" and out["current"]["version"] == 1
    answer.refresh_from_db()
    assert (answer.result, answer.remarks, answer.version) == ("conform", "第一位", 1)


def test_breaking_a_filling_rule_answers_422_naming_the_field_in_chinese(w):
    checklist = start(w.ent.organization, w.ent_filler)
    answer = first_clause(checklist)
    url = f"/api/v1/checklists/{checklist.pk}/answers/{answer.clause_id}"
    body = {"result": "nonconform", "remarks": "", "problems": [], "version": 0}
    response = send("put", url, body, w.as_ent)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "problems" and errors[0]["label"] == "存在问题"
    assert "至少填写一条存在问题" in errors[0]["msg"]
    answer.refresh_from_db()
    assert answer.version == 0


def test_only_the_checklists_own_writers_may_save_an_answer(w):
    checklist = start(w.ent.organization, w.ent_filler)
    answer = first_clause(checklist)
    url = f"/api/v1/checklists/{checklist.pk}/answers/{answer.clause_id}"
    body = {"result": "conform", "remarks": "", "problems": [], "version": 0}
    # the supervising department reads it but does not fill it; a viewer fills nothing
    assert send("put", url, body, w.as_dept).status_code == 404
    assert send("put", url, body, w.as_viewer).status_code == 404
    assert send("put", url, body, w.as_other).status_code == 404
    viewer = make_user(w.ent.organization, Role.VIEWER, username="ent_viewer")
    assert send("put", url, body, token_for(viewer)).status_code == 404
    answer.refresh_from_db()
    assert answer.version == 0


# --- problems and rectification -----------------------------------------------------------


def test_problems_filter_by_state_grade_and_overdue_within_the_scope(w):
    overdue = problem(w.ent.organization, deadline=dt.date(2020, 1, 1), description="逾期未改")
    major = problem(w.ent2.organization, grade=ProblemGrade.MAJOR, description="重大隐患")
    outside = problem(w.ent_other.organization, description="外部门企业的问题")

    def ids(**params: Any) -> set[str]:
        response = get("/api/v1/problems", w.as_dept, **params)
        assert response.status_code == 200, response.content
        return {p["id"] for p in response.json()["items"]}

    assert ids() == {str(overdue.pk), str(major.pk)}
    assert ids(overdue="true") == {str(overdue.pk)}
    assert ids(grade="major") == {str(major.pk)}
    assert ids(status="open") == ids(status="pending") == {str(overdue.pk), str(major.pk)}
    assert ids(status="closed") == set()
    assert get(f"/api/v1/problems/{outside.pk}", w.as_dept).status_code == 404
    bad = get("/api/v1/problems", w.as_dept, status="done")
    assert bad.status_code == 422 and bad.json()["errors"][0]["label"] == "状态"


def test_a_transition_goes_through_the_state_machine_and_shows_on_the_timeline(w):
    p = problem(w.ent.organization)
    url = f"/api/v1/problems/{p.pk}/transitions"
    # not yet planned: the state machine's own reason, in Chinese
    refused = send("post", url, {"action": "start", "lock_version": 0}, w.as_ent)
    assert refused.status_code == 422
    assert "整改措施" in refused.json()["detail"]
    read = get(f"/api/v1/problems/{p.pk}", w.as_ent).json()["lock_version"]
    rectification.problem_plan_save(by=w.ent_filler, problem=p, data=plan())
    # the supervising department may not start the enterprise's rectification
    current = get(f"/api/v1/problems/{p.pk}", w.as_ent).json()["lock_version"]
    not_owner = send("post", url, {"action": "start", "lock_version": current}, w.as_dept)
    assert not_owner.status_code == 422 and "只有责任单位" in not_owner.json()["detail"]
    # a write without the version is refused; one read before the 五定 were saved is stale
    bare = send("post", url, {"action": "start"}, w.as_ent)
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "lock_version"
    stale = send("post", url, {"action": "start", "lock_version": read}, w.as_ent)
    assert stale.status_code == 409
    assert "修改了五定" in stale.json()["detail"] and stale.json()["lock_version"] == current
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.PENDING
    ok = send("post", url, {"action": "start", "lock_version": current}, w.as_ent)
    assert ok.status_code == 200, ok.content
    out = ok.json()
    assert out["status"] == ProblemStatus.IN_PROGRESS and out["status_label"] == "整改中"
    assert [t["label"] for t in out["timeline"]][-1] == "开始整改"
    assert out["timeline"][-1]["by"] == w.ent_filler.display_name
    assert "submit" in out["allowed_actions"]
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.IN_PROGRESS
    assert AuditEntry.objects.filter(action="anbiao.problem.start", object_id=str(p.pk)).exists()


def test_viewers_and_other_departments_cannot_move_a_problem(w):
    p = problem(w.ent.organization)
    url = f"/api/v1/problems/{p.pk}/transitions"
    start = {"action": "start", "lock_version": 0}
    assert send("post", url, start, w.as_viewer).status_code == 404
    assert send("post", url, start, w.as_other).status_code == 404
    # "withdraw" belongs to the system, not to any user: not even offered
    withdraw = {"action": "withdraw", "lock_version": 0}
    assert send("post", url, withdraw, w.as_ent).status_code == 422
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.PENDING


# --- inspections, records, enforcement, campaigns -----------------------------------------


def test_inspections_are_listed_for_their_inspector_and_hidden_from_others(w):
    made = inspection(w.filler, w.ent.organization, findings=("消防通道堵塞",))
    response = get("/api/v1/inspections", w.as_dept)
    assert [i["id"] for i in response.json()["items"]] == [str(made.pk)]
    detail = get(f"/api/v1/inspections/{made.pk}", w.as_dept).json()
    assert detail["findings"][0]["description"] == "消防通道堵塞"
    assert detail["finding_count"] == 1
    assert get(f"/api/v1/inspections/{made.pk}", w.as_other).status_code == 404
    # an enterprise sees only completed inspections of itself: this one is a draft
    assert get(f"/api/v1/inspections/{made.pk}", w.as_ent).status_code == 404
    bad = get("/api/v1/inspections", w.as_dept, date_to="0")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["detail"]


def test_a_department_sees_the_city_offices_inspection_of_itself_only_once_completed(w):
    from anbiao.inspections import services as inspections
    from anbiao.orgs.models import OrgKind
    from anbiao.orgs.tests.factories import OrganizationFactory

    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    inspector = make_user(city, Role.FILLER, username="city_filler")
    draft = inspection(inspector, w.dept, findings=("月报未按时报送",))
    assert get(f"/api/v1/inspections/{draft.pk}", w.as_dept).status_code == 404
    assert get("/api/v1/inspections", w.as_dept).json()["count"] == 0
    assert get(f"/api/v1/inspections/{draft.pk}", token_for(inspector)).status_code == 200
    inspections.inspection_complete(by=inspector, inspection=draft)
    detail = get(f"/api/v1/inspections/{draft.pk}", w.as_viewer)
    assert detail.status_code == 200 and detail.json()["problem_count"] == 1
    assert [i["id"] for i in get("/api/v1/inspections", w.as_dept).json()["items"]] == [
        str(draft.pk)
    ]


def test_another_units_draft_record_stays_private(w):
    draft = records.record_create(
        by=w.ent_filler,
        kind=RecordKind.EXPERIENCE,
        title="班组安全积分制",
        summary="每月评比",
        category="continuous",
        date=dt.date(2024, 10, 1),
    )
    own = get("/api/v1/records", w.as_ent).json()
    assert [r["title"] for r in own["items"]] == ["班组安全积分制"]
    assert get(f"/api/v1/records/{draft.pk}", w.as_ent).json()["can_edit"] is True
    assert get("/api/v1/records", w.as_dept, scope="all").json()["count"] == 0
    assert get(f"/api/v1/records/{draft.pk}", w.as_dept).status_code == 404


def test_enforcement_cases_are_a_departments_own_and_closed_to_enterprises(w):
    case = enforcement.case_create(
        by=w.filler,
        enterprise=w.ent,
        case_number="南应急罚〔2024〕1号",
        violation="未开展安全生产标准化自评",
        legal_basis="《安全生产法》第九十七条",
        penalty="罚款",
        decided_on=dt.date(2024, 5, 10),
    )
    enforcement.batch_create(by=w.filler, title="第一批", date=dt.date(2024, 5, 20), cases=[case])
    mine = get("/api/v1/enforcement/cases", w.as_dept).json()
    assert [c["case_number"] for c in mine["items"]] == ["南应急罚〔2024〕1号"]
    assert get("/api/v1/enforcement/cases", w.as_other).json()["count"] == 0
    batches = get("/api/v1/enforcement/batches", w.as_dept).json()["items"]
    assert (batches[0]["case_count"], batches[0]["status_label"]) == (1, "草稿")
    assert get("/api/v1/enforcement/cases", w.as_ent).status_code == 404


def test_campaigns_are_listed_for_government_units_only(w):
    camp = campaign()
    listed = get("/api/v1/campaigns", w.as_dept).json()
    assert [c["name"] for c in listed["items"]] == ["测试专项行动"]
    assert get(f"/api/v1/campaigns/{camp.pk}", w.as_dept).json()["status"] == "open"
    assert get("/api/v1/campaigns", w.as_ent).status_code == 404
    assert get("/api/v1/campaigns/2147483648", w.as_dept).status_code == 422


# --- statistics -----------------------------------------------------------------------------


def test_the_statistics_table_gives_the_15_numbers_of_the_own_unit_with_column_names(w):
    problem(w.ent.organization)
    response = get("/api/v1/stats/table", w.as_dept, start="2024-01-01", end="2030-12-31")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["unit"]["name"] == "应急管理局"
    assert [c["no"] for c in out["columns"]] == list(range(1, 16))
    assert [c["name"] for c in out["columns"]] == [c.name for c in COLUMNS]
    live = stats_selectors.unit_table(
        unit=w.dept, period=Period(dt.date(2024, 1, 1), dt.date(2030, 12, 31))
    )
    assert [c["value"] for c in out["columns"]] == live.values


def test_the_statistics_table_of_another_unit_or_for_an_enterprise_is_404(w):
    other = get("/api/v1/stats/table", w.as_dept, unit=str(w.dept_other.pk))
    assert other.status_code == 404
    assert get("/api/v1/stats/table", w.as_ent).status_code == 404
    backwards = get("/api/v1/stats/table", w.as_dept, start="2024-12-31", end="2024-01-01")
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["msg"] == "统计期结束：结束日期不能早于开始日期。"
