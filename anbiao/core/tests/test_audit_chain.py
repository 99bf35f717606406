"""Attacks on the audit trail by someone with write access to the database, and the defences:
rows that cannot be replaced, a chain keyed by a secret kept outside the database, a checked
head, and signed checkpoints kept outside the database."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from anbiao.core.audit import _canonical, check_chain, log_action
from anbiao.core.models import AuditEntry, AuditHead
from anbiao.orgs.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

KEYS = {"k1": "a" * 40}
ROTATED = {"k1": "a" * 40, "k2": "b" * 40}


def _entries(n: int = 4) -> list[AuditEntry]:
    ent = EnterpriseFactory.create()
    return [log_action(ent, f"anbiao.test.step{i}", data={"i": i}) for i in range(n)]


def _disable_audit_triggers() -> None:
    """What an attacker with database rights does first (the app never does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'core_auditentry'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")


def _verify(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit_chain", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _rewrite_head(last_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_audithead SET last_hash = %s WHERE id = 1", [last_hash])


# --- 17.7b: rows cannot be replaced -------------------------------------------------------------


def _columns(entry: AuditEntry, **override: Any) -> tuple[list[str], list[Any]]:
    row: dict[str, Any] = {
        "id": entry.pk,
        "created_at": entry.created_at,
        "username": "forger",
        "action": "anbiao.forged",
        "object_type": "",
        "object_id": "",
        "object_repr": "",
        "data": "{}",
        "prev_hash": entry.prev_hash,
        "hash": "f" * 64,
    }
    row.update(override)
    row.setdefault("user_agent", "")
    row.setdefault("key_id", "")
    return list(row), list(row.values())


def _insert(verb: str, names: list[str]) -> str:
    """The statement an attacker types (column names are ours, values are parameters)."""
    columns, marks = ", ".join(names), ", ".join(["%s"] * len(names))
    return f"{verb} INTO core_auditentry ({columns}) VALUES ({marks})"  # noqa: S608


@pytest.mark.skipif("connection.vendor != 'sqlite'")
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_sqlite_refuses_to_replace_an_audit_row_by_its_id(verb: str) -> None:
    entry = _entries(2)[0]
    names, values = _columns(entry)
    sql = _insert(verb, names)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)
    assert AuditEntry.objects.get(pk=entry.pk).action == "anbiao.test.step0"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_refuses_to_replace_an_audit_row_through_its_unique_hash() -> None:
    entry = _entries(2)[0]
    names, values = _columns(entry, id=10_000, hash=entry.hash)
    sql = _insert("INSERT OR REPLACE", names)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)
    assert AuditEntry.objects.get(pk=entry.pk).action == "anbiao.test.step0"


@pytest.mark.parametrize("target", ["id", "hash"])
def test_an_upsert_cannot_rewrite_an_audit_row(target: str) -> None:
    """``INSERT … ON CONFLICT DO UPDATE`` (SQLite and PostgreSQL) is an update: refused."""
    entry = _entries(2)[0]
    names, values = _columns(entry, **({"hash": entry.hash} if target == "hash" else {}))
    sql = _insert("INSERT", names) + (
        f" ON CONFLICT ({target}) DO UPDATE SET "
        "action = excluded.action, username = excluded.username"
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)
    assert AuditEntry.objects.get(pk=entry.pk).action == "anbiao.test.step0"


def test_appending_still_works_with_the_replace_guard() -> None:
    entries = _entries(3)
    assert [e.pk for e in entries] == sorted(e.pk for e in entries)
    assert check_chain().ok


# --- 17.7c: the head, the key, the checkpoint ---------------------------------------------------


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_deleting_the_newest_entries_is_reported_by_the_head() -> None:
    _entries(5)
    assert _verify()[0] == 0
    _disable_audit_triggers()
    last_two = list(AuditEntry.objects.order_by("-id").values_list("pk", flat=True)[:2])
    AuditEntry.objects.filter(pk__in=last_two).delete()
    code, text = _verify()
    assert code == 1, text
    assert "链头" in text and "末尾" in text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_emptying_the_whole_trail_is_reported() -> None:
    _entries(3)
    _disable_audit_triggers()
    AuditEntry.objects.all().delete()
    code, text = _verify()
    assert code == 1 and "全部被删除" in text, text


