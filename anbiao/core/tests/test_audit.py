"""The audit trail: append-only in the database, hash-chained, verified, read by the auditor only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from anbiao.accounts.models import Role
from anbiao.accounts.tests.helpers import login_fully
from anbiao.core.audit import check_chain, log_action
from anbiao.core.models import AuditEntry
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import EnterpriseFactory, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def _entries(n: int = 3) -> list[AuditEntry]:
    ent = EnterpriseFactory.create()
    return [log_action(ent, f"anbiao.test.step{i}", data={"i": i}) for i in range(n)]


def _disable_audit_triggers() -> None:
    """Only a test (or an attacker with database rights) can do this; the app never does."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_change")


def test_the_database_refuses_to_update_an_audit_row() -> None:
    entry = _entries(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = %s WHERE id = %s", ["anbiao.forged", entry.pk]
        )
    assert AuditEntry.objects.get(pk=entry.pk).action == "anbiao.test.step0"


def test_the_database_refuses_to_delete_an_audit_row() -> None:
    entry = _entries(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_delete_audit_rows_either() -> None:
    _entries(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 2


def test_an_untouched_chain_verifies_and_the_command_says_ok() -> None:
    entries = _entries(5)
    report = check_chain()
    assert (report.checked, report.broken, report.problem) == (5, None, "")
    assert entries[1].prev_hash == entries[0].hash
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "OK" in out.getvalue() and "5 条" in out.getvalue()


def test_a_tampered_row_is_reported_as_the_first_broken_link() -> None:
    entries = _entries(5)
    target = entries[2]
    _disable_audit_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', target.pk]
        )
    report = check_chain()
    assert report.broken is not None and report.broken.pk == target.pk
    assert report.checked == 2
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=err)
    assert exc.value.code == 1
    assert f"编号 {target.pk}" in err.getvalue() and "BROKEN" in err.getvalue()


def test_a_deleted_row_breaks_the_chain_at_the_next_one() -> None:
    entries = _entries(4)
    _disable_audit_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    broken = check_chain().broken
    assert broken is not None and broken.pk == entries[2].pk


# --- the auditor's view ------------------------------------------------------------------------


@pytest.fixture
def people():
    city = OrganizationFactory.create(kind=OrgKind.CITY, name="市安委办")
    dept = OrganizationFactory.create(kind=OrgKind.DEPARTMENT, name="应急管理局")
    return {
        "auditor": make_user(city, Role.AUDITOR, username="auditor1"),
        "secadmin": make_user(city, Role.SECADMIN, username="sec1"),
        "sysadmin": make_user(city, Role.SYSADMIN, username="sys1"),
        "city_admin": make_user(city, Role.ORG_ADMIN, username="cityadm"),
        "dept_auditor": make_user(dept, Role.AUDITOR, username="deptaud"),
        "filler": make_user(dept, Role.FILLER, username="filler1"),
        "dept": dept,
    }


def _client(client, user):
    login_fully(client, user)
    return client


def test_only_the_city_auditor_reads_the_audit_log(client, people) -> None:
    for key in ("secadmin", "sysadmin", "city_admin", "dept_auditor", "filler"):
        login_fully(client, people[key])
        assert client.get(reverse("core:audit_list")).status_code == 404, key
        assert client.get(reverse("core:audit_export")).status_code == 404, key
    login_fully(client, people["auditor"])
    assert client.get(reverse("core:audit_list")).status_code == 200


def test_the_auditor_filters_by_user_organization_action_object_and_time(client, people) -> None:
    ent = EnterpriseFactory.create(organization__name="鑫达石材有限公司")
    log_action(ent, "anbiao.enterprise.updated", user=people["filler"], data={"x": 1})
    log_action(None, "anbiao.auth.login_failed", data={"username": "nobody"})
    c = _client(client, people["auditor"])

    def shown(**params):
        page = c.get(reverse("core:audit_list"), params).context["page"]
        return {e.action for e in page}

    assert shown(user="filler1") == {"anbiao.enterprise.updated"}
    assert shown(organization="应急管理") == {"anbiao.enterprise.updated"}
    assert shown(action="anbiao.auth.") >= {"anbiao.auth.login_failed"}
    assert "anbiao.enterprise.updated" not in shown(action="anbiao.auth.")
    assert shown(object="鑫达") == {"anbiao.enterprise.updated"}
    assert shown(object=str(ent.pk)) == {"anbiao.enterprise.updated"}
    assert shown(date_from="2000-01-01", date_to="2000-01-02") == set()
    assert "anbiao.enterprise.updated" in shown(date_from="2000-01-01")


def test_a_bad_date_is_named_in_chinese(client, people) -> None:
    c = _client(client, people["auditor"])
    body = c.get(reverse("core:audit_list"), {"date_from": "2026-13-40"}).content.decode()
    assert "起始日期：请输入正确的日期" in body
    body = c.get(
        reverse("core:audit_list"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    ).content.decode()
    assert "截止日期不能早于起始日期" in body


def test_the_list_pages_by_fifty(client, people) -> None:
    for i in range(60):
        log_action(None, "anbiao.test.bulk", data={"i": i})
    c = _client(client, people["auditor"])
    first = c.get(reverse("core:audit_list"), {"action": "anbiao.test.bulk"}).context["page"]
    second = c.get(reverse("core:audit_list"), {"action": "anbiao.test.bulk", "page": 2}).context[
        "page"
    ]
    assert len(first) == 50 and len(second) == 10
    assert first.paginator.count == 60


def test_the_detail_shows_what_changed(client, people) -> None:
    ent = EnterpriseFactory.create()
    entry = log_action(
        ent,
        "anbiao.enterprise.updated",
        user=people["filler"],
        data={"changed": {"principal": ["张三", "李四"]}},
    )
    c = _client(client, people["auditor"])
    body = c.get(reverse("core:audit_detail", args=[entry.pk])).content.decode()
    assert "李四" in body and "principal" in body and entry.hash in body


def test_the_export_is_a_formula_safe_workbook_and_is_itself_audited(client, people) -> None:
    log_action(None, "anbiao.test.hostile", data={"note": '=HYPERLINK("http://x")'})
    entry = AuditEntry.objects.get(action="anbiao.test.hostile")
    c = _client(client, people["auditor"])
    before = AuditEntry.objects.filter(action="anbiao.audit.exported").count()
    response = c.get(reverse("core:audit_export"), {"action": "anbiao.test."})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("编号", "时间", "用户名", "单位", "IP", "操作")
    assert len(rows) == 2 and rows[1][0] == entry.pk and rows[1][5] == "anbiao.test.hostile"
    # JSON text starts with "{", so put a hostile value where a cell starts with it.
    log_action(None, "=cmd|' /C calc'!A0")
    response = c.get(reverse("core:audit_export"), {"action": "=cmd"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["F2"].value == "'=cmd|' /C calc'!A0"
    exported = AuditEntry.objects.filter(action="anbiao.audit.exported").order_by("id")
    assert exported.count() == before + 2
    last = exported.last()
    assert last is not None
    assert last.username == "auditor1" and last.ip == "127.0.0.1"
    assert last.data == {"filters": {"action": "=cmd"}, "rows": 1}
