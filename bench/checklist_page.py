"""Bench: requests per second of a FILLED 51-clause checklist page against a one-query view.

    .venv/bin/python bench/checklist_page.py [--seconds 10] [--threads 4] [--max-requests 20000]

What it does, all on this machine:
1. creates its own PostgreSQL database ``anbiao_bench`` (dropped at the end; falls back to a
   temporary SQLite file, with a printed note, when PostgreSQL is not reachable), migrates it;
2. seeds one enterprise with its 附件2 look-back: all 51 clauses answered, problem lines on
   every 4th clause (tracked by the rectification app), an evidence photo on every 5th;
3. starts gunicorn (2 workers, gthread) on a free loopback port with production settings
   (DEBUG off) plus one bench-only URL ``/__bench__/one-query/`` (see checklist_page_urls.py);
4. logs in through the real login form, then drives each URL for a fixed duration with a small
   load generator (threads, http.client keep-alive, bounded request count), in alternating
   rounds — baseline, page, baseline, page … — against the same server, so that a change in
   the machine's other load during the run hits both alike;
5. prints the details and ends with ONE JSON line.

``ratio`` = page seconds per request / baseline seconds per request (= baseline rps / page rps),
the median of the rounds' ratios; ``seconds`` and ``baseline_seconds`` are the medians of the
rounds. Target: ratio ≤ 2.0, i.e. the page serves at least half the baseline's requests per
second.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_DB_NAME", "anbiao_bench")  # one per worktree when several run
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
USERNAME, PASSWORD = "bench_filler", "Bench@2024xyz"


def log(msg: str) -> None:
    print(msg, flush=True)


# --- database ---------------------------------------------------------------------------------


def pg_recreate() -> str | None:
    """Drop and create the bench database; its URL, or None when PostgreSQL is unreachable."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    except Exception as exc:  # noqa: BLE001 — any failure means: no PostgreSQL here
        log(
            f"注意：PostgreSQL 不可用（{exc.__class__.__name__}: {exc}），改用 SQLite，结果仅供参考。"
        )
        return None
    parts = urllib.parse.urlsplit(PG_ADMIN)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def pg_drop() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# --- seeding ----------------------------------------------------------------------------------


