"""The day tally (``stats.DayTally``, ADR 0015) kept by the database: triggers on the look-backs,
the reports, the experiences and work mechanisms and their evidence add each counted row to its
day, campaign and units and take it away again, in the statement that writes it; then the tally
is filled from the rows already there.

A stamped row is kept on the department axis ('d': its stamped department) and on the town axis
('t': its stamped town); a row without a stamp (a government unit's) on the organization axis
('o': its organization). What counts is written here as the models say it
(``checklists.models.COUNTED_LOOKBACK``, ``reports.models.FINALIZED``,
``records.models.RecordQuerySet.counted``, ``orgs.scope.unstamped_q``);
``stats/tests/test_day_tally.py`` checks after random writes that the tally equals the rows
grouped, so a change of the rule that is not made here too fails there. A look-back's or report's
day is the date of its time in Asia/Shanghai (settings.TIME_ZONE; UTC+8, no daylight saving
time); a record's is its date.
"""

from dataclasses import dataclass

from django.db import migrations

EVIDENCE = "records_record_evidence"


@dataclass(frozen=True)
class Tallied:
    """A table whose counted rows the tally keeps; each text is SQL with ``{r}`` for the row."""

    name: str  # names the triggers
    table: str
    source: str  # the tally source of a row
    at: str  # the column that dates a row
    timestamp: bool  # a timestamp (its local date is the day) or a date
    campaign: str
    cond: str  # the row counts
    problems: str  # what it adds to ``problems``
    watched: tuple[str, ...]  # the columns whose change can change what it adds


# a record counts but for its evidence (the evidence triggers see the evidence change)
RECORD_BASE = "{r}.status = 'submitted' AND {r}.kind IN ('experience', 'mechanism')"

SOURCES = [
    Tallied(
        name="lookbacks",
        table="checklists_checklist",
        source="'lookbacks'",
        at="submitted_at",
        timestamp=True,
        campaign="{r}.campaign_id",
        cond="{r}.purpose = 'lookback' AND {r}.status IN ('submitted', 'accepted')",
        problems="COALESCE({r}.problem_count, 0)",
        watched=("purpose", "status", "submitted_at", "campaign_id", "problem_count"),
    ),
    Tallied(
        name="reports",
        table="reports_report",
        source="'reports'",
        at="first_finalized_at",
        timestamp=True,
        campaign="{r}.campaign_id",
        cond="{r}.counted_version_id IS NOT NULL",
        problems="0",
        watched=("counted_version_id", "first_finalized_at", "campaign_id"),
    ),
    Tallied(
        name="records",
        table="records_record",
        source="CASE {r}.kind WHEN 'experience' THEN 'experiences' ELSE 'mechanisms' END",
        at="date",
        timestamp=False,
        campaign="NULL",
        cond=RECORD_BASE + f" AND EXISTS (SELECT 1 FROM {EVIDENCE} e WHERE e.record_id = {{r}}.id)",
        problems="0",
        watched=("status", "kind", "date"),
    ),
]
RECORDS = SOURCES[2]
WATCHED = ("organization_id", "scope_department_id", "scope_town_id")


def counts(s: Tallied, r: str, cond: str = "") -> str:
    """The row ``r`` (NEW, OLD or a table alias) counts."""
    return f"({(cond or s.cond).format(r=r)} AND {r}.{s.at} IS NOT NULL)"


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


def pg_day(s: Tallied, r: str) -> str:
    if s.timestamp:
        return f"({r}.{s.at} AT TIME ZONE 'Asia/Shanghai')::date"
    return f"{r}.{s.at}"


def pg_args(s: Tallied, r: str, sign: str) -> str:
    return (
        f"{s.source.format(r=r)}, {pg_day(s, r)}, {s.campaign.format(r=r)}, "
        f"{r}.scope_department_id, {r}.scope_town_id, {r}.organization_id, {sign}1, "
        f"{sign}{s.problems.format(r=r)}"
    )


