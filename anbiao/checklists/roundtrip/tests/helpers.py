"""Builders for the round-trip tests: a unit's draft with tracked problems, and real .xlsx
files downloaded through the view, changed with openpyxl and uploaded back."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anbiao.accounts.models import Role
from anbiao.checklists import services
from anbiao.checklists.models import Answer, AnswerResult, Checklist, ProblemLine
from anbiao.checklists.roundtrip.workbook import (
    COL_KEY,
    COL_PROBLEMS,
    COL_REMARKS,
    COL_RESULT,
    FIRST_DATA_ROW,
)
from anbiao.checklists.tests import helpers
from anbiao.core.models import AuditEntry

FIRST_PROBLEMS = ["消防通道堵塞", "灭火器过期未更换"]


@dataclass
class Unit:
    organization: Any
    filler: Any
    other: Any  # a second writer of the same unit
    checklist: Checklist

    def answer(self, position: int) -> Answer:
        return self.checklist.answers.select_related("clause").get(clause__position=position)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    return client


def unit(name: str = "离线填写测试石材有限公司") -> Unit:
    """An enterprise's 附件2 draft: clause 1 不符合 with two tracked problems, clause 2 符合."""
    from anbiao.orgs.tests.factories import EnterpriseFactory

    helpers.campaign()
    ent = EnterpriseFactory(organization__name=name)
    filler = helpers.person(ent.organization, Role.FILLER, "李填报")
    other = helpers.person(ent.organization, Role.ORG_ADMIN, "王管理")
    checklist = helpers.start(ent.organization, filler)
    u = Unit(ent.organization, filler, other, checklist)
    save(u.filler, u.answer(1), AnswerResult.NONCONFORM, FIRST_PROBLEMS, "现场检查发现")
    save(u.filler, u.answer(2), AnswerResult.CONFORM)
    return u


def save(
    by: Any, answer: Answer, result: str, problems: list[str] | None = None, remarks: str = ""
) -> None:
    """Save one clause through the web form's service (keeping existing problems by id)."""
    from anbiao.rectification.models import Problem

    answer.refresh_from_db()
    ids = {
        p.problem_line.text: str(p.pk)
        for p in Problem.objects.active().filter(answer=answer).select_related("problem_line")
        if p.problem_line is not None
    }
    lines = [services.LineInput(t, ids.get(t, "")) for t in problems or []]
    services.answer_save(
        by=by,
        answer=answer,
        expected_version=answer.version,
        data=services.AnswerInput(result, remarks, lines),
    )


def download(client: Client, checklist: Checklist) -> Workbook:
    response = client.get(reverse("checklists:offline:download", args=[checklist.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def row_of(wb: Workbook, clause_id: int) -> int:
    ws = wb.worksheets[0]
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=COL_KEY).value == clause_id:
            return r
    raise AssertionError(f"clause {clause_id} not in the file")


def fill_row(
    wb: Workbook,
    clause_id: int,
    result: str | None = None,
    problems: str | None = None,
    remarks: str | None = None,
) -> int:
    ws = wb.worksheets[0]
    r = row_of(wb, clause_id)
    if result is not None:
        ws.cell(row=r, column=COL_RESULT, value=result or None)
    if problems is not None:
        ws.cell(row=r, column=COL_PROBLEMS, value=problems or None)
    if remarks is not None:
        ws.cell(row=r, column=COL_REMARKS, value=remarks or None)
    return r


def as_upload(wb: Workbook, name: str = "附件2离线填写.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def upload(client: Client, checklist: Checklist, file: SimpleUploadedFile) -> Any:
    return client.post(reverse("checklists:offline:upload", args=[checklist.pk]), {"file": file})


def preview(client: Client, checklist: Checklist) -> Any:
    return client.get(reverse("checklists:offline:preview", args=[checklist.pk]))


def digest_of(html: str) -> str:
    found = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert found, "no confirm form on the preview"
    return found.group(1)


def confirm(client: Client, checklist: Checklist, digest: str) -> Any:
    return client.post(
        reverse("checklists:offline:confirm", args=[checklist.pk]), {"digest": digest}
    )


def snapshot(checklist: Checklist) -> dict[str, Any]:
    """Everything a round trip could write, to assert that nothing was."""
    from anbiao.rectification.models import Problem

    return {
        "answers": sorted(
            Answer.objects.filter(checklist=checklist).values_list(
                "pk", "result", "remarks", "version"
            )
        ),
        "lines": sorted(
            ProblemLine.objects.filter(answer__checklist=checklist).values_list(
                "pk", "position", "text"
            )
        ),
        "problems": sorted(
            Problem.objects.filter(checklist=checklist).values_list("pk", "status", "description")
        ),
        "audit": AuditEntry.objects.exclude(action="anbiao.checklist.exported").count(),
    }


def as_excel_saved(data: bytes) -> bytes:
    """The workbook as Excel and WPS save it: every text in the shared-strings part (openpyxl
    writes inline strings), referenced by index from the cells."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        from html import unescape  # openpyxl writes character references (&#38468;)

        text = unescape(match.group(3).decode())
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index[text])

    cell = re.compile(
        rb'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', re.S
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = cell.sub(shared, body)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId99"/>'
                    b"</Relationships>",
                )
            elif info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(info, body)
        items = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        dst.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
        )
    return out.getvalue()
