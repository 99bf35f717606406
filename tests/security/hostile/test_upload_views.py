"""The hostile corpus through a real upload view: checklist evidence (checklists app).

The same expectations as ``test_uploads.py``, seen from the browser's side: a refused file
leaves nothing behind and the error (which repeats the file name) is escaped; an accepted
file is downloaded as an attachment with ``nosniff`` and without active content. Names go
through Django's multipart parser here, so only names a browser can send are used.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anbiao.core.models import StoredFile
from tests.security.conftest import login
from tests.security.hostile.corpus import ACTIVE_MARKERS, REFUSE, Sample, samples

HTMX = {"HTTP_HX_REQUEST": "true"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Size limits are per test settings and images-only is not this view's mode: both are covered
# by test_uploads.py.
VIEW_SAMPLES = [
    s for s in samples() if s.limit is None and not s.lie_about_size and not s.images_only
]


def _param(sample: Sample):  # noqa: ANN202
    # name gaps do not apply here: a browser cannot send those names (see _browser_name)
    gap = sample.gap if "name" not in sample.tags else ""
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(sample, id=sample.id, marks=marks)


@pytest.fixture
def evidence_target(db):  # noqa: ANN001, ANN201
    """An enterprise filler's draft checklist and the upload URL of its first clause."""
    from anbiao.accounts.models import Role
    from anbiao.checklists.tests import helpers
    from anbiao.orgs.tests.factories import EnterpriseFactory, make_user

    ent = EnterpriseFactory(organization__name="上传测试石材有限公司")
    filler = make_user(ent.organization, Role.FILLER, username="evidence_filler")
    checklist = helpers.start(ent.organization, filler)
    answer = checklist.answers.order_by("clause__position").first()
    url = reverse("checklists:evidence_upload", args=[checklist.pk, answer.clause_id])
    return {"client": login(filler), "url": url, "checklist": checklist, "answer": answer}


def _browser_name(name: str) -> str:
    """What a browser can send as a file name: no path, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base if base.strip(". ") else "upload.png"


@pytest.mark.django_db
@pytest.mark.parametrize("sample", [_param(s) for s in VIEW_SAMPLES])
def test_a_hostile_upload_through_the_evidence_view(sample: Sample, evidence_target) -> None:  # noqa: ANN001
    from anbiao.checklists.models import AnswerEvidence

    client = evidence_target["client"]
    name = _browser_name(sample.name)
    upload = SimpleUploadedFile(name, sample.make(), content_type="application/octet-stream")
    response = client.post(evidence_target["url"], {"file": upload}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<img src=x onerror" not in html and "<script>alert" not in html

    if sample.expect == REFUSE:
        error = re.search(r'<p class="field-error" role="alert">(.*?)</p>', html, re.S)
        assert error and CHINESE.search(error.group(1)), html[:500]
        assert AnswerEvidence.objects.count() == 0
        assert StoredFile.objects.count() == 0
        return

    evidence = AnswerEvidence.objects.get()
    download = client.get(
        reverse(
            "checklists:evidence_download",
            args=[evidence_target["checklist"].pk, evidence.pk],
        )
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert not download["Content-Type"].startswith(("text/", "image/svg"))
    body = b"".join(download.streaming_content).lower()
    if sample.expect != "serve_safely":
        assert [m for m in ACTIVE_MARKERS if m in body] == []


@pytest.mark.django_db
def test_a_refused_file_name_is_shown_escaped(evidence_target) -> None:  # noqa: ANN001
    from tests.security.hostile.corpus import SCRIPT_PAYLOADS

    upload = SimpleUploadedFile(
        "<img src=x onerror=alert(1)>.png", SCRIPT_PAYLOADS["html"], content_type="image/png"
    )
    html = (
        evidence_target["client"]
        .post(evidence_target["url"], {"file": upload}, **HTMX)
        .content.decode()
    )
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.png" in html