def pg_statements() -> list[str]:
    out = [PG_ADD]
    for s in SOURCES:
        cols = (*s.watched, *WATCHED)
        old_key = ", ".join(f"OLD.{c}" for c in cols)
        new_key = ", ".join(f"NEW.{c}" for c in cols)
        out.append(f"""
CREATE OR REPLACE FUNCTION stats_daytally_{s.name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF ROW({old_key}) IS NOT DISTINCT FROM ROW({new_key}) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        IF {counts(s, "OLD")} THEN
            PERFORM stats_daytally_add({pg_args(s, "OLD", "-")});
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF {counts(s, "NEW")} THEN
            PERFORM stats_daytally_add({pg_args(s, "NEW", "")});
        END IF;
    END IF;
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
""")
        out.append(
            f"CREATE TRIGGER stats_daytally_{s.name} AFTER INSERT OR UPDATE OR DELETE ON {s.table} "
            f"FOR EACH ROW EXECUTE FUNCTION stats_daytally_{s.name}();"
        )
    # a record's first evidence file makes it count, its last one removed makes it stop: once
    # per statement (row triggers would all see the statement's whole change)
    base = counts(RECORDS, "r", RECORD_BASE)
    out.append(f"""
CREATE OR REPLACE FUNCTION stats_daytally_evidence_added() RETURNS trigger AS $$
BEGIN
    PERFORM stats_daytally_add({pg_args(RECORDS, "r", "")})
    FROM records_record r
    WHERE r.id IN (SELECT record_id FROM added) AND {base}
      AND (SELECT count(*) FROM {EVIDENCE} e WHERE e.record_id = r.id)
        = (SELECT count(*) FROM added a WHERE a.record_id = r.id);
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
""")
    out.append(f"""
CREATE OR REPLACE FUNCTION stats_daytally_evidence_removed() RETURNS trigger AS $$
BEGIN
    PERFORM stats_daytally_add({pg_args(RECORDS, "r", "-")})
    FROM records_record r
    WHERE r.id IN (SELECT record_id FROM removed) AND {base}
      AND NOT EXISTS (SELECT 1 FROM {EVIDENCE} e WHERE e.record_id = r.id);
    RETURN NULL;
END; $$ LANGUAGE plpgsql;
""")
    out.append(
        f"CREATE TRIGGER stats_daytally_evidence_added AFTER INSERT ON {EVIDENCE} "
        "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
        "EXECUTE FUNCTION stats_daytally_evidence_added();"
    )
    out.append(
        f"CREATE TRIGGER stats_daytally_evidence_removed AFTER DELETE ON {EVIDENCE} "
        "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
        "EXECUTE FUNCTION stats_daytally_evidence_removed();"
    )
    for s in SOURCES:
        out += fill(s, pg_day(s, "t"))
    return out


def pg_reverse() -> list[str]:
    out = []
    for s in SOURCES:
        out.append(f"DROP TRIGGER IF EXISTS stats_daytally_{s.name} ON {s.table};")
        out.append(f"DROP FUNCTION IF EXISTS stats_daytally_{s.name}();")
    for op in ("added", "removed"):
        out.append(f"DROP TRIGGER IF EXISTS stats_daytally_evidence_{op} ON {EVIDENCE};")
        out.append(f"DROP FUNCTION IF EXISTS stats_daytally_evidence_{op}();")
    out.append(
        "DROP FUNCTION IF EXISTS "
        "stats_daytally_add(varchar, date, bigint, uuid, uuid, uuid, integer, integer);"
    )
    out.append("DELETE FROM stats_daytally;")
    return out


# --- SQLite (no functions: each trigger finds or makes the key row, then adds to it; SQLite
# writes one statement at a time, row triggers see each row's change alone) ----------------------


def sqlite_day(s: Tallied, r: str) -> str:
    return f"date({r}.{s.at}, '+8 hours')" if s.timestamp else f"{r}.{s.at}"


