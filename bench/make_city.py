"""Build a synthetic city for benchmarks: N enterprises across the real towns and departments.

    .venv/bin/python bench/make_city.py --enterprises 10000
    .venv/bin/python bench/make_city.py --enterprises 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/anbiao_bench

The database is created afresh (SQLite: the file is replaced; PostgreSQL: the database is
dropped and created), migrated, and filled with bulk_create: the city office, the 27 towns and
the member departments (built-in data), the checklist templates, an open campaign, and per
enterprise a 附件2 look-back (≈85 % submitted or accepted, the rest draft or returned) with
≈5 problem lines, a finalized 自查自纠报告 for ≈70 %, good experiences with evidence for
≈10 %, enforcement cases for ≈2 % exposed in published batches; every government unit has a
submitted 附件1 look-back with problems, a report and a work mechanism; ≈20 % of the
enterprises get a completed supervision inspection by their department or town with ≈2
problems (rectification problems linked to the inspection), and the city office inspects every
department and town. Only the answers that carry problems are created (a real look-back has one
answer per clause; the others are not read by the statistics). Look-backs, reports and records
carry the statistical scope their services stamp (``anbiao.orgs.scope``). On PostgreSQL the
database is VACUUM ANALYZEd at the end, as autovacuum would do after such a load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = f"sqlite:///{ROOT / 'var' / 'bench_city.sqlite3'}"
PERIOD = (dt.date(2024, 9, 1), dt.date(2024, 12, 31))
BATCH = 5000


def prepare_database(url: str, *, fresh: bool = True) -> None:
    """Point Django at ``url`` (fresh: recreate it), set Django up and migrate."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    if fresh:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        elif url.startswith(("postgres://", "postgresql://")):
            import psycopg

            base, _, name = url.rpartition("/")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _bulk(model: Any, objs: list[Any]) -> list[Any]:
    return model.objects.bulk_create(objs, batch_size=BATCH)


def _at(rng: random.Random) -> dt.datetime:
    from zoneinfo import ZoneInfo

    day = PERIOD[0] + dt.timedelta(days=rng.randrange((PERIOD[1] - PERIOD[0]).days + 1))
    return dt.datetime.combine(day, dt.time(9 + rng.randrange(9)), tzinfo=ZoneInfo("Asia/Shanghai"))


