"""SQLite: refuse ``INSERT OR REPLACE`` / ``REPLACE INTO`` on the audit trail (17.7b).

A REPLACE deletes the conflicting row (same id, or same unique hash) before inserting its own,
and SQLite fires no DELETE trigger for that deletion unless ``recursive_triggers`` is on (a
per-connection pragma a writer need not set). A BEFORE INSERT trigger that refuses a row
whose id or hash already exists closes that door whatever the connection's pragmas.

It also puts back the UPDATE/DELETE triggers of 0002: SQLite cannot add a NOT NULL column in
place, so 0004 rebuilt the table, and a rebuilt table has no triggers. (Any later migration
that alters core_auditentry on SQLite must do the same; test_audit_triggers checks it.)

PostgreSQL needs nothing new: ``INSERT … ON CONFLICT DO UPDATE`` fires the BEFORE UPDATE
trigger of 0002, which refuses it.
"""

from django.db import migrations

SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
]
SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditentry_no_replace BEFORE INSERT ON core_auditentry
       WHEN EXISTS (SELECT 1 FROM core_auditentry WHERE id = NEW.id OR hash = NEW.hash)
       BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS core_auditentry_no_replace;"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_APPEND_ONLY + SQLITE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_user_agent_and_key_id")]
    operations = [migrations.RunPython(forwards, backwards)]
