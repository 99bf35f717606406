"""The demo: finalized reports for the accepted look-backs, one revised; idempotent."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from anbiao.accounts.models import User
from anbiao.checklists.models import Checklist
from anbiao.reports.demo import seed
from anbiao.reports.models import Report, ReportStatus, ReportVersion
from anbiao.reports.selectors import finalized_reports

pytestmark = pytest.mark.django_db


def test_the_demo_finalizes_the_accepted_look_backs_and_is_idempotent():
    call_command("seed_demo", "--quiet-logins")
    accepted = Checklist.objects.filter(purpose="lookback", status="accepted").count()
    assert accepted > 0
    assert finalized_reports().count() == Report.objects.count() == accepted
    assert ReportVersion.objects.filter(status=ReportStatus.SUPERSEDED).count() == 1
    revised = Report.objects.get(counted_version__number=2)
    assert revised.first_finalized_at < revised.finalized_at
    versions = ReportVersion.objects.count()
    assert seed() == 0
    assert ReportVersion.objects.count() == versions
    # a demo report downloads, with its signature image, for a city office user
    city = User.objects.filter(organization__kind="city", memberships__role="viewer").first() or (
        User.objects.filter(organization__kind="city").first()
    )
    client = Client()
    client.force_login(city)
    response = client.get(reverse("reports:docx", args=[revised.pk, 2]))
    assert response.status_code == 200
    assert len(Document(io.BytesIO(response.content)).inline_shapes) == 1