def _analyze(connection: Any) -> None:
    """Let PostgreSQL plan the correlated UPDATEs below with the rows just inserted."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def build(n: int, *, seed: int = 1, stdout: Any = sys.stdout) -> dict[str, int]:
    """Fill the (empty, migrated) database with a city of ``n`` enterprises."""
    from django.db import connection, transaction

    from anbiao.campaigns.models import Campaign
    from anbiao.checklists import builtin as checklist_builtin
    from anbiao.checklists.models import (
        SUBMITTED_STATUSES,
        Answer,
        Checklist,
        Clause,
        ProblemLine,
    )
    from anbiao.core.models import StoredFile
    from anbiao.enforcement.models import EnforcementCase, ExposureBatch
    from anbiao.orgs import builtin as org_builtin
    from anbiao.orgs.models import Enterprise, Organization, OrgKind
    from anbiao.records.models import Record
    from anbiao.reports.models import Report, ReportVersion

    rng = random.Random(seed)
    t0 = time.perf_counter()
    org_builtin.load()
    checklist_builtin.load()
    tv_e = checklist_builtin.latest_version("fujian2_2024")
    tv_g = checklist_builtin.latest_version("fujian1_2024")
    campaign = Campaign.objects.create(
        name="基准测试专项行动",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        enterprise_deadline=PERIOD[1],
        government_deadline=PERIOD[1],
        enterprise_template_version=tv_e,
        government_template_version=tv_g,
        status="open",
    )
    clauses = {
        tv_e.pk: list(Clause.objects.filter(version=tv_e).values_list("pk", flat=True)),
        tv_g.pk: list(Clause.objects.filter(version=tv_g).values_list("pk", flat=True)),
    }
    depts = list(Organization.objects.filter(kind=OrgKind.DEPARTMENT, parent=None))
    towns = list(Organization.objects.filter(kind=OrgKind.TOWN, parent=None))
    city = Organization.objects.get(kind=OrgKind.CITY)
    # a few sub-units, so that the roll-up to the top-level unit is exercised
    subs = _bulk(
        Organization,
        [
            Organization(kind=OrgKind.DEPARTMENT, name=f"{d.name}执法大队", parent=d)
            for d in depts[:3]
        ]
        + [Organization(kind=OrgKind.TOWN, name=f"{t.name}安监站", parent=t) for t in towns[:3]],
    )
    dept_units = depts + [s for s in subs if s.kind == OrgKind.DEPARTMENT]
    govs = [city, *depts, *towns, *subs]

    with transaction.atomic():
        orgs = [
            Organization(id=uuid.uuid4(), kind=OrgKind.ENTERPRISE, name=f"基准企业{i:06d}有限公司")
            for i in range(n)
        ]
        _bulk(Organization, orgs)
        ents = [
            Enterprise(
                organization=o,
                credit_code=f"91350583{i:010d}",
                credit_code_checked=False,
                town=rng.choice(towns),
                department=rng.choice(dept_units),
                industry=rng.choice("ABCEFGH"),
                size_class=rng.choice(["above", "medium", "small"]),
            )
            for i, o in enumerate(orgs)
        ]
        _bulk(Enterprise, ents)
        # the statistical scope the submit / finalize services stamp on an enterprise's
        # look-backs, reports and records: its registry entry's primary department and town
        from anbiao.orgs.scope import stamp_of

        scope = {e.organization_id: stamp_of(e.department_id, e.town_id) for e in ents}

        checklists, plan = [], []
        for org in orgs:
            r = rng.random()
            if r > 0.9:
                continue
            status = (
                "submitted"
                if r < 0.75
                else "accepted"
                if r < 0.8
                else "returned"
                if r < 0.85
                else "draft"
            )
            checklists.append(
                Checklist(
                    id=uuid.uuid4(),
                    campaign=campaign,
                    organization=org,
                    template_version=tv_e,
                    status=status,
                    submitted_at=None if status == "draft" else _at(rng),
                    **scope[org.pk],
                )
            )
        for g in govs:
            checklists.append(
                Checklist(
                    id=uuid.uuid4(),
                    campaign=campaign,
                    organization=g,
                    template_version=tv_g,
                    status="submitted",
                    submitted_at=_at(rng),
                )
            )
        answers = []
        for c in checklists:
            k = rng.randint(3, 7)
            # what the submit service freezes on a submitted look-back (附件3 columns 3–4)
            c.problem_count = k if c.status in SUBMITTED_STATUSES else None
            chosen = rng.sample(clauses[c.template_version_id], rng.randint(1, 3))
            for j, clause in enumerate(chosen):
                per = k // len(chosen) + (1 if j < k % len(chosen) else 0)
                answers.append(Answer(checklist=c, clause_id=clause, result="nonconform"))
                plan.append(per)
        # each row written once, in the state the services leave it (as a live database's
        # indexes hold one entry per counted row, not one per step of this build)
        _bulk(Checklist, checklists)
        answers = _bulk(Answer, answers)
        if answers and answers[0].pk is None:
            raise RuntimeError("bulk_create returned no ids: this database cannot run the bench")
        lines = [
            ProblemLine(answer=a, position=p + 1, text=f"存在问题{p + 1}")
            for a, per in zip(answers, plan, strict=True)
            for p in range(per)
        ]
        _bulk(ProblemLine, lines)
        _analyze(connection)  # fresh tables: plan the bulk update below with their statistics

        reporters = [o for o in orgs if rng.random() < 0.7] + govs
        reports = _bulk(
            Report,
            [
                Report(id=uuid.uuid4(), campaign=campaign, organization=o, **scope.get(o.pk, {}))
                for o in reporters
            ],
        )
        versions = _bulk(
            ReportVersion,
            [
                ReportVersion(report=r, number=1, status="finalized", finalized_at=_at(rng))
                for r in reports
            ],
        )
        for r, v in zip(reports, versions, strict=True):
            r.counted_version_id = v.pk
            r.first_finalized_at = r.finalized_at = v.finalized_at
        Report.objects.bulk_update(
            reports, ["counted_version", "first_finalized_at", "finalized_at"], batch_size=2000
        )

        authors = [o for o in orgs if rng.random() < 0.1]
        records = [
            Record(
                id=uuid.uuid4(),
                kind="experience",
                organization=o,
                title="经验做法",
                summary="内容",
                category="other",
                date=_at(rng).date(),
                status="submitted" if rng.random() < 0.8 else "draft",
                **scope[o.pk],
            )
            for o in authors
        ] + [
            Record(
                id=uuid.uuid4(),
                kind=rng.choice(["experience", "mechanism"]),
                organization=g,
                title="工作机制",
                summary="内容",
                category="other",
                date=_at(rng).date(),
                status="submitted",
            )
            for g in govs
        ]
        _bulk(Record, records)
        _check_scope()
        with_evidence = [r for r in records if rng.random() < 0.8]
        files = _bulk(
            StoredFile,
            [
                StoredFile(
                    id=uuid.uuid4(),
                    file=f"evidence/bench/{i}.png",
                    original_name="佐证.png",
                    content_type="image/png",
                    kind="png",
                    size=1,
                    sha256=f"{i:064d}",
                    organization_id=r.organization_id,
                )
                for i, r in enumerate(with_evidence)
            ],
        )
        through = Record.evidence.through
        _bulk(
            through,
            [
                through(record_id=r.pk, storedfile_id=f.pk)
                for r, f in zip(with_evidence, files, strict=True)
            ],
        )

        exposed = [e for e in ents if rng.random() < 0.02]
        cases = _bulk(
            EnforcementCase,
            [
                EnforcementCase(
                    id=uuid.uuid4(),
                    department_id=e.department_id,
                    enterprise=e,
                    case_number=f"南应急罚〔2024〕{i}号",
                    violation="违法行为",
                    legal_basis="依据",
                    penalty="罚款",
                    decided_on=_at(rng).date(),
                )
                for i, e in enumerate(exposed)
            ],
        )
        batches = _bulk(
            ExposureBatch,
            [
                ExposureBatch(
                    id=uuid.uuid4(),
                    department=d,
                    title=f"{d.name}第{k + 1}批",
                    date=_at(rng).date(),
                    status="published",
                )
                for d in dept_units
                for k in range(3)
            ],
        )
        by_dept: dict[Any, list[Any]] = {}
        for b in batches:
            by_dept.setdefault(b.department_id, []).append(b)
        bt = ExposureBatch.cases.through
        _bulk(
            bt,
            [
                bt(
                    exposurebatch_id=rng.choice(by_dept[c.department_id]).pk,
                    enforcementcase_id=c.pk,
                )
                for c in cases
            ],
        )
        n_inspections = _inspections(rng, ents, govs, city, depts, towns)
    if connection.vendor == "postgresql":
        # what autovacuum does to a live database after such a load (and what this machine's
        # PostgreSQL, with autovacuum off for the tests, never does by itself): statistics, and
        # the visibility map that lets the statistics read their indexes without the tables
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    counts = {
        "enterprises": n,
        "checklists": len(checklists),
        "problem_lines": len(lines),
        "reports": len(reports),
        "records": len(records),
        "batches": len(batches),
        "inspections": n_inspections,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    if stdout is not None:
        stdout.write(f"合成城市：{counts}\n")
    return counts


def _check_scope() -> None:
    """Every stamped scope says what the registry says (as ``orgs.scope.stamp`` would)."""
    from anbiao.orgs.scope import stamp_differs, stamped_models

    for model in stamped_models():
        if stamp_differs(model).exists():
            raise RuntimeError(f"{model.__name__}: a stamped scope differs from the registry")
    # the day tally the triggers kept while the rows were written equals the rows (ADR 0015)
    from anbiao.stats.tally import differences

    if differences():
        raise RuntimeError("the statistics day tally differs from the rows")


def _inspections(
    rng: random.Random,
    ents: list[Any],
    govs: list[Any],
    city: Any,
    depts: list[Any],
    towns: list[Any],
) -> int:
    from anbiao.inspections.models import Inspection, InspectionProblem
    from anbiao.rectification.models import Problem

    pairs = [
        (rng.choice([e.department_id, e.town_id]), e.organization_id)
        for e in ents
        if rng.random() < 0.2
    ] + [(city.pk, g.pk) for g in [*depts, *towns]]
    inspections = _bulk(
        Inspection,
        [
            Inspection(
                id=uuid.uuid4(),
                inspector_id=who,
                target_id=whom,
                date=_at(rng).date(),
                inspectors="检查组",
                status="completed" if rng.random() < 0.9 else "draft",
            )
            for who, whom in pairs
        ],
    )
    problems, links = [], []
    for insp in inspections:
        for k in range(rng.randint(0, 4)):
            p = Problem(
                id=uuid.uuid4(),
                organization_id=insp.target_id,
                source="inspection",
                description=f"检查发现问题{k + 1}",
                recorded_org_id=insp.inspector_id,
            )
            problems.append(p)
            links.append(InspectionProblem(inspection=insp, problem=p))
    _bulk(Problem, problems)
    _bulk(InspectionProblem, links)
    Inspection.objects.all().recount_problems()  # bulk_create does not: the stored counts
    return len(inspections)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    prepare_database(args.database_url, fresh=True)
    build(args.enterprises, seed=args.seed)


if __name__ == "__main__":
    main()
