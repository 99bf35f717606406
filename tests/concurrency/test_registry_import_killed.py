"""A registry import killed with SIGKILL midway leaves zero or all of its rows.

The confirm step (``orgs.registry.services.registry_import_confirm``) runs in a separate
``python`` process against the same test database; the test kills it with SIGKILL after a
random delay once it has started the confirm, then counts the enterprises. The server rolls
back the transaction of a dead connection, so the count is either unchanged or increased by
the whole file — never part of it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from anbiao.accounts.models import Role
from anbiao.orgs.models import Enterprise
from anbiao.orgs.registry import services
from anbiao.orgs.tests.factories import make_user
from anbiao.orgs.tests.registry_files import HEADER, code, csv_bytes, nanan_units
from tests.concurrency.conftest import needs_postgresql

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

ROWS = 3000
ROOT = Path(__file__).resolve().parents[2]

# Runs in the child: the same settings module, the running test's database NAME and media
# directory passed explicitly; prints READY just before the confirm and DONE after it.
CHILD = """
import json, os, sys
import django
from django.conf import settings
args = json.loads(sys.argv[1])
django.setup()
settings.DATABASES["default"]["NAME"] = args["db_name"]
settings.MEDIA_ROOT = args["media_root"]
from anbiao.accounts.models import User
from anbiao.orgs.registry import services
user = User.objects.get(pk=args["user"])
pending = services.PendingImport(**args["pending"])
print("READY", flush=True)
result = services.registry_import_confirm(
    user=user, pending=pending, accepted=[], digest=args["digest"]
)
print("DONE", result.created, flush=True)
"""


def registry_file(batch: int) -> bytes:
    rows = [HEADER]
    for n in range(ROWS):
        body = f"91350583{batch:02d}{n:07d}"  # 17 characters, unique per batch and row
        rows.append(
            [
                f"南安市并发测试{batch}号第{n}有限公司",
                code(body),
                "张三",
                "13900000000",
                "溪美街道",
                "应急管理局",
                "C",
                "小微",
                "南安市溪美街道1号",
            ]
        )
    return csv_bytes(rows, encoding="utf-8-sig")


def start_child(*, user, pending, digest) -> subprocess.Popen:  # noqa: ANN001
    args = {
        "db_name": settings.DATABASES["default"]["NAME"],  # the test database (test_<name>)
        "media_root": str(settings.MEDIA_ROOT),
        "user": user.pk,
        "pending": pending.as_session(),
        "digest": digest,
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    return subprocess.Popen(  # noqa: S603 — our own fixed script, run with this interpreter
        [sys.executable, "-c", CHILD, json.dumps(args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen, word: str) -> None:
    line = proc.stdout.readline()
    assert line.startswith(word), (line, proc.stderr.read() if proc.poll() is not None else "")


def wait_until_no_other_connection(timeout: float = 30) -> None:
    """The server ends a killed client's backend (and rolls back its transaction) by itself."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
    raise AssertionError("the killed import's connection is still active")


def test_a_registry_import_killed_at_random_moments_writes_all_rows_or_none():
    units = nanan_units()
    user = make_user(units["city"], Role.ORG_ADMIN, username="city_admin_kill")
    rng = random.Random(20261128)
    outcomes = []

    # First, how long a whole confirm takes here, so that the kills fall inside it.
    pending = services.registry_upload_store(
        upload=SimpleUploadedFile("底数台账.csv", registry_file(0))
    )
    digest = services.registry_preview(user=user, pending=pending).digest()
    before = Enterprise.objects.count()
    child = start_child(user=user, pending=pending, digest=digest)
    wait_for(child, "READY")
    started = time.monotonic()
    assert child.wait(timeout=300) == 0, child.stderr.read()
    duration = time.monotonic() - started
    assert Enterprise.objects.count() == before + ROWS  # an import left alone writes all

    # Kills land early in the measured time (the rows are written before the child's slow exit);
    # keep trying, up to 10 imports, until one was interrupted midway.
    for batch in range(1, 11):
        if sum(1 for _, _, written in outcomes if written == 0) >= 2:
            break
        pending = services.registry_upload_store(
            upload=SimpleUploadedFile("底数台账.csv", registry_file(batch))
        )
        digest = services.registry_preview(user=user, pending=pending).digest()
        before = Enterprise.objects.count()
        child = start_child(user=user, pending=pending, digest=digest)
        wait_for(child, "READY")
        delay = rng.uniform(0.02, 0.5) * duration
        time.sleep(delay)
        finished_first = child.poll() is not None
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        wait_until_no_other_connection()
        after = Enterprise.objects.count()
        assert after in (before, before + ROWS), (
            f"delay {delay:.2f}s: {after - before} of {ROWS} rows written"
        )
        outcomes.append((round(delay, 2), finished_first, after - before))

    # the check means something only if at least one kill really interrupted an import
    assert any(written == 0 for _, _, written in outcomes), (duration, outcomes)