def _recompute_every_hash(*, key_id: str | None = None) -> None:
    """Change one entry and recompute the whole chain and the head, as the old code hashed."""
    prev = "0" * 64
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.order_by("id"):
            if entry.action == "anbiao.test.step1":
                entry.data = {"i": 99}
            if key_id is not None:
                entry.key_id = key_id
            entry.prev_hash = prev
            entry.hash = hashlib.sha256(_canonical(entry).encode()).hexdigest()
            cursor.execute(
                "UPDATE core_auditentry SET data = %s, prev_hash = %s, hash = %s, key_id = %s "
                "WHERE id = %s",
                [json.dumps(entry.data), entry.prev_hash, entry.hash, entry.key_id, entry.pk],
            )
            prev = entry.hash
    _rewrite_head(prev)


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
@pytest.mark.parametrize("as_unkeyed", [False, True], ids=["keeping-key-ids", "as-unkeyed"])
def test_recomputing_every_hash_without_the_key_is_detected(as_unkeyed: bool) -> None:
    entries = _entries(4)
    _disable_audit_triggers()
    _recompute_every_hash(key_id="" if as_unkeyed else None)
    code, text = _verify()
    assert code == 1, text
    assert f"编号 {entries[0].pk}" in text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_recomputing_with_a_guessed_key_is_detected() -> None:
    _entries(3)
    with override_settings(AUDIT_HMAC_KEYS={"k1": "guess" * 8}):
        forged = list(AuditEntry.objects.order_by("id"))
        from anbiao.core.audit import entry_hash

        hashes = [entry_hash(e) for e in forged]
    assert hashes[0] != forged[0].hash  # the key is part of every hash
    assert check_chain().ok


def test_each_entry_records_the_key_that_signed_it_and_rotation_keeps_old_ones_valid() -> None:
    with override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1"):
        old = _entries(2)
    with override_settings(AUDIT_HMAC_KEYS=ROTATED, AUDIT_HMAC_KEY_ID="k2"):
        new = log_action(None, "anbiao.test.after_rotation")
        rotation = AuditEntry.objects.get(action="anbiao.audit.key_rotated")
        assert rotation.data == {"from": "k1", "to": "k2"}
        assert rotation.pk < new.pk
        assert {e.key_id for e in old} == {"k1"} and new.key_id == "k2"
        report = check_chain()
        assert report.ok, report.problem
        assert _verify()[0] == 0
    # the retired key removed from the configuration: its entries can no longer be checked
    with override_settings(AUDIT_HMAC_KEYS={"k2": "b" * 40}, AUDIT_HMAC_KEY_ID="k2"):
        code, text = _verify()
        assert code == 1 and "k1" in text and "AUDIT_HMAC_KEYS" in text, text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1", AUDIT_UNKEYED_UNTIL=0)
def test_an_entry_without_a_key_is_refused_unless_it_predates_the_key() -> None:
    entries = _entries(3)
    _disable_audit_triggers()
    target = entries[0]
    target.key_id = ""
    target.hash = hashlib.sha256(_canonical(target).encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET key_id = '', hash = %s WHERE id = %s",
            [target.hash, target.pk],
        )
    code, text = _verify()
    assert code == 1 and "AUDIT_UNKEYED_UNTIL" in text, text


