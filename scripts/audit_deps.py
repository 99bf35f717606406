"""Audit the installed Python packages for known vulnerabilities (`make audit`).

    .venv/bin/python scripts/audit_deps.py [--strict] [--ignore-file .audit-ignore]

First runs pip-audit (the project's declared tool). pip-audit asks PyPI's per-version JSON
(``/pypi/<name>/<version>/json``) or api.osv.dev; where neither answers (seen on the
government intranet mirror and on this project's build machines, where the per-version JSON
is 404 and osv.dev does not resolve), pip-audit skips every package as "not found" and proves
nothing. This script then asks what does answer there: PyPI's project JSON
(``/pypi/<name>/json``), whose ``vulnerabilities`` are those of the project's LATEST release.

* installed version == latest: its vulnerabilities are exactly those listed — checked;
* installed version older: the per-version JSON is tried; if it does not answer either, the
  package is reported "not verified". A package the platform needs at run time (the closure
  of the project's own dependencies, without the ``dev`` extra) that cannot be verified fails
  the audit: upgrade it, or audit where PyPI answers fully. Development-only tools that cannot
  be verified are listed as warnings (``--strict`` fails on them too).

PyPI's entries carry no severity, so every listed vulnerability fails the audit unless its id
is in the ignore file with a reason (one ``ID  reason`` per line, ``#`` comments). Exit status:
0 clean, 1 vulnerabilities (or not verified with --strict), 2 the index could not be reached.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

INDEX = "https://pypi.org/pypi"
TIMEOUT = 20


@dataclass
class Finding:
    name: str
    version: str
    latest: str = ""
    status: str = ""  # "checked" | "not verified" | "unreachable"
    vulns: list[dict] = field(default_factory=list)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, str]:
    """{canonical name: version} of every distribution in this interpreter's environment, the
    project itself (not on PyPI) left out."""
    out = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name and canonical(name) != "anbiao":
            out[canonical(name)] = dist.version
    return out


def runtime() -> set[str]:
    """The canonical names of the distributions the project needs at run time: its own
    requirements without extras, and theirs, transitively."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = ["anbiao"]
    while todo:
        name = todo.pop()
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for spec in requires:
            req = Requirement(spec)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue
            dep = canonical(req.name)
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:  # noqa: S310 — fixed https index
            return json.load(resp)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def check(name: str, version: str) -> Finding:
    found = Finding(name, version)
    try:
        project = get_json(f"{INDEX}/{name}/json")
    except (urllib.error.URLError, TimeoutError, OSError):
        found.status = "unreachable"
        return found
    if project is None:
        found.status = "not verified"  # not on PyPI
        return found
    found.latest = project["info"]["version"]
    if found.latest == version:
        found.status, found.vulns = "checked", project.get("vulnerabilities") or []
        return found
    try:
        exact = get_json(f"{INDEX}/{name}/{version}/json")
    except (urllib.error.URLError, TimeoutError, OSError):
        exact = None
    if exact is not None:
        found.status, found.vulns = "checked", exact.get("vulnerabilities") or []
    else:
        found.status = "not verified"
    return found


def ignored(path: Path) -> dict[str, str]:
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                vid, _, reason = line.partition(" ")
                if not reason.strip():
                    raise SystemExit(f"{path}: {vid} 没有写明忽略原因")
                out[vid] = reason.strip()
    return out


def pip_audit_works() -> bool:
    """Whether pip-audit ran and actually audited the environment (not skipped everything)."""
    exe = shutil.which("pip-audit", path=str(Path(sys.executable).parent))
    if exe is None:
        print("pip-audit 未安装，改用 PyPI 项目 JSON 核查。")
        return False
    run = subprocess.run(  # noqa: S603 — our own venv's tool
        [exe, "--progress-spinner", "off", "--skip-editable"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    skipped = run.stderr.count("Dependency not found on PyPI") + run.stdout.count(
        "not found on PyPI"
    )
    if run.returncode == 0 and skipped == 0:
        print(run.stdout.strip() or "pip-audit：未发现已知漏洞。")
        return True
    if skipped:
        print(f"pip-audit 无法查询漏洞库（{skipped} 个包被跳过），改用 PyPI 项目 JSON 核查。")
        return False
    print(run.stdout)
    print(run.stderr, file=sys.stderr)
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="依赖漏洞核查")
    parser.add_argument("--strict", action="store_true", help="开发工具无法核实也算失败")
    parser.add_argument("--ignore-file", type=Path, default=Path(".audit-ignore"))
    parser.add_argument("--no-pip-audit", action="store_true", help="直接用 PyPI 项目 JSON 核查")
    args = parser.parse_args(argv)
    if not args.no_pip_audit and pip_audit_works():
        return 0
    skip = ignored(args.ignore_file)
    packages = installed()
    with ThreadPoolExecutor(max_workers=8) as pool:
        findings = list(pool.map(lambda kv: check(*kv), sorted(packages.items())))
    if all(f.status == "unreachable" for f in findings):
        print("无法访问 PyPI（https://pypi.org/pypi/…/json），未能核查。", file=sys.stderr)
        return 2
    needed = runtime()
    bad = unverified = blocking = 0
    for f in findings:
        for v in f.vulns:
            vid = v.get("id", "?")
            aliases = ", ".join(v.get("aliases") or [])
            fixed = ", ".join(v.get("fixed_in") or []) or "无"
            if vid in skip or any(a in skip for a in v.get("aliases") or []):
                print(
                    f"已忽略 {f.name} {f.version} {vid}（{aliases}）：{skip.get(vid, '见忽略文件')}"
                )
                continue
            bad += 1
            summary = (v.get("summary") or v.get("details") or "").strip().splitlines()
            print(
                f"漏洞 {f.name} {f.version} {vid}（{aliases}）修复版本 {fixed}：{summary[0] if summary else ''}"
            )
        if f.status != "checked":
            unverified += 1
            role = "运行依赖" if f.name in needed else "开发工具"
            blocking += f.name in needed or args.strict
            latest = f"，最新 {f.latest}" if f.latest else ""
            print(f"未能核实（{role}）{f.name} {f.version}（{f.status}{latest}）")
    checked = sum(f.status == "checked" for f in findings)
    print(
        f"共 {len(findings)} 个包（运行依赖 {len(needed & set(packages))} 个）：已核查 {checked} 个，"
        f"未能核实 {unverified} 个；已知漏洞 {bad} 个。"
    )
    if bad or blocking:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
