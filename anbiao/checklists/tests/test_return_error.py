"""A refused 退回 (no reason) tells the reviewer at the top of the 51-clause page, not at the bottom."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists import services
from anbiao.checklists.tests import helpers
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_return_without_a_reason_shows_its_error_above_the_clauses():
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="南安市测试应急管理局")
    ent = EnterpriseFactory.create(department=dept, organization__name="测试石材有限公司")
    principal = helpers.person(ent.organization, Role.PRINCIPAL, "林志明")
    reviewer = helpers.person(dept, Role.FILLER, "许丽萍")
    checklist = helpers.start(ent.organization, principal)
    helpers.fill_all(checklist)
    signature = "data:image/png;base64," + base64.b64encode(helpers.png_bytes("black")).decode()
    services.checklist_submit(by=principal, checklist=checklist, signature_data_url=signature)
    client = Client()
    client.force_login(reviewer, backend="anbiao.accounts.backends.UsernameOrMobileBackend")

    r = client.post(reverse("checklists:return", args=[checklist.pk]), {"reason": "  "})

    assert r.status_code == 400
    html = r.content.decode()
    top = html.find('id="return-error"')
    assert top != -1, "no error at the top of the page"
    assert "退回未成功：请填写退回原因。" in html[top : top + 300]
    first_clause = html.find('class="cl-section"')
    assert first_clause != -1 and top < first_clause  # above all 51 clauses
    assert top < html.find('id="review"')
    # The form below still marks the field, with a link from the top to it.
    assert 'href="#id_reason"' in html and "退回原因：请填写退回原因。" in html
