"""上期对照, 纸上标准化 signs, and the handover package."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.accounts.tests.helpers import login_fully
from anbiao.campaigns.models import Campaign, CampaignStatus
from anbiao.checklists import services as checklist_services
from anbiao.checklists.models import Answer, AnswerResult, Checklist
from anbiao.checklists.tests import helpers as ch
from anbiao.dashboards.compare import paper_signs, previous_answers
from anbiao.dashboards.handover import ANSWER_FIELDS, ENTERPRISE_FIELDS, PROBLEM_FIELDS
from anbiao.enforcement.models import EnforcementPriority, PriorityReason
from anbiao.orgs.models import Enterprise, OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user
from anbiao.rectification.models import Problem, ProblemStatus
from anbiao.rectification.tests.helpers import problem

pytestmark = pytest.mark.django_db


def _set(checklist: Checklist, position: int, result: str) -> Answer:
    answer = checklist.answers.get(clause__position=position)
    answer.result = result
    answer.save()
    return answer


def _problem_on(checklist: Checklist, position: int, status: str, text: str) -> Problem:
    answer = checklist.answers.select_related("clause").get(clause__position=position)
    p = problem(checklist.organization, description=text)
    Problem.objects.filter(pk=p.pk).update(
        checklist=checklist,
        answer=answer,
        clause=answer.clause,
        campaign=checklist.campaign,
        status=status,
    )
    return p


@pytest.fixture
def two_campaigns():
    current = ch.campaign()
    previous = Campaign.objects.create(
        name="上期专项行动",
        period_start=date(2023, 9, 1),
        period_end=date(2023, 12, 31),
        enterprise_deadline=date(2023, 10, 31),
        government_deadline=date(2023, 11, 15),
        enterprise_template_version=current.enterprise_template_version,
        government_template_version=current.government_template_version,
        status=CampaignStatus.OPEN,
    )
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    town = OrganizationFactory.create(kind=OrgKind.TOWN)
    ent = EnterpriseFactory.create(department=dept, town=town)
    writer = make_user(ent.organization, Role.FILLER)
    before = checklist_services.checklist_start(
        by=None, campaign=previous, organization=ent.organization
    )
    Campaign.objects.filter(pk=previous.pk).update(status=CampaignStatus.CLOSED)
    now = ch.start(ent.organization, writer)
    # Clause 1: 不符合 → 符合, its problem still open, no evidence now: a 纸上标准化 sign.
    _set(before, 1, AnswerResult.NONCONFORM)
    _problem_on(before, 1, ProblemStatus.IN_PROGRESS, "安全生产责任制未公示")
    _set(now, 1, AnswerResult.CONFORM)
    # Clause 2: 不符合 → 符合, its problem closed: explained.
    _set(before, 2, AnswerResult.NONCONFORM)
    _problem_on(before, 2, ProblemStatus.CLOSED, "未制定年度计划")
    _set(now, 2, AnswerResult.CONFORM)
    # Clause 3: 不符合 → 符合 with evidence uploaded now: explained.
    _set(before, 3, AnswerResult.NONCONFORM)
    answer = _set(now, 3, AnswerResult.CONFORM)
    checklist_services.evidence_attach(by=writer, answer=answer, upload=ch.png_upload())
    # Clause 4: 符合 both times.
    _set(before, 4, AnswerResult.CONFORM)
    _set(now, 4, AnswerResult.CONFORM)
    return {
        "before": before,
        "now": now,
        "ent": ent,
        "dept": dept,
        "writer": writer,
        "current": current,
        "previous": previous,
    }


def test_previous_answers_give_each_clause_its_answer_and_problem_states(two_campaigns):
    got = previous_answers(two_campaigns["now"])
    assert got[1].result == AnswerResult.NONCONFORM
    assert [(p.description, p.closed) for p in got[1].problems] == [("安全生产责任制未公示", False)]
    assert got[1].all_closed is False and got[1].open_count == 1
    assert got[2].all_closed is True and got[2].problems[0].status_label == "已销号"
    assert got[4].result_label == "符合" and got[4].problems == []
    assert len(got) == two_campaigns["now"].answers.count()


def test_a_checklist_without_a_previous_campaign_has_no_previous_answers(two_campaigns):
    assert previous_answers(two_campaigns["before"]) == {}


def test_the_compare_page_shows_both_answers_side_by_side(client, two_campaigns):
    login_fully(client, two_campaigns["writer"])
    response = client.get(reverse("dashboards:compare", args=[two_campaigns["now"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "上期专项行动" in html and "安全生产责任制未公示（整改中）" in html
    first = response.context["rows"][0]
    assert (first.previous.result, first.answer.result) == ("nonconform", "conform")
    assert first.changed


def test_paper_signs_list_only_unexplained_changes_to_conform(two_campaigns):
    ent = two_campaigns["ent"]
    signs = list(
        paper_signs(
            enterprise_ids=Enterprise.objects.filter(pk=ent.pk).values("organization_id"),
            campaign=two_campaigns["current"],
        )
    )
    assert [a.clause.position for a in signs] == [1]


def test_a_department_marks_a_paper_sign_enterprise_as_an_enforcement_priority(
    client, two_campaigns
):
    user = make_user(two_campaigns["dept"], Role.ORG_ADMIN)
    login_fully(client, user)
    page = client.get(reverse("dashboards:paper_list"))
    assert [a.clause.position for a in page.context["answers"]] == [1]
    ent = two_campaigns["ent"]
    response = client.post(reverse("dashboards:paper_mark", args=[ent.pk]))
    assert response.status_code == 302
    mark = EnforcementPriority.objects.get(enterprise=ent)
    assert (mark.reason, mark.active, mark.marked_org_id) == (
        PriorityReason.PAPER,
        True,
        two_campaigns["dept"].pk,
    )


def test_the_handover_package_has_three_sheets_and_the_same_data_as_json(client, two_campaigns):
    ent = two_campaigns["ent"]
    EnterpriseFactory.create()  # someone else's: never in the enterprise's package
    login_fully(client, two_campaigns["writer"])
    query = f"?enterprise={ent.pk}&campaign={two_campaigns['current'].pk}"
    response = client.get(reverse("dashboards:handover_xlsx") + query)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["企业信息", "回头看答复", "问题与整改"]
    ents = [[c.value for c in row] for row in wb["企业信息"].iter_rows()]
    assert ents[0] == [label for _, label in ENTERPRISE_FIELDS]
    assert [r[0] for r in ents[1:]] == [ent.credit_code]
    answers = list(wb["回头看答复"].iter_rows(values_only=True))
    assert list(answers[0]) == [label for _, label in ANSWER_FIELDS]
    assert len(answers) - 1 == two_campaigns["now"].answers.count()
    assert list(wb["问题与整改"].iter_rows(values_only=True))[0] == tuple(
        label for _, label in PROBLEM_FIELDS
    )

    doc = json.loads(client.get(reverse("dashboards:handover_json") + query).content)
    assert [e["credit_code"] for e in doc["enterprises"]] == [ent.credit_code]
    assert len(doc["answers"]) == len(answers) - 1
    first = doc["answers"][0]
    assert [first[k] for k, _ in ANSWER_FIELDS] == [v if v is not None else "" for v in answers[1]]
    assert doc["fields"]["answers"]["clause_code"] == "细则编号"


def test_the_fill_page_snippet_shows_the_previous_answer_of_a_clause(two_campaigns):
    from django.template import Context, Template

    snippet = Template(
        "{% load dashboards_compare %}{% previous_answers checklist as previous %}"
        "{% for answer in answers %}{% with prev=previous|previous_for:answer.clause.position %}"
        '{% include "dashboards/_previous_clause.html" %}{% endwith %}{% endfor %}'
    )
    now = two_campaigns["now"]
    answers = now.answers.select_related("clause").order_by("clause__position")[:2]
    html = snippet.render(Context({"checklist": now, "answers": answers}))
    assert "上期：不符合；问题：安全生产责任制未公示（整改中） " in html
    assert "上期问题尚未全部销号" in html
    assert "未制定年度计划（已销号）" in html
    assert html.count("上期问题尚未全部销号") == 1
    # Without ``previous`` (an htmx re-render of one clause) nothing is shown.
    alone = Template(
        "{% load dashboards_compare %}{% with prev=previous|previous_for:1 %}"
        '{% include "dashboards/_previous_clause.html" %}{% endwith %}'
    ).render(Context({}))
    assert alone.strip() == ""


def test_the_fill_page_shows_last_campaigns_answer_and_linked_records_per_clause(
    client, two_campaigns
):
    from anbiao.worklog.models import EvidenceLink, RecordKind
    from anbiao.worklog.tests.builders import record

    now = two_campaigns["now"]
    training = record(now.organization, kind=RecordKind.TRAINING, title="全员标准化培训")
    answer = now.answers.get(clause__position=4)
    EvidenceLink.objects.create(record=training, answer=answer)
    login_fully(client, two_campaigns["writer"])
    html = client.get(reverse("checklists:detail", args=[now.pk])).content.decode()
    assert "上期：不符合，问题 1 个（已销号 0 个）" in html
    assert "安全生产责任制未公示（整改中）" in html
    assert "上期：不符合，问题 1 个（已销号 1 个）" in html
    assert "全员标准化培训" in html and reverse("worklog:record_detail", args=[training.pk]) in html
    assert f"{training}（2024-09-10）" in html  # the record as it names itself, with its date


def test_linked_records_are_listed_by_date_each_once(client, two_campaigns):
    import datetime as dt

    from anbiao.worklog.models import EvidenceLink, RecordKind
    from anbiao.worklog.tests.builders import record

    now = two_campaigns["now"]
    later = record(now.organization, title="九月<专题>会议", date=dt.date(2024, 9, 20))
    earlier = record(now.organization, kind=RecordKind.TRAINING, date=dt.date(2024, 3, 1))
    answer = now.answers.get(clause__position=7)
    for r in (later, earlier):
        EvidenceLink.objects.create(record=r, answer=answer)
    login_fully(client, two_campaigns["writer"])
    html = client.get(reverse("checklists:detail", args=[now.pk])).content.decode()
    row = html.split(f'id="c{answer.clause_id}"', 1)[1].split("</article>", 1)[0]
    assert row.count("关联工作记录") == 1
    first = row.index(reverse("worklog:record_detail", args=[earlier.pk]))
    second = row.index(reverse("worklog:record_detail", args=[later.pk]))
    assert first < second
    assert "九月&lt;专题&gt;会议" in row and "九月<专题>" not in row
