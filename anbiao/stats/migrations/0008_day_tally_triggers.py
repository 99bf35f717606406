"""The day tally (``stats.DayTally``, ADR 0015) kept by the database: triggers on the look-backs
and the reports add each counted row to its day, campaign and units and take it away again, in
the statement that writes the row; then the tally is filled from the rows already there.

A stamped row is kept on the department axis ('d': its stamped department) and on the town axis
('t': its stamped town); a row without a stamp (a government unit's) on the organization axis
('o': its organization). What counts is written here as the models say it
(``checklists.models.COUNTED_LOOKBACK``, ``reports.models.FINALIZED``, ``orgs.scope.unstamped_q``);
``stats/tests/test_day_tally.py`` checks after random writes that the tally equals the rows
grouped, so a change of the rule that is not made here too fails there. The day is the row's
date in Asia/Shanghai (settings.TIME_ZONE; UTC+8, no daylight saving time).
"""

from django.db import migrations

# source name, table, the timestamp that dates a row, the condition that makes it count,
# the problems it adds, the columns whose change can change what it adds
SOURCES = [
    (
        "lookbacks",
        "checklists_checklist",
        "submitted_at",
        "{r}.purpose = 'lookback' AND {r}.status IN ('submitted', 'accepted')",
        "COALESCE({r}.problem_count, 0)",
        ("purpose", "status", "submitted_at", "campaign_id", "problem_count"),
    ),
    (
        "reports",
        "reports_report",
        "first_finalized_at",
        "{r}.counted_version_id IS NOT NULL",
        "0",
        ("counted_version_id", "first_finalized_at", "campaign_id"),
    ),
]
WATCHED = ("organization_id", "scope_department_id", "scope_town_id")


def counts(cond: str, at: str, r: str) -> str:
    """The row ``r`` (NEW, OLD or a table alias) counts."""
    return f"({cond.format(r=r)} AND {r}.{at} IS NOT NULL)"


def stamped(r: str) -> str:
    return f"({r}.scope_department_id IS NOT NULL OR {r}.scope_town_id IS NOT NULL)"


def axes(r: str) -> list[tuple[str, str, str]]:
    """(axis, its unit, the condition for the row to be kept on it)."""
    return [
        ("d", f"{r}.scope_department_id", stamped(r)),
        ("t", f"{r}.scope_town_id", stamped(r)),
        ("o", f"{r}.organization_id", f"NOT {stamped(r)}"),
    ]


# --- PostgreSQL ----------------------------------------------------------------------------------

PG_ADD = """
CREATE OR REPLACE FUNCTION stats_daytally_add(
    src varchar, d date, camp bigint, dept uuid, town uuid, org uuid, dn integer, dp integer
) RETURNS void AS $$
BEGIN
    IF dept IS NULL AND town IS NULL THEN
        INSERT INTO stats_daytally (source, day, campaign, axis, unit, n, problems)
        VALUES (src, d, camp, 'o', org, dn, dp)
        ON CONFLICT (source, axis, unit, day, campaign) DO UPDATE
            SET n = stats_daytally.n + EXCLUDED.n,
                problems = stats_daytally.problems + EXCLUDED.problems;
    ELSE
        INSERT INTO stats_daytally (source, day, campaign, axis, unit, n, problems)
        VALUES (src, d, camp, 'd', dept, dn, dp), (src, d, camp, 't', town, dn, dp)
        ON CONFLICT (source, axis, unit, day, campaign) DO UPDATE
            SET n = stats_daytally.n + EXCLUDED.n,
                problems = stats_daytally.problems + EXCLUDED.problems;
    END IF;
END; $$ LANGUAGE plpgsql;
"""


def pg_day(r: str, at: str) -> str:
    return f"({r}.{at} AT TIME ZONE 'Asia/Shanghai')::date"


def pg_statements() -> list[str]:
    out = [PG_ADD]
    for src, table, at, cond, problems, watched in SOURCES:
        cols = (*watched, *WATCHED)
        old_key = ", ".join(f"OLD.{c}" for c in cols)
        new_key = ", ".join(f"NEW.{c}" for c in cols)

        def call(r: str, sign: str) -> str:
            return (
                f"PERFORM stats_daytally_add('{src}', {pg_day(r, at)}, {r}.campaign_id, "
                f"{r}.scope_department_id, {r}.scope_town_id, {r}.organization_id, {sign}1, "
                f"{sign}{problems.format(r=r)});"
            )

        out.append(f"""
CREATE OR REPLACE FUNCTION stats_daytally_{src}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF ROW({old_key}) IS NOT DISTINCT FROM ROW({new_key}) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        IF {counts(cond, at, "OLD")} THEN
            {call("OLD", "-")}
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF {counts(cond, at, "NEW")} THEN
            {call("NEW", "")}
        END IF;
    END IF;
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
""")
        out.append(
            f"CREATE TRIGGER stats_daytally_{src} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION stats_daytally_{src}();"
        )
        out += fill(src, table, at, cond, problems, pg_day("t", at))
    return out


