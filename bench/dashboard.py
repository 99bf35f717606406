"""Time the city office's dashboard (工作台) against a plain count over the enterprises table.

    .venv/bin/python bench/dashboard.py                      # 10,000 enterprises, SQLite
    .venv/bin/python bench/dashboard.py --enterprises 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/anbiao_bench_dashboard
    .venv/bin/python bench/dashboard.py --reuse ...          # keep a city built before

Builds a synthetic city with ``bench/make_city.py`` (or, with ``--reuse``, reuses the one in the
database when it holds exactly N enterprises), logs a city-office viewer in with the Django
test client and measures, best of ``--repeat`` after one warm-up render: the baseline
``SELECT count(*) FROM orgs_enterprise`` and the full ``GET /dashboards/`` (every chart, the
table views, the JSON for the charts). Also reports the number of SQL queries of one render.
Ends with ONE JSON line: {"bench": "dashboard", "n": N, "seconds": ..., "baseline_seconds":
..., "ratio": ..., "queries": ...}. Target on PostgreSQL at N = 100,000: under 1 second.
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

DEFAULT_DB = f"sqlite:///{make_city.ROOT / 'var' / 'bench_dashboard.sqlite3'}"


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def _existing_enterprises(url: str) -> int | None:
    """The number of enterprises of a city already in the database, or None."""
    try:
        make_city.prepare_database(url, fresh=False)
        from anbiao.orgs.models import Enterprise

        return Enterprise.objects.count()
    except Exception:  # noqa: BLE001 - no database or no tables yet: build afresh
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="工作台 (city dashboard) benchmark")
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse a city of N enterprises")
    args = parser.parse_args(argv)

    n = args.enterprises
    if not (args.reuse and _existing_enterprises(args.database_url) == n):
        if args.reuse:
            from django.db import connections

            connections.close_all()
        make_city.prepare_database(args.database_url, fresh=True)
        make_city.build(n, stdout=sys.stderr)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from anbiao.accounts.models import Membership, Role, User
    from anbiao.orgs.models import Organization, OrgKind

    setup_test_environment()
    # As in Django's test runner: keep one connection across requests (the baseline does too).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    city = Organization.objects.filter(kind=OrgKind.CITY).first()
    user, _ = User.objects.get_or_create(
        username="bench_dashboard_viewer", defaults={"organization": city}
    )
    Membership.objects.get_or_create(user=user, role=Role.VIEWER)
    client = Client()
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")

    def baseline() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orgs_enterprise")
            return cursor.fetchone()[0]

    def render() -> int:
        response = client.get("/dashboards/")
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
        return len(response.content)

    baseline()
    render()  # warm-up: templates, URL resolvers, connection
    connection.queries_log.clear()  # a full log (9,000 from the build) would capture nothing
    with CaptureQueriesContext(connection) as ctx:
        render()
    base_s, count = best(baseline, args.repeat)
    seconds, size = best(render, args.repeat)
    print(
        f"enterprises={count} page={size} bytes queries={len(ctx.captured_queries)}",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "bench": "dashboard",
                "n": n,
                "seconds": round(seconds, 6),
                "baseline_seconds": round(base_s, 6),
                "ratio": round(seconds / base_s, 2) if base_s else None,
                "queries": len(ctx.captured_queries),
            }
        )
    )


if __name__ == "__main__":
    main()
