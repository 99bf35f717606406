"""全部设为符合: only unanswered clauses change, all or none, in ONE audit entry with the clause
list; refused (stale version, locked, foreign or out-of-section clause) it writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists import conform, services
from anbiao.checklists.models import Answer, AnswerResult, Checklist
from anbiao.checklists.tests import helpers
from anbiao.core.models import AuditEntry
from anbiao.orgs.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
ACTION = "anbiao.checklist.answers_marked_conform"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


@pytest.fixture
def ent():  # noqa: ANN201
    return EnterpriseFactory.create(organization__name="泉州测试石材有限公司")


@pytest.fixture
def filler(ent):  # noqa: ANN001, ANN201
    return helpers.person(ent.organization, Role.FILLER, "张三")


@pytest.fixture
def checklist(ent, filler) -> Checklist:  # noqa: ANN001
    """附件2 with clause 1 不符合 (one problem) and clause 2 不适用; 49 clauses unanswered."""
    c = helpers.start(ent.organization, filler)
    first, second = c.answers.order_by("clause__position")[:2]
    data = services.AnswerInput(AnswerResult.NONCONFORM, "", ["公示栏未张贴告知书"])
    services.answer_save(by=filler, answer=first, expected_version=0, data=data)
    data = services.AnswerInput(AnswerResult.NOT_APPLICABLE, "本企业无此情况", [])
    services.answer_save(by=filler, answer=second, expected_version=0, data=data)
    return c


def state(c: Checklist) -> list[tuple[int, str, int]]:
    return list(c.answers.order_by("clause__position").values_list("pk", "result", "version"))


def test_the_whole_form_marks_only_the_unanswered_clauses_in_one_audit_entry(
    checklist,  # noqa: ANN001
    filler,  # noqa: ANN001
) -> None:
    plan = conform.conform_plan(checklist)
    assert plan.count == 49 and plan.candidates[0].code == "1.（3）"
    expected = conform.parse_tokens([c.token for c in plan.candidates])
    assert expected is not None
    done = services.answers_mark_conform(by=filler, checklist=checklist, expected=expected)
    assert len(done) == 49
    rows = state(checklist)
    assert [r[1] for r in rows[:2]] == [AnswerResult.NONCONFORM, AnswerResult.NOT_APPLICABLE]
    assert all(r[1] == AnswerResult.CONFORM and r[2] == 1 for r in rows[2:])
    assert checklist.answers.filter(updated_by=filler, result=AnswerResult.CONFORM).count() == 49
    entries = AuditEntry.objects.filter(action=ACTION)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_id == str(checklist.pk) and entry.user == filler
    assert entry.data["count"] == 49 and entry.data["section"] is None
    assert entry.data["codes"][:2] == ["1.（3）", "2.（1）"] and len(entry.data["clauses"]) == 49
    assert conform.conform_plan(checklist).count == 0
    # Each clause can be changed again afterwards (the exceptions), with its new version.
    third = Answer.objects.get(pk=rows[2][0])
    data = services.AnswerInput(AnswerResult.NONCONFORM, "", ["方案未明确完成时限"])
    services.answer_save(by=filler, answer=third, expected_version=1, data=data)
    assert Answer.objects.get(pk=third.pk).result == AnswerResult.NONCONFORM


def test_a_section_marks_only_its_own_unanswered_clauses(checklist, filler) -> None:  # noqa: ANN001
    section = conform.section_at(checklist, 1)
    assert section is not None and section.title == "一、目标职责"
    plan = conform.conform_plan(checklist, section)
    assert [c.code for c in plan.candidates] == ["1.（3）"]
    expected = {c.answer_id: c.version for c in plan.candidates}
    services.answers_mark_conform(by=filler, checklist=checklist, expected=expected, section=1)
    assert checklist.answers.filter(result=AnswerResult.CONFORM).count() == 1
    assert checklist.answers.filter(result="").count() == 48
    assert AuditEntry.objects.get(action=ACTION).data["section"] == 1


def refused(checklist: Checklist, call: Any, error: type[Exception], text: str) -> None:
    """``call`` raises ``error`` saying ``text`` and nothing at all is written."""
    before = state(checklist)
    entries = AuditEntry.objects.count()
    with pytest.raises(error) as exc:
        call()
    assert text in str(exc.value)
    assert state(checklist) == before
    assert AuditEntry.objects.count() == entries
    assert not AuditEntry.objects.filter(action=ACTION).exists()


def test_a_clause_saved_after_the_confirmation_refuses_the_whole_action(
    checklist,  # noqa: ANN001
    filler,  # noqa: ANN001
) -> None:
    plan = conform.conform_plan(checklist)
    expected = {c.answer_id: c.version for c in plan.candidates}
    # Someone answers clause 1.（3） (不适用) after the confirmation was shown …
    other = Answer.objects.get(pk=plan.candidates[0].answer_id)
    data = services.AnswerInput(AnswerResult.NOT_APPLICABLE, "", [])
    services.answer_save(by=filler, answer=other, expected_version=0, data=data)
    call = lambda: services.answers_mark_conform(  # noqa: E731
        by=filler, checklist=checklist, expected=expected
    )
    refused(
        checklist, call, services.BulkConflict, "有 1 条细则在您打开确认页之后已被修改（1.（3））"
    )
    # … an answered clause posted as if it were open is refused the same way.
    first = checklist.answers.order_by("clause__position").first()
    assert first is not None
    call = lambda: services.answers_mark_conform(  # noqa: E731
        by=filler, checklist=checklist, expected={first.pk: first.version}
    )
    refused(checklist, call, services.BulkConflict, "1.（1）")


def test_a_locked_checklist_a_foreign_clause_or_another_section_writes_nothing(
    checklist,  # noqa: ANN001
    filler,  # noqa: ANN001
    ent,  # noqa: ANN001
) -> None:
    plan = conform.conform_plan(checklist)
    expected = {c.answer_id: c.version for c in plan.candidates}
    # a clause of another section than the one confirmed
    call = lambda: services.answers_mark_conform(  # noqa: E731
        by=filler, checklist=checklist, expected=expected, section=1
    )
    refused(checklist, call, ValidationError, "所选细则不属于本表或本部分")
    # a clause of another unit's checklist
    foreign = helpers.start(EnterpriseFactory.create().organization)
    answer = foreign.answers.first()
    assert answer is not None
    call = lambda: services.answers_mark_conform(  # noqa: E731
        by=filler, checklist=checklist, expected={answer.pk: 0}
    )
    refused(checklist, call, ValidationError, "所选细则不属于本表或本部分")
    assert foreign.answers.filter(result="").count() == foreign.answers.count()
    # nothing to mark
    call = lambda: services.answers_mark_conform(  # noqa: E731
        by=filler, checklist=checklist, expected={}
    )
    refused(checklist, call, ValidationError, "没有需要设为“符合”的细则")
    # submitted: locked
    Checklist.objects.filter(pk=checklist.pk).update(status="submitted")
    call = lambda: services.answers_mark_conform(  # noqa: E731
        by=filler, checklist=checklist, expected=expected
    )
    refused(checklist, call, ValidationError, "已提交的细则已锁定，不能修改。")


# --- the views --------------------------------------------------------------------------------


def test_the_confirmation_says_how_many_change_and_posting_it_applies(
    checklist,  # noqa: ANN001
    filler,  # noqa: ANN001
) -> None:
    c = login(filler)
    detail = reverse("checklists:detail", args=[checklist.pk])
    url = reverse("checklists:mark_conform", args=[checklist.pk])
    page = c.get(detail).content.decode()
    assert f'href="{url}"' in page and "全部设为符合（未填写的 49 条）" in page
    assert f'href="{url}?section=1">本部分未填写的 1 条设为符合' in page
    html = c.get(url).content.decode()
    assert '<strong id="conform-count">49</strong>' in html
    assert "确认设为符合（49 条）" in html and "<strong>1.（3）</strong>" in html
    assert "<strong>1.（1）</strong>" not in html and "<strong>1.（2）</strong>" not in html
    tokens = [t.token for t in conform.conform_plan(checklist).candidates]
    r = c.post(url, {"answer": tokens})
    assert r.status_code == 302 and r["Location"] == detail
    assert checklist.answers.filter(result="").count() == 0
    page = c.get(detail).content.decode()
    assert "已将 49 条细则设为“符合”" in page and "全部设为符合（" not in page
    assert "本部分未填写的" not in page


def test_a_stale_confirmation_answers_409_with_the_fresh_list(checklist, filler) -> None:  # noqa: ANN001
    c = login(filler)
    url = reverse("checklists:mark_conform", args=[checklist.pk])
    plan = conform.conform_plan(checklist, conform.section_at(checklist, 2))
    tokens = [t.token for t in plan.candidates]
    checklist.answers.filter(pk=plan.candidates[0].answer_id).update(result="conform", version=1)
    r = c.post(url, {"answer": tokens, "section": "2"})
    assert r.status_code == 409
    html = r.content.decode()
    assert "本次未作任何修改" in html and "本部分全部设为符合：二、机构和职责" in html
    assert f'<strong id="conform-count">{len(tokens) - 1}</strong>' in html
    assert checklist.answers.filter(result="conform").count() == 1
    assert c.post(url, {"answer": ["x:1"]}).status_code == 400  # garbled: refused, 400
    assert c.get(url + "?section=99").status_code == 404


def test_a_submitted_checklist_offers_no_bulk_answer_and_refuses_it(
    ent,  # noqa: ANN001
    filler,  # noqa: ANN001
) -> None:
    done = helpers.submitted(ent.organization, filler)
    c = login(filler)
    url = reverse("checklists:mark_conform", args=[done.pk])
    assert (
        f'href="{url}' not in c.get(reverse("checklists:detail", args=[done.pk])).content.decode()
    )
    answer = done.answers.first()
    assert answer is not None
    r = c.post(url, {"answer": [f"{answer.pk}:{answer.version}"]})
    assert r.status_code == 302
    assert not AuditEntry.objects.filter(action=ACTION).exists()
    viewer = helpers.person(ent.organization, Role.VIEWER, "李四")
    draft = helpers.start(EnterpriseFactory.create().organization)
    assert login(viewer).get(reverse("checklists:mark_conform", args=[draft.pk])).status_code in (
        403,
        404,
    )