def pg_reverse() -> list[str]:
    out = []
    for src, table, *_ in SOURCES:
        out.append(f"DROP TRIGGER IF EXISTS stats_daytally_{src} ON {table};")
        out.append(f"DROP FUNCTION IF EXISTS stats_daytally_{src}();")
    out.append(
        "DROP FUNCTION IF EXISTS "
        "stats_daytally_add(varchar, date, bigint, uuid, uuid, uuid, integer, integer);"
    )
    out.append("DELETE FROM stats_daytally;")
    return out


# --- SQLite (no functions: each trigger finds or makes the key row, then adds to it) -------------


def sqlite_day(r: str, at: str) -> str:
    return f"date({r}.{at}, '+8 hours')"


def sqlite_apply(src: str, at: str, cond: str, problems: str, r: str, sign: str) -> list[str]:
    out = []
    for axis, unit, kept in axes(r):
        when = f"{counts(cond, at, r)} AND {kept}"
        key = (
            f"source = '{src}' AND axis = '{axis}' AND unit IS {unit}"
            f" AND day = {sqlite_day(r, at)} AND campaign IS {r}.campaign_id"
        )
        out.append(
            "INSERT INTO stats_daytally (source, day, campaign, axis, unit, n, problems) "
            f"SELECT '{src}', {sqlite_day(r, at)}, {r}.campaign_id, '{axis}', {unit}, 0, 0 "
            f"WHERE {when} AND NOT EXISTS (SELECT 1 FROM stats_daytally WHERE {key});"
        )
        out.append(
            f"UPDATE stats_daytally SET n = n {sign} 1, problems = problems {sign} "
            f"{problems.format(r=r)} WHERE {when} AND {key};"
        )
    return out


def sqlite_statements() -> list[str]:
    out = []
    for src, table, at, cond, problems, watched in SOURCES:
        cols = (*watched, *WATCHED)
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
        add_new = "\n".join(sqlite_apply(src, at, cond, problems, "NEW", "+"))
        take_old = "\n".join(sqlite_apply(src, at, cond, problems, "OLD", "-"))
        out.append(
            f"CREATE TRIGGER stats_daytally_{src}_insert AFTER INSERT ON {table} "
            f"BEGIN\n{add_new}\nEND;"
        )
        out.append(
            f"CREATE TRIGGER stats_daytally_{src}_update AFTER UPDATE ON {table} "
            f"WHEN {changed} BEGIN\n{take_old}\n{add_new}\nEND;"
        )
        out.append(
            f"CREATE TRIGGER stats_daytally_{src}_delete AFTER DELETE ON {table} "
            f"BEGIN\n{take_old}\nEND;"
        )
        out += fill(src, table, at, cond, problems, sqlite_day("t", at))
    return out


def sqlite_reverse() -> list[str]:
    out = []
    for src, *_ in SOURCES:
        for op in ("insert", "update", "delete"):
            out.append(f"DROP TRIGGER IF EXISTS stats_daytally_{src}_{op};")
    out.append("DELETE FROM stats_daytally;")
    return out


# --- the rows already there ----------------------------------------------------------------------


def fill(src: str, table: str, at: str, cond: str, problems: str, day: str) -> list[str]:
    return [
        "INSERT INTO stats_daytally (source, day, campaign, axis, unit, n, problems) "
        f"SELECT '{src}', {day}, t.campaign_id, '{axis}', {unit}, COUNT(*), "
        f"SUM({problems.format(r='t')}) FROM {table} t WHERE {counts(cond, at, 't')} AND {kept} "
        f"GROUP BY {day}, t.campaign_id, {unit};"
        for axis, unit, kept in axes("t")
    ]


def forwards(apps, schema_editor):
    statements = {"sqlite": sqlite_statements, "postgresql": pg_statements}.get(
        schema_editor.connection.vendor
    )
    for sql in statements() if statements else []:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": sqlite_reverse, "postgresql": pg_reverse}.get(
        schema_editor.connection.vendor
    )
    for sql in statements() if statements else []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0007_day_tally"),
        ("checklists", "0004_stats_scope_indexes"),
        ("reports", "0003_stats_scope_indexes"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
