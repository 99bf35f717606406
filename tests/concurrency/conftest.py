"""Concurrency checks: real threads and processes against a real database.

They need a database that several connections use at once (PostgreSQL). On SQLite the whole
database is locked by one writer, so the properties checked here (row locks, READ COMMITTED
re-checks, a killed writer's transaction rolled back by the server) are not exercised: the
PostgreSQL-specific tests skip with that reason. Run them with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> pytest tests/concurrency``.
"""

from __future__ import annotations

import pytest
from django.db import connection

ON_POSTGRESQL = connection.vendor == "postgresql"

needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason=(
        "PostgreSQL only: concurrent writers need row-level locks and separate connections; "
        "SQLite serializes every writer on one file lock. Set DATABASE_URL to a PostgreSQL "
        "database to run this check."
    ),
)
