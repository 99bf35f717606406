"""附件1/附件2 exports against reviewed golden files (tests/golden/*.txt): a layout change — a
moved cell, a lost merge, another width — shows as a diff. Fixed names, dates and answers, so
the files are the same on SQLite and PostgreSQL; ``UPDATE_GOLDEN=1`` rewrites them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anbiao.accounts.models import Role, User
from anbiao.checklists.exports.docx import render_docx
from anbiao.checklists.exports.exporters import blank_sheet, checklist_sheet
from anbiao.checklists.exports.tests.helpers import fill, make_checklist, png_bytes
from anbiao.checklists.exports.xlsx import render_xlsx
from anbiao.checklists.models import Checklist, ChecklistStatus, Signature, SignatureMethod
from anbiao.checklists.tests.helpers import loaded_version
from anbiao.core.tests.golden import assert_golden, dump_docx, dump_xlsx
from anbiao.core.uploads import store_upload
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
SIGNED_AT = dt.datetime(2026, 11, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
RENDER = {"xlsx": (render_xlsx, dump_xlsx), "docx": (render_docx, dump_docx)}


def signed(checklist: Checklist, user: User, *, method: str) -> Checklist:
    """Signed on a fixed day: drawn on screen (an image in the header) or a paper scan."""
    image = png_bytes(200, "navy")
    stored = store_upload(
        SimpleUploadedFile("签字.png", image, content_type="image/png"),
        by=user,
        organization=checklist.organization,
        purpose="signature",
        images_only=True,
    )
    Signature.objects.create(
        checklist=checklist,
        method=method,
        stored_file=stored,
        signed_by=user,
        signer_name="陈主任",
        signed_at=SIGNED_AT,
    )
    checklist.status = ChecklistStatus.SUBMITTED
    checklist.submitted_at = SIGNED_AT
    checklist.save()
    return checklist


def enterprise_checklist() -> Checklist:
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
    town = OrganizationFactory.create(kind=OrgKind.TOWN, name="溪美街道")
    ent = EnterpriseFactory.create(
        organization__name="南安市示例石材有限公司", department=dept, town=town
    )
    user = make_user(ent.organization, Role.PRINCIPAL)
    checklist = make_checklist(ent.organization)
    fill(checklist, problems_every=5, lines_per_problem=2, evidence_every=4, sign=False, user=user)
    return signed(checklist, user, method=SignatureMethod.DRAWN)


def government_checklist() -> Checklist:
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市住房和城乡建设局")
    user = make_user(dept, Role.FILLER)
    checklist = make_checklist(dept)
    fill(checklist, problems_every=3, lines_per_problem=1, sign=False, user=user)
    return signed(checklist, user, method=SignatureMethod.SCAN)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize(("name", "code"), [("附件1", "fujian1_2024"), ("附件2", "fujian2_2024")])
def test_the_blank_form_matches_its_golden_file(name: str, code: str, fmt: str) -> None:
    from anbiao.checklists import builtin

    builtin.load()
    render, dump = RENDER[fmt]
    sheet = blank_sheet(loaded_version(code))
    assert_golden(GOLDEN / f"{name}_空白表.{fmt}.txt", dump(render(sheet)))


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
@pytest.mark.parametrize(
    ("name", "build"), [("附件1_已填", government_checklist), ("附件2_已填", enterprise_checklist)]
)
def test_the_filled_checklist_matches_its_golden_file(name: str, build: object, fmt: str) -> None:
    render, dump = RENDER[fmt]
    checklist = build()  # type: ignore[operator]
    assert_golden(GOLDEN / f"{name}.{fmt}.txt", dump(render(checklist_sheet(checklist))))


def test_a_layout_change_shows_as_a_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    from anbiao.checklists import builtin
    from anbiao.checklists.exports import xlsx

    builtin.load()
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)  # compare, never rewrite, here
    monkeypatch.setattr(xlsx, "WIDTHS", (9, 28, 50, 36, 18))  # the 细则 column 2 narrower
    sheet = blank_sheet(loaded_version("fujian2_2024"))
    with pytest.raises(AssertionError) as exc:
        assert_golden(GOLDEN / "附件2_空白表.xlsx.txt", dump_xlsx(render_xlsx(sheet)))
    assert "-列宽: A=9, B=28, C=52, D=36, E=18" in str(exc.value)
    assert "+列宽: A=9, B=28, C=50, D=36, E=18" in str(exc.value)
