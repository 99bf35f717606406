"""Time the consolidated statistics table (附件3) against a plain count over the problems table.

    .venv/bin/python bench/stats.py                      # 10,000 enterprises, SQLite, < 1 min
    .venv/bin/python bench/stats.py --enterprises 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/anbiao_bench_stats
    .venv/bin/python bench/stats.py --reuse --database-url ...   # the city already built there

Builds a fresh synthetic city (``bench/make_city.py``; with ``--reuse``, the one already in the database), then measures, best of ``--repeat``:
the baseline ``SELECT count(*) FROM checklists_problemline`` (the table of the problems that
columns 3–4 count), the full consolidated city table (every department and town, subtotals,
the city-wide total), and one unit's table (the department with the most enterprises). Ends
with one JSON line: {"bench": "stats", "n": N, "seconds": ..., "baseline_seconds": ...,
"ratio": ...}. Targets on PostgreSQL at N = 100,000: ratio ≤ 3, and one unit's table within
the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_city  # noqa: E402


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="附件3 consolidated table benchmark")
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", make_city.DEFAULT_DB)
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the city already in the database (built by make_city.py) instead of "
        "rebuilding it; it is only migrated",
    )
    args = parser.parse_args(argv)

    make_city.prepare_database(args.database_url, fresh=not args.reuse)
    if args.reuse:
        from anbiao.orgs.models import Enterprise

        args.enterprises = Enterprise.objects.count()
    else:
        make_city.build(args.enterprises)

    from django.db import connection
    from django.db.models import Count

    from anbiao.orgs.models import Organization
    from anbiao.stats.columns import Period
    from anbiao.stats.selectors import city_table, unit_table

    period = Period(*make_city.PERIOD)

    def baseline() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM checklists_problemline")
            return cursor.fetchone()[0]

    city_table(period=period)  # warm caches (table list, connection)
    base_s, n_problems = best(baseline, args.repeat)
    table_s, table = best(lambda: city_table(period=period), args.repeat)
    biggest = (
        Organization.objects.filter(kind="department", parent=None)
        .annotate(n=Count("supervised_enterprises"))
        .order_by("-n")
        .first()
    )
    unit_s, unit = best(lambda: unit_table(unit=biggest, period=period), args.repeat)
    ratio = table_s / base_s if base_s else float("inf")
    print(f"数据库：{connection.vendor}；企业 {args.enterprises}；问题行 {n_problems}")
    print(f"基线 SELECT count(*) FROM checklists_problemline：{base_s * 1000:.1f} ms")
    print(
        f"全市汇总表（{len(table.departments)} 个成员单位、{len(table.towns)} 个乡镇）："
        f"{table_s * 1000:.1f} ms，为基线的 {ratio:.2f} 倍"
    )
    print(
        f"单个单位统计表（{biggest.name}）：{unit_s * 1000:.1f} ms，为基线的 {unit_s / base_s:.2f} 倍"
    )
    print(f"全市合计：{table.total.values}")
    if connection.vendor == "sqlite":
        print(
            "注：SQLite 的 count(*) 不逐行扫描，基线几乎为 0，倍数不可比；目标按 PostgreSQL 衡量。"
        )
    print(
        json.dumps(
            {
                "bench": "stats",
                "n": args.enterprises,
                "seconds": round(table_s, 4),
                "baseline_seconds": round(base_s, 4),
                "ratio": round(ratio, 2),
                "unit_seconds": round(unit_s, 4),
                "database": connection.vendor,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
