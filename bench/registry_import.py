"""Benchmark: a 10,000-row registry import (preview + confirm) against openpyxl's bare read.

    .venv/bin/python bench/registry_import.py [--rows 10000]

Generates a registry .xlsx (title row, merged cells, valid credit codes), measures the
baseline (openpyxl read-only, values_only, over the same file; median of three) and the import
(upload: type check and parse; preview: validate against the database; confirm: validate
again inside the transaction and write) on a
fresh throwaway database, prints the details and ends with one JSON line.
Target: ratio = import seconds / baseline seconds ≤ 2.

The database is a temporary SQLite file, or, when DATABASE_URL is set, a test database created
next to it (``test_<name>``) and dropped afterwards. var/anbiao.sqlite3 is never touched.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.TemporaryDirectory(prefix="anbiao-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DEBUG"] = "1"
os.environ["MEDIA_ROOT"] = str(Path(TMP.name) / "media")
OWN_SQLITE = "DATABASE_URL" not in os.environ
if OWN_SQLITE:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(TMP.name) / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "主要负责人",
    "联系电话",
    "所属乡镇/街道",
    "主管部门",
    "行业门类",
    "企业类型",
    "地址",
]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_registry(n: int, towns: list[str], departments: list[str]) -> bytes:
    from anbiao.orgs.models import IndustrySection, SizeClass

    rng = random.Random(20241128)
    sections = [label for _, label in IndustrySection.choices]
    sizes = [label for _, label in SizeClass.choices]
    wb = Workbook()
    ws = wb.active
    ws.title = "底数台账"
    ws.append(["南安市企业安全生产标准化底数台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    seen = set()
    for i in range(n):
        while True:
            body = "91350583" + "".join(rng.choice(ALPHABET) for _ in range(9))
            if body not in seen:
                seen.add(body)
                break
        ws.append(
            [
                i + 1,
                f"南安市测试{i:05d}号企业有限公司",
                body + uscc.calc_check_digit(body),
                rng.choice("陈林黄李王张吴刘") + rng.choice(["志明", "建华", "秀英", "国强"]),
                13800000000 + rng.randrange(10**8),  # a number, as Excel keeps phones
                rng.choice(towns),
                rng.choice(departments).removeprefix("南安市"),
                rng.choice(sections),
                rng.choice(sizes),
                f"南安市某某路{rng.randrange(1, 999)}号",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def openpyxl_read(path: Path) -> int:
    wb = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in wb.active.iter_rows(values_only=True))
    wb.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    test_db = None
    if OWN_SQLITE:
        call_command("migrate", verbosity=0, interactive=False)
    else:
        test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows)
    finally:
        if test_db is not None:
            connection.creation.destroy_test_db(test_db, verbosity=0)
        TMP.cleanup()


def run(n: int) -> None:
    from anbiao.accounts.models import Role
    from anbiao.orgs import builtin
    from anbiao.orgs.models import Enterprise, Organization, OrgKind
    from anbiao.orgs.registry import services
    from anbiao.orgs.tests.factories import make_user

    builtin.load()
    city = Organization.objects.get(kind=OrgKind.CITY)
    user = make_user(city, Role.ORG_ADMIN, username="bench_city")
    towns = list(Organization.objects.filter(kind=OrgKind.TOWN).values_list("name", flat=True))
    departments = list(
        Organization.objects.filter(kind=OrgKind.DEPARTMENT).values_list("name", flat=True)
    )

    data = make_registry(n, towns, departments)
    path = Path(TMP.name) / "registry.xlsx"
    path.write_bytes(data)
    print(f"文件：{n} 行，{len(data) / 1024:.0f} KB（{connection.vendor}）")

    baselines = []
    for _ in range(3):
        start = time.perf_counter()
        rows = openpyxl_read(path)
        baselines.append(time.perf_counter() - start)
    baseline = statistics.median(baselines)
    print(f"基线：openpyxl 只读读取 {rows} 行，{', '.join(f'{b:.3f}' for b in baselines)} 秒")

    # The import as a user runs it: upload (type check, parse, header check, kept on the
    # server), preview (validated against the database), confirm (validated again, written).
    upload = SimpleUploadedFile("registry.xlsx", data)
    start = time.perf_counter()
    pending = services.registry_upload_store(upload=upload)
    stored = time.perf_counter() - start
    print(f"上传与解析：{stored:.3f} 秒")

    start = time.perf_counter()
    plan = services.registry_preview(user=user, pending=pending)
    preview = time.perf_counter() - start
    digest = plan.digest()
    print(
        f"预览：{preview:.3f} 秒（新增 {len(plan.created)}，更新 {len(plan.updated)}，"
        f"跳过 {len(plan.skipped)}，错误 {len(plan.error_rows)}）"
    )
    assert len(plan.created) == n and not plan.error_rows, "the generated file must import"

    start = time.perf_counter()
    result = services.registry_import_confirm(
        user=user, pending=pending, accepted=[], digest=digest
    )
    confirm = time.perf_counter() - start
    print(f"确认写入：{confirm:.3f} 秒（新增 {result.created}，更新 {result.updated}）")
    assert Enterprise.objects.count() == n

    seconds = stored + preview + confirm
    ratio = seconds / baseline
    print(f"导入合计 {seconds:.3f} 秒 / 基线 {baseline:.3f} 秒 = {ratio:.2f}（目标 ≤ 2）")
    print(
        json.dumps(
            {
                "bench": "registry_import",
                "n": n,
                "seconds": round(seconds, 4),
                "baseline_seconds": round(baseline, 4),
                "ratio": round(ratio, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
