"""The one optimistic-versioning helper: claim, the conflict message, the hidden version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.http import QueryDict

from anbiao.core.versioning import (
    VERSION_ERROR,
    EditConflict,
    VersionedForm,
    claim,
    conflict,
    keep_for_retry,
)
from anbiao.orgs.tests.factories import EnterpriseFactory
from anbiao.records.models import Record

pytestmark = pytest.mark.django_db


def a_record() -> Record:
    org = EnterpriseFactory.create().organization
    return Record.objects.create(
        kind="mechanism", organization=org, title="周例会制度", summary="每周一", date="2024-05-10"
    )


def test_a_claim_bumps_the_version_only_when_it_is_still_the_expected_one():
    r = a_record()
    assert claim(Record, pk=r.pk, expected=0)
    assert not claim(Record, pk=r.pk, expected=0)  # the second of two pages with version 0
    assert Record.objects.get(pk=r.pk).version == 1
    assert claim(Record, pk=r.pk, expected=None)  # system callers claim unconditionally
    assert Record.objects.get(pk=r.pk).version == 2


def test_the_conflict_names_who_when_and_what_from_the_audit_trail():
    from anbiao.accounts.models import Role
    from anbiao.core.audit import log_action
    from anbiao.orgs.tests.factories import make_user

    r = a_record()
    user = make_user(r.organization, Role.FILLER)
    user.full_name = "张安全"
    user.save(update_fields=["full_name"])
    claim(Record, pk=r.pk, expected=0)
    log_action(r, "anbiao.record.updated", user=user, data={"edit": 1, "changed": ["summary"]})
    exc = conflict(r, what="该记录", labels={"summary": "内容摘要"})
    assert exc.version == 1
    assert f"张安全（{r.organization.name}）于 " in exc.message
    assert "修改了该记录（内容摘要）" in exc.message
    assert "您填写的内容仍在下方，尚未保存" in exc.message and "重新载入本页" in exc.message


def test_without_an_audit_entry_the_conflict_still_reads_in_chinese():
    exc = EditConflict(what="五定", version=3, when=datetime(2026, 1, 2, 2, 5, tzinfo=UTC))
    assert exc.message.startswith(
        "保存失败：在您打开本页之后，其他用户于 2026-01-02 10:05 修改了五定。"
    )


class Sample(VersionedForm):
    pass


@pytest.mark.parametrize("value", [None, "", "abc", "-1", "1.5", "99999999999"])
def test_a_missing_or_garbled_version_is_one_form_error_at_the_top(value):  # noqa: ANN001
    data = {} if value is None else {"version": value}
    form = Sample(data)
    assert not form.is_valid()
    assert form.non_field_errors() == [VERSION_ERROR]
    assert "version" not in form.errors


def test_the_kept_form_carries_the_current_version_and_the_posted_text():
    form = Sample(QueryDict("version=1&text=mine"))
    assert form.is_valid()
    keep_for_retry(form, EditConflict(what="x", version=4))
    assert form["version"].value() == "4" and form.data["text"] == "mine"
