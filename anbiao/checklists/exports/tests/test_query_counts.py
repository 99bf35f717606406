"""The export views cost a fixed number of SQL queries, whatever the content of the checklist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists.exports.tests.helpers import campaign, fill, make_checklist
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

VIEWS = ("xlsx", "docx", "print")


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def city_client() -> Client:
    client = Client()
    client.force_login(make_user(OrganizationFactory.create(kind=OrgKind.CITY), Role.VIEWER))
    return client


def test_export_queries_do_not_grow_with_problems_or_evidence_files(city_client):
    light = make_checklist(EnterpriseFactory.create().organization)
    fill(light, problems_every=0, evidence_every=0)
    heavy = make_checklist(EnterpriseFactory.create().organization)
    fill(heavy, problems_every=2, lines_per_problem=4, evidence_every=1)
    for name in VIEWS:
        a = count(city_client, reverse(f"checklist_exports:{name}", args=[light.pk]))
        b = count(city_client, reverse(f"checklist_exports:{name}", args=[heavy.pk]))
        assert a == b, f"{name}: {a} queries with no problems, {b} with many"


def test_export_queries_do_not_grow_with_the_number_of_clauses(city_client):
    small = make_checklist(OrganizationFactory.create(kind=OrgKind.DEPARTMENT))  # 附件1: 22 clauses
    fill(small, problems_every=3)
    large = make_checklist(EnterpriseFactory.create().organization)  # 附件2: 51 clauses
    fill(large, problems_every=3)
    assert small.answers.count() == 22 and large.answers.count() == 51
    for name in VIEWS:
        a = count(city_client, reverse(f"checklist_exports:{name}", args=[small.pk]))
        b = count(city_client, reverse(f"checklist_exports:{name}", args=[large.pk]))
        assert a == b, f"{name}: {a} queries for 22 clauses, {b} for 51"
    c = campaign()
    for name in ("blank_xlsx", "blank_docx", "blank_print"):
        a = count(
            city_client,
            reverse(f"checklist_exports:{name}", args=[c.government_template_version_id]),
        )
        b = count(
            city_client,
            reverse(f"checklist_exports:{name}", args=[c.enterprise_template_version_id]),
        )
        assert a == b, f"{name}: {a} vs {b}"
