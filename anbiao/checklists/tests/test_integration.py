"""The fill page's links to the other modules: exports, notices (附件2 1.(1)(2)), and the
query count with all of them on the page."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from anbiao.checklists import services
from anbiao.checklists.tests import helpers
from anbiao.core.tests.world import build_world
from anbiao.notices import services as notice_services
from anbiao.notices.models import NoticeKind
from anbiao.records.tests.helpers import pdf_upload, png_upload, signature_data_url

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def login(user) -> Client:  # noqa: ANN001
    c = Client()
    c.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return c


@pytest.fixture
def world():  # noqa: ANN201
    return build_world()


def _first_clauses(checklist):  # noqa: ANN001, ANN202
    """附件2 item 1 clauses (1) and (2)."""
    return list(
        checklist.answers.filter(clause__item__number=1, clause__number__in=(1, 2)).order_by(
            "clause__number"
        )
    )


def test_the_checklist_page_links_to_word_excel_and_print_and_they_work(world) -> None:  # noqa: ANN001
    filler = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, filler)
    for c, name in ((login(filler), "own"), (login(world.users["department:filler"]), "dept")):
        page = c.get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
        for fmt, label, mime in (
            ("docx", "下载 Word", DOCX),
            ("xlsx", "下载 Excel", XLSX),
            ("print", "打印", "text/html"),
        ):
            url = reverse(f"checklist_exports:{fmt}", args=[checklist.pk])
            assert f'href="{url}"' in page and label in page, (name, fmt)
            r = c.get(url)
            assert r.status_code == 200, (name, fmt)
            assert r["Content-Type"].startswith(mime), (name, fmt, r["Content-Type"])
            if isinstance(r, StreamingHttpResponse):  # r.streaming, for the type checker
                body = b"".join(r.streaming_content)
            else:
                body = r.content
            assert body.startswith(b"PK") if fmt != "print" else "“回头看”" in body.decode()


def test_the_list_pages_link_to_the_blank_forms(world) -> None:  # noqa: ANN001
    helpers.campaign()
    blank = reverse("checklist_exports:blank_list")
    for persona, url in (
        ("enterprise:filler", reverse("checklists:mine")),
        ("department:filler", reverse("checklists:review_list")),
    ):
        c = login(world.users[persona])
        page = c.get(url).content.decode()
        assert f'href="{blank}"' in page and "下载空白表" in page
        listing = c.get(blank)
        assert listing.status_code == 200
        first_docx = reverse("checklist_exports:blank_docx", args=[_a_version()])
        assert first_docx in listing.content.decode()
        r = c.get(first_docx)
        assert r.status_code == 200 and r["Content-Type"].startswith(DOCX)


def _a_version() -> int:
    from anbiao.checklists.tests.helpers import loaded_version

    return loaded_version("fujian2_2024").pk


def _notices(world):  # noqa: ANN001, ANN202
    """Two notices at the world's enterprise: one signed and posted, one only acknowledged."""
    dept = world.users["department:filler"]
    principal = world.users["enterprise:principal"]
    out = []
    for kind in (NoticeKind.STANDARDIZATION, NoticeKind.RESPONSIBILITY):
        notice = notice_services.notice_issue(by=dept, kind=kind, title="", document=pdf_upload())
        notice_services.notice_deliver(by=dept, notice=notice, enterprises=[world.ent])
        d = notice.deliveries.get()
        notice_services.delivery_acknowledge(by=principal, delivery=d)
        out.append(d)
    signed = out[0]
    notice_services.delivery_sign_canvas(
        by=principal, delivery=signed, data_url=signature_data_url()
    )
    notice_services.delivery_post(by=principal, delivery=signed, photo=png_upload())
    return out


def test_notice_records_are_suggested_on_attachment_2_item_1_clauses_1_and_2(world) -> None:  # noqa: ANN001
    signed, acknowledged = _notices(world)
    filler = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, filler)
    c = login(filler)
    page = c.get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
    one, two = _first_clauses(checklist)

    def box(html: str, clause_id: int) -> str:
        return html.split(f'id="notice-evidence-{clause_id}"', 1)[1].split("</div>", 1)[0]

    assert page.count('class="notice-evidence"') == 2
    box1, box2 = box(page, one.clause_id), box(page, two.clause_id)
    doc1 = reverse("notices:document", args=[signed.notice_id])
    doc2 = reverse("notices:document", args=[acknowledged.notice_id])
    photo = reverse("notices:delivery_file", args=[signed.pk, "photo"])
    commitment = reverse("notices:delivery_file", args=[signed.pk, "commitment"])
    assert "已公示" in box1 and "已签收" in box1
    assert doc1 in box1 and doc2 in box1 and photo in box1
    assert reverse("notices:delivery", args=[signed.pk]) in box1
    assert commitment in box2 and photo in box2 and doc2 not in box2
    for url in (doc1, photo, commitment):
        assert c.get(url).status_code == 200, url
    # The clause form shows the same box; other clauses have none.
    form = c.get(
        reverse("checklists:clause_edit", args=[checklist.pk, two.clause_id]),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert commitment in box(form, two.clause_id)
    # The department sees the files, without the enterprise-only inbox link.
    dept_page = (
        login(world.users["department:filler"])
        .get(reverse("checklists:detail", args=[checklist.pk]))
        .content.decode()
    )
    assert photo in box(dept_page, one.clause_id)
    assert reverse("notices:delivery", args=[signed.pk]) not in dept_page


def test_a_government_checklist_has_no_notice_box(world) -> None:  # noqa: ANN001
    user = world.users["department:filler"]
    checklist = helpers.start(world.dept, user)
    page = login(user).get(reverse("checklists:detail", args=[checklist.pk])).content.decode()
    assert "notice-evidence" not in page


def test_the_query_count_stays_with_notices_tracked_problems_and_files(
    world,
    django_assert_max_num_queries,  # noqa: ANN001
) -> None:
    filler = world.users["enterprise:filler"]
    checklist = helpers.start(world.ent.organization, filler)
    c = login(filler)
    url = reverse("checklists:detail", args=[checklist.pk])
    c.get(url)
    with django_assert_max_num_queries(30) as bare:
        c.get(url)
    _notices(world)
    with django_assert_max_num_queries(30) as before:
        c.get(url)
    # the notices box is read only once notices were delivered to the enterprise: one query
    assert len(before.captured_queries) == len(bare.captured_queries) + 1
    for a in checklist.answers.all()[:30]:
        services.answer_save(
            by=filler,
            answer=a,
            expected_version=0,
            data=services.AnswerInput("nonconform", "备注", ["问题甲", "问题乙"]),
        )
        services.evidence_attach(by=filler, answer=a, upload=helpers.png_upload())
    with django_assert_max_num_queries(len(before.captured_queries)) as after:
        r = c.get(url)
    body = r.content.decode()
    assert body.count("整改：待整改") == 60 and body.count("已公示") >= 1
    assert len(after.captured_queries) == len(before.captured_queries)
