"""The PDF of 附件1/附件2, filled and blank, read back with poppler (pdftotext, pdfinfo,
pdfimages, pdffonts): its text, page size, signature image, rows never split across pages,
quoted labels never broken, blank rows tall enough to write in."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists.exports.exporters import Sheet, blank_sheet, checklist_sheet
from anbiao.checklists.exports.pdf import BLANK_ROW_MM, quoted_parts, render_html, render_pdf
from anbiao.checklists.exports.tests.helpers import fill, make_checklist
from anbiao.checklists.models import Checklist
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db
NAME = "南安市测试石材有限公司"
A4_LANDSCAPE = "841.89 x 595.276 pts (A4)"
MM = 72 / 25.4
LABELS = (
    *("“三张清单”", "“回头看”", "“四色”", "“5S”", "“六有”", "“三级”", "“三类企业”"),
    *("“两化”", "“四项规范”", "“纸上标准化”", "“一套标准规范”"),
)


def poppler(tool: str, *args: str) -> str:
    found = shutil.which(tool)
    assert found, tool
    # the tool found on PATH, with file paths made by the test
    return subprocess.run([found, *args], capture_output=True, text=True, check=True).stdout  # noqa: S603


def flat(text: str) -> str:
    """Text without any white space (pdftotext breaks lines where the PDF wraps them)."""
    return re.sub(r"[\s\u200b]+", "", text)


def page_count(path: Path) -> int:
    found = re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(path)))
    assert found, path
    return int(found.group(1))


def page_texts(path: Path) -> list[str]:
    """Each page's text in content order (a table cell's lines stay together)."""
    n = page_count(path)
    return [
        flat(poppler("pdftotext", "-raw", "-f", str(p), "-l", str(p), str(path), "-"))
        for p in range(1, n + 1)
    ]


def write(tmp_path: Path, data: bytes, name: str = "sheet.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def filled(org=None, **kw) -> tuple[Checklist, dict[int, list[str]]]:  # noqa: ANN001
    org = org or EnterpriseFactory(organization__name=NAME).organization
    checklist = make_checklist(org)
    return checklist, fill(checklist, **kw)


def split_rows(path: Path, sheet: Sheet, problems: dict[int, list[str]]) -> list[str]:
    """The clauses whose row is not wholly on one page: the clause text cut by a page break,
    or a problem line on another page than its clause."""
    pages = page_texts(path)
    broken = []
    for position, row in enumerate(sheet.rows, start=1):
        clause = flat(row.clause)
        on = [i for i, text in enumerate(pages) if clause in text]
        if len(on) != 1:
            broken.append(row.clause[:12])
            continue
        if any(flat(line) not in pages[on[0]] for line in problems.get(position, [])):
            broken.append(row.clause[:12])
    return broken


def test_the_filled_pdf_is_a_direct_download_with_the_unit_clauses_answers_and_problems(
    pdf_tools, tmp_path
) -> None:  # noqa: ANN001
    checklist, problems = filled(problems_every=4)
    user = make_user(checklist.organization, Role.FILLER)
    from django.test import Client

    client = Client()
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    response = client.get(reverse("checklist_exports:pdf", args=[checklist.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith(".pdf")
    path = write(tmp_path, response.content)
    text = flat(poppler("pdftotext", "-raw", str(path), "-"))
    assert NAME in text
    for row in checklist_sheet(checklist).rows:
        assert flat(row.clause) in text
    for lines in problems.values():
        for n, line in enumerate(lines, start=1):
            assert flat(f"{n}.{line}") in text
    for answer in ("符合", "不符合", "不适用"):
        assert answer in text
    assert "第7条不涉及" in text  # the remarks
    fonts = poppler("pdffonts", str(path))
    assert "Noto" in fonts and " yes " in fonts  # the CJK font is embedded


def test_every_page_is_a4_landscape(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    checklist, _ = filled()
    path = write(tmp_path, render_pdf(checklist_sheet(checklist)))
    n = page_count(path)
    assert n >= 2
    info = poppler("pdfinfo", "-f", "1", "-l", str(n), str(path))
    sizes = re.findall(r"Page\s+\d+ size:\s+(.+)", info)
    assert sizes == [A4_LANDSCAPE] * n


def test_the_drawn_signature_is_in_the_header_of_the_first_page(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    checklist, _ = filled(sign=True)
    path = write(tmp_path, render_pdf(checklist_sheet(checklist)))
    images = [line.split() for line in poppler("pdfimages", "-list", str(path)).splitlines()[2:]]
    assert [(i[0], i[3], i[4]) for i in images] == [("1", "200", "60")]  # page, width, height
    # in place: right after 主要负责人：（签字）, above the table
    words = poppler("pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-")
    label = re.search(r'yMin="([\d.]+)"[^>]*>主要负责人：（签字）', words)
    heading = re.search(r'yMin="([\d.]+)"[^>]*>项目<', words)
    assert label and heading and float(label.group(1)) < float(heading.group(1))


def test_an_unsigned_checklist_has_no_image_and_a_line_to_sign_on(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    checklist, _ = filled(sign=False)
    path = write(tmp_path, render_pdf(checklist_sheet(checklist)))
    assert poppler("pdfimages", "-list", str(path)).splitlines()[2:] == []
    assert "主要负责人：（签字）" in poppler("pdftotext", str(path), "-")


def test_no_table_row_is_split_across_pages(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    for org in (
        EnterpriseFactory(organization__name=NAME).organization,
        OrganizationFactory(kind=OrgKind.DEPARTMENT, name="南安市住房和城乡建设局"),
    ):
        checklist, problems = filled(org, problems_every=2, lines_per_problem=6)
        sheet = checklist_sheet(checklist)
        path = write(tmp_path, render_pdf(sheet))
        assert page_count(path) >= 3
        assert split_rows(path, sheet, problems) == []


def test_the_split_row_check_finds_rows_a_page_break_cuts(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    """The same document with rows allowed to break: the check above sees the cut rows."""
    from weasyprint import HTML

    checklist, problems = filled(problems_every=2, lines_per_problem=6)
    sheet = checklist_sheet(checklist)
    html = render_html(sheet)
    rule = "tr { break-inside: avoid; page-break-inside: avoid; }"
    assert rule in html
    path = write(tmp_path, HTML(string=html.replace(rule, "")).write_pdf())
    assert split_rows(path, sheet, problems) != []


def label_counts(path: Path) -> dict[str, tuple[int, int]]:
    """Per label: (whole on one line of the laid-out text, in the flowing text)."""
    laid_out = poppler("pdftotext", "-layout", str(path), "-").splitlines()
    flowing = poppler("pdftotext", "-raw", str(path), "-").replace("\n", "")
    return {
        label: (sum(line.count(label) for line in laid_out), flowing.count(label))
        for label in LABELS
    }


def test_quoted_labels_are_never_broken_between_lines(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    seen: set[str] = set()
    for org in (
        EnterpriseFactory(organization__name=NAME).organization,
        OrganizationFactory(kind=OrgKind.DEPARTMENT, name="南安市住房和城乡建设局"),
    ):
        checklist, _ = filled(org)
        path = write(tmp_path, render_pdf(checklist_sheet(checklist)))
        for label, (whole, flowing) in label_counts(path).items():
            assert whole == flowing, label
            if flowing:
                seen.add(label)
    assert seen == set(LABELS)  # every label of both forms was looked at


def test_without_the_nowrap_spans_a_label_breaks(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    """The control: the section label “三张清单” in its narrow column breaks without them."""
    from weasyprint import HTML

    checklist, _ = filled()
    html = render_html(checklist_sheet(checklist))
    assert '<span class="q">“三张清单”</span>' in html
    plain = html.replace(".q { white-space: nowrap; }", "").replace("<wbr>", "")
    path = write(tmp_path, HTML(string=plain).write_pdf())
    whole, flowing = label_counts(path)["“三张清单”"]
    assert whole < flowing


def test_short_quotations_are_kept_whole_and_long_ones_may_wrap() -> None:
    parts = quoted_parts("运用“三张清单”，纳入“泉州市安全生产标准化智慧管理平台”")
    assert [(p.text, p.keep) for p in parts] == [
        ("运用", False),
        ("“三张清单”", True),
        ("，纳入“泉州市安全生产标准化智慧管理平台”", False),
    ]


def clause_row_heights(path: Path) -> list[float]:
    """Vertical distance (mm) between the tops of consecutive clauses on each page."""
    heights = []
    for page in re.split(r"<page ", poppler("pdftotext", "-bbox", str(path), "-"))[1:]:
        tops = [
            float(y)
            for x, y, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<', page
            )
            if re.match(r"（\d+）", text) and 240 < float(x) < 520  # the 细则 column
        ]
        heights += [(b - a) / MM for a, b in zip(tops, tops[1:], strict=False)]
    return heights


def test_a_blank_form_has_rows_tall_enough_to_write_in(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    checklist, _ = filled()
    blank = write(tmp_path, render_pdf(blank_sheet(checklist.template_version)), "blank.pdf")
    heights = clause_row_heights(blank)
    assert len(heights) >= 40  # nearly every clause measured (not the first of each page)
    assert min(heights) >= 18
    assert BLANK_ROW_MM >= 18
    # the measure tells short rows: the filled form's one-line rows are lower
    done = write(tmp_path, render_pdf(checklist_sheet(checklist)), "filled.pdf")
    assert min(clause_row_heights(done)) < 18


def test_the_blank_pdf_is_a_direct_download(pdf_tools, tmp_path) -> None:  # noqa: ANN001
    from django.test import Client

    checklist, _ = filled()
    client = Client()
    client.force_login(
        make_user(checklist.organization, Role.VIEWER),
        backend="anbiao.accounts.backends.UsernameOrMobileBackend",
    )
    url = reverse("checklist_exports:blank_pdf", args=[checklist.template_version_id])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = poppler("pdftotext", str(write(tmp_path, response.content)), "-")
    assert "企业名称：" in text and NAME not in text