def sqlite_apply(
    s: Tallied, r: str, sign: str, rows: str = "", cond: str = ""
) -> list[str]:
    """Add (``sign`` +) or take away (-) row ``r``; ``rows``: the FROM/WHERE that reads it when it
    is not the trigger's own row."""
    select = rows or "WHERE 1"
    out = []
    for axis, unit, kept in axes(r):
        when = f"{counts(s, r, cond)} AND {kept}"
        key = (
            f"stats_daytally.source = {s.source.format(r=r)} AND stats_daytally.axis = '{axis}'"
            f" AND stats_daytally.unit IS {unit} AND stats_daytally.day = {sqlite_day(s, r)}"
            f" AND stats_daytally.campaign IS {s.campaign.format(r=r)}"
        )
        out.append(
            "INSERT INTO stats_daytally (source, day, campaign, axis, unit, n, problems) "
            f"SELECT {s.source.format(r=r)}, {sqlite_day(s, r)}, {s.campaign.format(r=r)}, "
            f"'{axis}', {unit}, 0, 0 {select} AND {when} "
            f"AND NOT EXISTS (SELECT 1 FROM stats_daytally WHERE {key});"
        )
        out.append(
            f"UPDATE stats_daytally SET n = n {sign} 1, problems = problems {sign} "
            f"({s.problems.format(r=r)}) WHERE EXISTS (SELECT 1 {select} AND {when} AND {key});"
        )
    return out


def sqlite_statements() -> list[str]:
    out = []
    for s in SOURCES:
        cols = (*s.watched, *WATCHED)
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
        add_new = "\n".join(sqlite_apply(s, "NEW", "+"))
        take_old = "\n".join(sqlite_apply(s, "OLD", "-"))
        out.append(
            f"CREATE TRIGGER stats_daytally_{s.name}_insert AFTER INSERT ON {s.table} "
            f"BEGIN\n{add_new}\nEND;"
        )
        out.append(
            f"CREATE TRIGGER stats_daytally_{s.name}_update AFTER UPDATE ON {s.table} "
            f"WHEN {changed} BEGIN\n{take_old}\n{add_new}\nEND;"
        )
        out.append(
            f"CREATE TRIGGER stats_daytally_{s.name}_delete AFTER DELETE ON {s.table} "
            f"BEGIN\n{take_old}\nEND;"
        )
    # a record's first evidence file makes it count, its last one removed makes it stop
    added = "\n".join(
        sqlite_apply(
            RECORDS, "r", "+", "FROM records_record r WHERE r.id = NEW.record_id", RECORD_BASE
        )
    )
    removed = "\n".join(
        sqlite_apply(
            RECORDS, "r", "-", "FROM records_record r WHERE r.id = OLD.record_id", RECORD_BASE
        )
    )
    out.append(
        f"CREATE TRIGGER stats_daytally_evidence_added AFTER INSERT ON {EVIDENCE} "
        f"WHEN (SELECT count(*) FROM {EVIDENCE} WHERE record_id = NEW.record_id) = 1 "
        f"BEGIN\n{added}\nEND;"
    )
    out.append(
        f"CREATE TRIGGER stats_daytally_evidence_removed AFTER DELETE ON {EVIDENCE} "
        f"WHEN NOT EXISTS (SELECT 1 FROM {EVIDENCE} WHERE record_id = OLD.record_id) "
        f"BEGIN\n{removed}\nEND;"
    )
    for s in SOURCES:
        out += fill(s, sqlite_day(s, "t"))
    return out


def sqlite_reverse() -> list[str]:
    out = []
    for s in SOURCES:
        for op in ("insert", "update", "delete"):
            out.append(f"DROP TRIGGER IF EXISTS stats_daytally_{s.name}_{op};")
    for op in ("added", "removed"):
        out.append(f"DROP TRIGGER IF EXISTS stats_daytally_evidence_{op};")
    out.append("DELETE FROM stats_daytally;")
    return out


# --- the rows already there ----------------------------------------------------------------------


def fill(s: Tallied, day: str) -> list[str]:
    src, camp = s.source.format(r="t"), s.campaign.format(r="t")
    by = ", ".join(x for x in (src, day, camp) if x != "NULL" and not x.startswith("'"))
    return [
        "INSERT INTO stats_daytally (source, day, campaign, axis, unit, n, problems) "
        f"SELECT {src}, {day}, {camp}, '{axis}', {unit}, COUNT(*), "
        f"SUM({s.problems.format(r='t')}) FROM {s.table} t WHERE {counts(s, 't')} AND {kept} "
        f"GROUP BY {by}, {unit};"
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
        ("records", "0003_record_version"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
