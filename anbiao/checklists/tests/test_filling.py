"""Filling one clause at a time: rules, optimistic concurrency, evidence, query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists import services
from anbiao.checklists.models import Answer, AnswerEvidence, ProblemLine
from anbiao.checklists.tests import helpers
from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def login(user) -> Client:  # noqa: ANN001
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
def checklist(ent, filler):  # noqa: ANN001, ANN201
    return helpers.start(ent.organization, filler)


def save_url(checklist, answer) -> str:  # noqa: ANN001
    return reverse("checklists:answer_save", args=[checklist.pk, answer.clause_id])


def first_answer(checklist) -> Answer:  # noqa: ANN001
    answer = checklist.answers.order_by("clause__position").first()
    assert answer is not None
    return answer


def test_starting_creates_one_empty_answer_per_clause_of_the_campaign_template(checklist) -> None:  # noqa: ANN001
    assert checklist.answers.count() == 51
    assert checklist.answers.exclude(result="").count() == 0
    again = helpers.start(checklist.organization)
    assert again.pk == checklist.pk


def test_a_government_unit_gets_the_22_clauses_of_attachment_1() -> None:
    from anbiao.orgs.models import OrgKind
    from anbiao.orgs.tests.factories import OrganizationFactory

    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT)
    c = helpers.start(dept)
    assert c.answers.count() == 22
    assert c.template_version.template.code == "fujian1_2024"


def test_saving_a_clause_stores_result_problem_lines_and_remarks(checklist, filler) -> None:  # noqa: ANN001
    a = first_answer(checklist)
    r = login(filler).post(
        save_url(checklist, a),
        {
            "version": "0",
            "result": "nonconform",
            "problem": ["公示栏未张贴告知书", "承诺书未签订"],
            "remarks": "已安排整改",
        },
        **HTMX,
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "已保存" in body and 'hx-swap-oob="true"' in body and "1/51" in body
    a.refresh_from_db()
    assert (a.result, a.remarks, a.version, a.updated_by) == ("nonconform", "已安排整改", 1, filler)
    assert list(a.problems.values_list("position", "text")) == [
        (1, "公示栏未张贴告知书"),
        (2, "承诺书未签订"),
    ]


def test_a_line_sent_with_its_problem_id_keeps_its_line_and_a_bare_text_is_a_new_line(
    checklist, filler
) -> None:  # noqa: ANN001
    from anbiao.rectification.models import Problem

    a = first_answer(checklist)
    data = services.AnswerInput("nonconform", "", ["甲", "乙"])
    services.answer_save(by=filler, answer=a, expected_version=0, data=data)
    first = a.problems.get(position=1)
    problem = Problem.objects.get(problem_line=first)
    services.answer_save(
        by=filler,
        answer=a,
        expected_version=1,
        data=services.AnswerInput(
            "nonconform",
            "",
            [services.LineInput("乙"), services.LineInput("甲改", str(problem.pk))],
        ),
    )
    # 甲 became 甲改 and moved down: the same line and problem; 乙 (no id) is a new line.
    assert list(a.problems.values_list("position", "text")) == [(1, "乙"), (2, "甲改")]
    assert a.problems.get(position=2).pk == first.pk
    assert Problem.objects.get(problem_line=first).pk == problem.pk


@pytest.mark.parametrize(
    ("result", "problems", "message"),
    [
        ("nonconform", [], "至少填写一条存在问题"),
        ("nonconform", ["甲", "  "], "第 2 条存在问题未填写内容"),
        ("conform", ["甲"], "只有结论为“不符合”时才填写存在问题"),
        ("maybe", [], "结论只能选择"),
    ],
)
def test_the_filling_rules_are_shown_next_to_the_clause_and_nothing_is_written(
    checklist,
    filler,
    result,
    problems,
    message,  # noqa: ANN001
) -> None:
    a = first_answer(checklist)
    r = login(filler).post(
        save_url(checklist, a),
        {"version": "0", "result": result, "problem": problems, "remarks": "我的备注"},
        **HTMX,
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert message in body
    assert "我的备注" in body  # the typed text is kept
    a.refresh_from_db()
    assert (a.result, a.version, a.remarks) == ("", 0, "")
    assert ProblemLine.objects.filter(answer=a).count() == 0


def test_an_exact_duplicate_line_is_refused_naming_it_and_the_typed_text_is_kept(
    checklist, filler
) -> None:  # noqa: ANN001
    a = first_answer(checklist)
    lines = ["公示栏未张贴告知书", "承诺书未签订", " 公示栏未张贴告知书\u3000"]
    r = login(filler).post(
        save_url(checklist, a),
        {"version": "0", "result": "nonconform", "problem": lines, "remarks": "我的备注"},
        **HTMX,
    )
    body = r.content.decode()
    assert "第 3 条存在问题与第 1 条相同（“公示栏未张贴告知书”）" in body
    assert 'value=" 公示栏未张贴告知书\u3000"' in body and "承诺书未签订" in body
    assert "我的备注" in body
    a.refresh_from_db()
    assert (a.result, a.version) == ("", 0)
    assert ProblemLine.objects.filter(answer=a).count() == 0
    errors = services.answer_validate(services.AnswerInput("nonconform", "", lines))
    assert errors["problems"] == [
        "第 3 条存在问题与第 1 条相同（“公示栏未张贴告知书”），请删除重复的一条或修改内容。"
    ]


def test_a_second_writer_with_the_same_version_does_not_overwrite_and_keeps_their_text(
    ent,
    checklist,
    filler,  # noqa: ANN001
) -> None:
    other = helpers.person(ent.organization, Role.PRINCIPAL, "李四")
    a = first_answer(checklist)
    one, two = login(filler), login(other)
    r1 = one.post(
        save_url(checklist, a),
        {"version": "0", "result": "nonconform", "problem": ["张三写的问题"]},
        **HTMX,
    )
    assert r1.status_code == 200 and "已保存" in r1.content.decode()
    r2 = two.post(
        save_url(checklist, a),
        {"version": "0", "result": "conform", "remarks": "李四输入的备注，不能丢"},
        **HTMX,
    )
    body = r2.content.decode()
    assert r2.status_code == 200
    assert "该条已被 张三 于" in body and "修改，您的内容未保存，请核对后再次保存" in body
    assert "李四输入的备注，不能丢" in body
    assert 'name="version" value="1"' in body  # saving again is a deliberate choice
    a.refresh_from_db()
    assert (a.result, a.remarks, a.version, a.updated_by) == ("nonconform", "", 1, filler)
    assert list(a.problems.values_list("text", flat=True)) == ["张三写的问题"]


def test_the_saved_state_survives_leaving_and_coming_back(checklist, filler) -> None:  # noqa: ANN001
    a = first_answer(checklist)
    c = login(filler)
    c.post(
        save_url(checklist, a),
        {"version": "0", "result": "nonconform", "problem": ["回来还在的问题"]},
        **HTMX,
    )
    url = reverse("checklists:detail", args=[checklist.pk])
    page = c.get(url).content.decode()
    row = page[page.index(f'id="c{a.clause_id}"') :].split("</article>", 1)[0]
    assert "不符合" in row and "回来还在的问题" in row and "已保存" in row and "（张三）" in row
    assert '已填写 <strong id="progress-count">1/51</strong>' in page
    # Opening the clause again (htmx, or ?edit= without JavaScript) shows the saved input.
    form = c.get(edit_url(checklist, a), **HTMX).content.decode()
    assert 'value="回来还在的问题"' in form and 'name="version" value="1"' in form
    assert 'value="回来还在的问题"' in c.get(f"{url}?edit={a.clause_id}").content.decode()


def edit_url(checklist, answer) -> str:  # noqa: ANN001
    return reverse("checklists:clause_edit", args=[checklist.pk, answer.clause_id])


def test_the_page_lists_compact_rows_and_opens_one_clause_form_at_a_time(
    checklist,
    filler,  # noqa: ANN001
) -> None:
    c = login(filler)
    url = reverse("checklists:detail", args=[checklist.pk])
    page = c.get(url).content.decode()
    assert page.count('<article class="clause clause-row is-open"') == 51
    assert 'class="clause-form"' not in page and 'name="result"' not in page  # no form yet
    a = first_answer(checklist)
    assert f'hx-get="{edit_url(checklist, a)}"' in page
    assert f'href="?edit={a.clause_id}#c{a.clause_id}"' in page
    # htmx opens the form of one clause …
    form = c.get(edit_url(checklist, a), **HTMX).content.decode()
    assert form.count('<article class="clause clause-edit') == 1
    assert "保存本条" in form and 'name="result" value="nonconform"' in form
    assert f'hx-post="{save_url(checklist, a)}"' in form and "收起" in form
    # … "收起" gives the compact row back …
    row = c.get(edit_url(checklist, a) + "?row=1", **HTMX).content.decode()
    assert row.startswith(f'<article class="clause clause-row is-open" id="c{a.clause_id}">')
    assert "保存本条" not in row
    # … and without JavaScript the link opens the form in place on the page.
    r = c.get(edit_url(checklist, a))
    assert r.status_code == 302 and r["Location"] == f"{url}?edit={a.clause_id}#c{a.clause_id}"
    in_place = c.get(f"{url}?edit={a.clause_id}").content.decode()
    assert in_place.count('class="clause-form"') == 1 and in_place.count("<article") == 51


def test_without_javascript_a_refused_save_shows_the_clause_with_the_typed_text(
    checklist,
    filler,  # noqa: ANN001
) -> None:
    a = first_answer(checklist)
    r = login(filler).post(
        save_url(checklist, a), {"version": "0", "result": "nonconform", "remarks": "我写的备注"}
    )
    body = r.content.decode()
    assert r.status_code == 400
    assert "至少填写一条存在问题" in body and "我写的备注" in body and "<html" in body


def test_problem_lines_show_their_rectification_state_with_a_link(
    checklist,
    filler,  # noqa: ANN001
) -> None:
    from anbiao.rectification.models import Problem

    a = first_answer(checklist)
    c = login(filler)
    c.post(
        save_url(checklist, a),
        {"version": "0", "result": "nonconform", "problem": ["消防通道堵塞"]},
        **HTMX,
    )
    problem = Problem.objects.get(problem_line__answer=a)
    link = reverse("rectification:problem_detail", args=[problem.pk])
    page = c.get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
    row = page[page.index(f'id="c{a.clause_id}"') :].split("</article>", 1)[0]
    assert f'href="{link}"' in row and f"整改：{problem.get_status_display()}" in row
    form = c.get(edit_url(checklist, a), **HTMX).content.decode()
    assert f'href="{link}"' in form
    assert c.get(link).status_code == 200


def test_evidence_is_checked_by_content_and_downloaded_as_an_attachment_in_scope_only(
    checklist,
    filler,  # noqa: ANN001
) -> None:
    a = first_answer(checklist)
    c = login(filler)
    url = reverse("checklists:evidence_upload", args=[checklist.pk, a.clause_id])
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    r = c.post(url, {"file": fake}, **HTMX)
    assert "不支持的文件类型" in r.content.decode()
    assert AnswerEvidence.objects.count() == 0
    r = c.post(url, {"file": helpers.png_upload("现场.png")}, **HTMX)
    assert r.status_code == 200 and "现场.png" in r.content.decode()
    ev = AnswerEvidence.objects.get()
    dl = c.get(reverse("checklists:evidence_download", args=[checklist.pk, ev.pk]))
    assert dl.status_code == 200 and isinstance(dl, FileResponse)
    assert dl["Content-Disposition"].startswith("attachment;")
    assert b"".join(dl.streaming_content).startswith(b"\x89PNG")
    stranger = make_user(EnterpriseFactory.create().organization, Role.FILLER)
    assert (
        login(stranger)
        .get(reverse("checklists:evidence_download", args=[checklist.pk, ev.pk]))
        .status_code
        == 404
    )
    # Deleting while draft works.
    r = c.post(reverse("checklists:evidence_delete", args=[checklist.pk, ev.pk]), **HTMX)
    assert r.status_code == 200 and AnswerEvidence.objects.count() == 0


def test_the_fill_page_query_count_does_not_grow_with_answers_problems_and_files(
    ent,
    checklist,
    filler,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    c = login(filler)
    url = reverse("checklists:detail", args=[checklist.pk])
    c.get(url)
    with django_assert_max_num_queries(25) as small:
        assert c.get(url).status_code == 200
    n_small = len(small.captured_queries)
    assert n_small > 5  # the capture really saw the page's queries
    for a in checklist.answers.all()[:40]:
        services.answer_save(
            by=filler,
            answer=a,
            expected_version=0,
            data=services.AnswerInput("nonconform", "备注", ["问题一", "问题二", "问题三"]),
        )
        services.evidence_attach(by=filler, answer=a, upload=helpers.png_upload())
    with django_assert_max_num_queries(n_small) as large:
        r = c.get(url)
    assert r.status_code == 200 and r.content.decode().count("问题三") == 40
    assert len(large.captured_queries) == n_small


def test_a_viewer_sees_the_checklist_read_only_and_cannot_save(ent, checklist) -> None:  # noqa: ANN001
    viewer = make_user(ent.organization, Role.VIEWER)
    c = login(viewer)
    page = c.get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
    assert "保存本条" not in page
    a = first_answer(checklist)
    assert c.post(save_url(checklist, a), {"version": "0", "result": "conform"}).status_code == 404


def test_a_service_refuses_a_stale_version(checklist, filler) -> None:  # noqa: ANN001
    a = first_answer(checklist)
    services.answer_save(
        by=filler, answer=a, expected_version=0, data=services.AnswerInput("conform", "", [])
    )
    with pytest.raises(services.AnswerConflict):
        services.answer_save(
            by=filler, answer=a, expected_version=0, data=services.AnswerInput("na", "", [])
        )
    with pytest.raises(ValidationError):
        services.answer_save(
            by=filler, answer=a, expected_version=1, data=services.AnswerInput("nonconform", "", [])
        )
    a.refresh_from_db()
    assert (a.result, a.version) == ("conform", 1)


def test_the_built_clause_urls_equal_the_named_routes(checklist, filler) -> None:  # noqa: ANN001
    from anbiao.checklists import clause_form, selectors

    a = first_answer(checklist)
    services.evidence_attach(by=filler, answer=a, upload=helpers.png_upload())
    # set_form_values attaches the URLs and the evidence list to the answer it returns.
    shown = clause_form.set_form_values(selectors.answer_for_clause(checklist, a.clause_id))
    e = shown.evidence_list[0]
    assert shown.save_url == reverse("checklists:answer_save", args=[checklist.pk, a.clause_id])
    assert shown.upload_url == reverse(
        "checklists:evidence_upload", args=[checklist.pk, a.clause_id]
    )
    assert shown.edit_url == reverse("checklists:clause_edit", args=[checklist.pk, a.clause_id])
    assert e.download_url == reverse("checklists:evidence_download", args=[checklist.pk, e.pk])
    assert e.delete_url == reverse("checklists:evidence_delete", args=[checklist.pk, e.pk])
    # The compact rows build the same URLs from the page's prefixes.
    html = login(filler).get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
    assert f'hx-get="{shown.edit_url}"' in html
    assert f'href="{e.download_url}"' in html
    assert clause_form.problem_prefix() + "x/" == reverse(
        "rectification:problem_detail", args=["00000000-0000-0000-0000-000000000000"]
    ).replace("00000000-0000-0000-0000-000000000000", "x")


def test_user_text_in_the_rows_is_escaped(checklist, filler) -> None:  # noqa: ANN001
    a = first_answer(checklist)
    services.answer_save(
        by=filler,
        answer=a,
        expected_version=0,
        data=services.AnswerInput("nonconform", "<b>备注</b>", ["<script>x</script>"]),
    )
    page = login(filler).get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<b>备注</b>" not in page and "&lt;b&gt;备注&lt;/b&gt;" in page