def _checkpoint(tmp_path: Path) -> Path:
    out = io.StringIO()
    call_command("audit_checkpoint", "--output", str(tmp_path), stdout=out)
    files = sorted(tmp_path.glob("audit-checkpoint-*.json"))
    assert len(files) == 1, out.getvalue()
    return files[0]


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_a_checkpoint_is_signed_and_verifies(tmp_path: Path) -> None:
    entries = _entries(4)
    path = _checkpoint(tmp_path)
    doc = json.loads(path.read_text())
    assert doc["last_id"] == entries[-1].pk and doc["last_hash"] == entries[-1].hash
    assert doc["count"] == 4 and doc["key_id"] == "k1" and len(doc["hmac"]) == 64
    assert doc["date"] == path.stem.removeprefix("audit-checkpoint-")
    log_action(None, "anbiao.test.later")  # the chain grows after the checkpoint: still fine
    code, text = _verify("--checkpoint", str(path))
    assert code == 0 and "检查点" in text, text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_truncating_the_tail_and_fixing_the_head_is_caught_by_the_checkpoint(
    tmp_path: Path,
) -> None:
    entries = _entries(5)
    path = _checkpoint(tmp_path)
    _disable_audit_triggers()
    AuditEntry.objects.filter(pk__gte=entries[3].pk).delete()
    _rewrite_head(entries[2].hash)  # a careful attacker leaves a consistent head
    assert _verify()[0] == 0  # without the checkpoint nothing in the database tells
    code, text = _verify("--checkpoint", str(path))
    assert code == 1 and "检查点" in text and f"编号 {entries[-1].pk}" in text, text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_a_forged_checkpoint_is_refused(tmp_path: Path) -> None:
    entries = _entries(3)
    path = _checkpoint(tmp_path)
    doc = json.loads(path.read_text())
    doc["count"] = 2
    doc["last_id"], doc["last_hash"] = entries[1].pk, entries[1].hash
    path.write_text(json.dumps(doc))
    code, text = _verify("--checkpoint", str(path))
    assert code == 1 and "签名" in text, text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_deleting_a_middle_entry_before_the_checkpoint_is_caught(tmp_path: Path) -> None:
    entries = _entries(5)
    path = _checkpoint(tmp_path)
    _disable_audit_triggers()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    code, text = _verify("--checkpoint", str(path))
    assert code == 1 and f"编号 {entries[2].pk}" in text, text


def test_the_head_row_names_the_newest_entry() -> None:
    entries = _entries(2)
    assert AuditHead.objects.get(pk=1).last_hash == entries[-1].hash


def test_every_append_only_trigger_is_in_place() -> None:
    """SQLite drops a table's triggers when a migration rebuilds it: they must be put back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'core_auditentry'"
            )
            expected = {
                "core_auditentry_no_update",
                "core_auditentry_no_delete",
                "core_auditentry_no_replace",
            }
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditentry'::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'"
            )
            expected = {"core_auditentry_no_change", "core_auditentry_no_truncate"}
        assert {name for (name,) in cursor.fetchall()} >= expected


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_entries_written_before_the_key_verify_when_the_operator_declares_them() -> None:
    """An upgraded installation: its first entries are plain SHA-256, later ones keyed."""
    entries = _entries(4)
    legacy = entries[:2]
    _disable_audit_triggers()
    prev = "0" * 64
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.order_by("id"):
            entry.prev_hash = prev
            if entry.pk in {e.pk for e in legacy}:
                entry.key_id, entry.user_agent = "", ""
                entry.hash = hashlib.sha256(_canonical(entry).encode()).hexdigest()
            else:
                from anbiao.core.audit import entry_hash

                entry.hash = entry_hash(entry)
            cursor.execute(
                "UPDATE core_auditentry SET prev_hash = %s, hash = %s, key_id = %s WHERE id = %s",
                [entry.prev_hash, entry.hash, entry.key_id, entry.pk],
            )
            prev = entry.hash
    _rewrite_head(prev)
    code, text = _verify()
    assert code == 1 and "AUDIT_UNKEYED_UNTIL" in text, text
    with override_settings(AUDIT_UNKEYED_UNTIL=legacy[-1].pk):
        code, text = _verify()
        assert code == 0 and "无密钥日志 2 条" in text, text


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_no_checkpoint_is_signed_over_a_broken_chain(tmp_path: Path) -> None:
    entries = _entries(3)
    _disable_audit_triggers()
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    with pytest.raises(SystemExit):
        call_command(
            "audit_checkpoint",
            "--output",
            str(tmp_path),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert list(tmp_path.iterdir()) == []


@override_settings(AUDIT_HMAC_KEYS=KEYS, AUDIT_HMAC_KEY_ID="k1")
def test_a_second_checkpoint_the_same_day_does_not_overwrite_the_first(tmp_path: Path) -> None:
    _entries(2)
    for _ in range(3):
        call_command("audit_checkpoint", "--output", str(tmp_path), stdout=io.StringIO())
    files = sorted(tmp_path.glob("audit-checkpoint-*.json"))
    assert len(files) == 3
    counts = sorted(json.loads(f.read_text())["count"] for f in files)
    assert counts == [2, 3, 4]  # the first checkpoint is itself recorded in the trail
    assert _verify(*[a for f in files for a in ("--checkpoint", str(f))])[0] == 0