def seed() -> str:
    """Seed the enterprise, its user and its filled checklist; returns the checklist id."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections, transaction
    from django.utils import timezone
    from PIL import Image

    from anbiao.accounts.models import Membership, Role, User
    from anbiao.campaigns.models import Campaign, CampaignStatus
    from anbiao.checklists import builtin
    from anbiao.checklists.models import AnswerEvidence, AnswerResult, ProblemLine
    from anbiao.checklists.services import checklist_start
    from anbiao.core.uploads import store_upload
    from anbiao.orgs.models import Enterprise, Organization, OrgKind
    from anbiao.rectification.sync import sync_answer_problems

    builtin.load()
    with transaction.atomic():
        town = Organization.objects.create(kind=OrgKind.TOWN, name="溪美街道")
        dept = Organization.objects.create(kind=OrgKind.DEPARTMENT, name="南安市应急管理局")
        org = Organization.objects.create(kind=OrgKind.ENTERPRISE, name="南安市压测陶瓷有限公司")
        Enterprise.objects.create(
            organization=org,
            credit_code="91350583MA2XXXXX0B"[:18],
            principal="张三",
            town=town,
            department=dept,
            industry="C",
            size_class="small",
        )
        user = User.objects.create_user(
            username=USERNAME, password=PASSWORD, organization=org, full_name="压测填报员"
        )
        Membership.objects.create(user=user, role=Role.FILLER)
        today = timezone.localdate()
        campaign = Campaign.objects.create(
            name="压测专项行动“回头看”",
            period_start=today,
            period_end=today,
            enterprise_deadline=today,
            government_deadline=today,
            enterprise_template_version=builtin.latest_version("fujian2_2024"),
            government_template_version=builtin.latest_version("fujian1_2024"),
            status=CampaignStatus.OPEN,
        )
        checklist = checklist_start(by=user, campaign=campaign, organization=org)
        photo = io.BytesIO()
        Image.new("RGB", (640, 480), "gray").save(photo, format="JPEG")
        problems = files = 0
        for answer in checklist.answers.select_related("clause").order_by("clause__position"):
            pos = answer.clause.position
            answer.result = AnswerResult.NONCONFORM if pos % 4 == 0 else AnswerResult.CONFORM
            answer.remarks = f"第{pos}条已对照检查。"
            answer.version += 1
            answer.save()
            if pos % 4 == 0:
                for n in (1, 2):
                    ProblemLine.objects.create(
                        answer=answer, position=n, text=f"第{pos}条问题{n}：台账记录不完整"
                    )
                    problems += 1
                sync_answer_problems(answer, by=user)
            if pos % 5 == 0:
                stored = store_upload(
                    SimpleUploadedFile("现场照片.jpg", photo.getvalue(), content_type="image/jpeg"),
                    by=user,
                    organization=org,
                    purpose="evidence",
                )
                AnswerEvidence.objects.create(answer=answer, stored_file=stored, added_by=user)
                files += 1
        clauses = checklist.answers.count()
    log(f"已生成：{clauses} 条细则全部作答，存在问题 {problems} 条，佐证材料 {files} 份。")
    connections.close_all()
    return str(checklist.pk)


# --- HTTP -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/__bench__/one-query/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn 未能启动")


def login(port: int) -> str:
    """Log in through the real form; returns the Cookie header value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookies = dict(
        c.split(";", 1)[0].split("=", 1) for c in resp.headers.get_all("Set-Cookie") or []
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    resp = conn.getresponse()
    resp.read()
    for c in resp.headers.get_all("Set-Cookie") or []:
        k, v = c.split(";", 1)[0].split("=", 1)
        cookies[k] = v
    if resp.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"登录失败：HTTP {resp.status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def load(
    port: int, path: str, cookie: str, *, seconds: float, threads: int, max_requests: int
) -> dict:
    """Keep ``threads`` keep-alive connections busy on ``path`` for ``seconds`` (bounded)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    count = [0]
    stop_at = time.perf_counter() + seconds
    headers = {"Cookie": cookie, "Connection": "keep-alive"}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            with lock:
                if count[0] >= max_requests:
                    return
                count[0] += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    with lock:
                        errors.append(f"HTTP {resp.status}")
                if resp.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(exc.__class__.__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    n = len(latencies)
    ordered = sorted(latencies) or [0.0]
    return {
        "n": n,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "elapsed": elapsed,
        "rps": n / elapsed if elapsed else 0.0,
        "mean": statistics.fmean(latencies) if latencies else 0.0,
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
    }


def describe(name: str, r: dict) -> None:
    log(
        f"{name}: {r['n']} 次请求 / {r['elapsed']:.1f} 秒 = {r['rps']:.1f} 次/秒；"
        f"平均 {r['mean'] * 1000:.1f} ms，p95 {r['p95'] * 1000:.1f} ms；错误 {r['errors']} {r['error_kinds']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="每轮每项的秒数")
    parser.add_argument("--rounds", type=int, default=7, help="基准与页面交替测量的轮数")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--keep-db", action="store_true", help="不删除压测数据库")
    args = parser.parse_args()

    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="anbiao_bench_"))
    db_url = pg_recreate()
    if db_url is None:
        db_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.checklist_page_settings",
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "AUDIT_HMAC_KEYS": "bench:" + os.urandom(32).hex(),  # production settings require it
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "AXES_ENABLED": "0",
        "MEDIA_ROOT": str(workdir / "media"),
        "DB_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    python = sys.executable
    server = None
    try:
        log(f"数据库：{db_url.rsplit('@', 1)[-1]}")
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, check=True
        )
        checklist_id = seed()
        page_path = f"/checklists/{checklist_id}/"
        port = free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
        server = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "2",
                "--keep-alive",
                "5",
                "--log-level",
                "warning",
            ],
            env=env,
            start_new_session=True,
        )
        wait_up(port)
        cookie = login(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", page_path, headers={"Cookie": cookie})
        resp = conn.getresponse()
        body = resp.read().decode()
        if resp.status != 200 or "南安市压测陶瓷有限公司" not in body:
            log(f"细则填报页不可用（HTTP {resp.status}），改测打印页。")
            page_path = f"/checklists/export/{checklist_id}/print/"
        log(f"页面：{page_path}（{len(body) // 1024} KB）；基准：/__bench__/one-query/")
        log(
            f"gunicorn 2 个 worker（gthread×2），负载 {args.threads} 线程 keep-alive，"
            f"{args.rounds} 轮交替测量，每轮每项 {args.seconds:g} 秒。"
        )
        warm = {"seconds": 1.0, "threads": args.threads, "max_requests": 200}
        load(port, "/__bench__/one-query/", cookie, **warm)
        load(port, page_path, cookie, **warm)
        base_s_all, page_s_all, ratios, page_n = [], [], [], 0
        opts = {"seconds": args.seconds, "threads": args.threads, "max_requests": args.max_requests}
        for n in range(1, args.rounds + 1):
            base = load(port, "/__bench__/one-query/", cookie, **opts)
            page = load(port, page_path, cookie, **opts)
            if page["n"] == 0 or base["n"] == 0 or page["errors"] or base["errors"]:
                describe("基准（一次查询）", base)
                describe("细则页（51 条，已填）", page)
                raise SystemExit("有失败的请求")
            page_n += page["n"]
            base_s_all.append(1 / base["rps"])
            page_s_all.append(1 / page["rps"])
            ratios.append(page_s_all[-1] / base_s_all[-1])
            log(
                f"第 {n} 轮：基准 {base['rps']:.1f} 次/秒，页面 {page['rps']:.1f} 次/秒，"
                f"倍数 {ratios[-1]:.2f}"
            )
        describe("基准（一次查询，最后一轮）", base)
        describe("细则页（51 条，已填，最后一轮）", page)
        ratio = statistics.median(ratios)
        page_s, base_s = statistics.median(page_s_all), statistics.median(base_s_all)
        log(
            f"ratio = 页面每请求秒数 / 基准每请求秒数，{args.rounds} 轮的中位数 = {ratio:.2f}"
            f"（各轮 {min(ratios):.2f}–{max(ratios):.2f}；目标 ≤ 2.0，即页面 rps ≥ 基准的 0.5 倍："
            f"{'达标' if ratio <= 2.0 else '未达标'}）"
        )
        print(
            json.dumps(
                {
                    "bench": "checklist_page",
                    "n": page_n,
                    "rounds": args.rounds,
                    "seconds": round(page_s, 6),
                    "baseline_seconds": round(base_s, 6),
                    "ratio": round(ratio, 3),
                    "ratio_is": "page_seconds/baseline_seconds",
                }
            ),
            flush=True,
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 — Django may not be set up yet
            pass
        if db_url.startswith("postgres") and not args.keep_db:
            pg_drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
