"""Every URL that hands out a file writes an audit entry (17.7a).

The URLs come from the access matrices (every URL pattern has cases there): each GET case is
requested once by the first persona allowed to use it; whatever answers with a file (a
``FileResponse`` or a ``Content-Disposition`` header) must have added an audit entry naming
who downloaded what, with their IP and browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import FileResponse
from django.test import Client

from anbiao.core.models import AuditEntry
from anbiao.core.tests.matrix import Case
from anbiao.core.tests.test_url_matrix import all_cases
from anbiao.core.tests.world import PERSONAS, build_world

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) anbiao-download-test"


def _first_allowed(case: Case) -> str | None:
    return next(
        (p for p in PERSONAS if p not in ("anon", "disabled") and case.expect(p) == 200), None
    )


def _one_case_per_url() -> list[tuple[Case, str]]:
    chosen: dict[str, tuple[Case, str]] = {}
    for case in all_cases():
        if case.method != "get" or case.url_name in chosen:
            continue
        persona = _first_allowed(case)
        if persona is not None:
            chosen[case.url_name] = (case, persona)
    return list(chosen.values())


CASES = _one_case_per_url()
# Stored files people upload (evidence, records, notices, commitments, signatures, stamps,
# reporting files): the ones the issue names. The test fails if one of them stops being found.
STORED_FILE_URLS = {
    "checklists:evidence_download",
    "checklists:submission_file",
    "checklists:signature_image",
    "checklist_exports:signature",
    "records:file",
    "notices:document",
    "notices:delivery_file",
    "rectification:evidence_download",
    "rectification:contingency_download",
    "reports:edited_docx",
    "reports:signature",
    "inspections:photo_file",
    "stats:submission_stamp",
    "reporting:issued_file",
    "reporting:my_file",
    "reporting:period_zip",
    "worklog:record_file",
    "worklog:star_file",
}


def _is_file(response) -> bool:  # noqa: ANN001
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona"), CASES, ids=[f"{c.url_name}[{p}]" for c, p in CASES])
def test_a_file_download_writes_an_audit_entry(case: Case, persona: str) -> None:
    world = build_world()
    url = case.url(world)
    client = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.9.8.7")
    user = world.users[persona]
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    session = client.session
    session["anbiao_2fa_ok"] = True
    session.save()
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if not _is_file(response):
        assert case.url_name not in STORED_FILE_URLS, f"{case.url_name} served no file"
        return
    if isinstance(response, FileResponse):
        # reading it to the end closes it (the test client's wrapper, like a WSGI server)
        b"".join(response.streaming_content)  # type: ignore[arg-type]
    new = list(AuditEntry.objects.filter(id__gt=before).exclude(action="anbiao.access.denied"))
    assert new, f"{case.url_name} ({url}) served a file without an audit entry"
    entry = new[-1]
    assert entry.username == user.username
    assert (entry.ip, entry.user_agent) == ("10.9.8.7", BROWSER)
    assert entry.action.endswith(("downloaded", "exported")), entry.action


def test_the_stored_file_urls_are_all_in_the_matrix() -> None:
    names = {case.url_name for case, _ in CASES}
    assert STORED_FILE_URLS - names == set()


def test_no_view_serves_a_stored_file_around_the_helper() -> None:
    root = Path(__file__).resolve().parents[2]
    allowed = {root / "core" / "uploads.py", root / "core" / "downloads.py"}
    offenders = [
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path not in allowed
        and (
            "stored_file_response(" in (text := path.read_text(encoding="utf-8"))
            or "FileResponse(" in text
        )
    ]
    assert offenders == [], f"serve files through anbiao.core.downloads: {offenders}"
