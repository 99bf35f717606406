"""scripts/audit_deps.py: what it reports from PyPI's answers (the index is faked here; `make
audit` runs it against the real one)."""

from __future__ import annotations

import importlib.util
import sys
import urllib.error
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"


@pytest.fixture
def audit(monkeypatch):  # noqa: ANN001, ANN201
    module = load(monkeypatch)
    monkeypatch.setattr(module, "installed", lambda: {"django": "6.1", "pytest": "8.0"})
    monkeypatch.setattr(module, "runtime", lambda: {"django"})
    return module


def load(monkeypatch) -> Any:  # noqa: ANN001
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "audit_deps", module)  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def index(answers: dict[str, Any]):  # noqa: ANN201
    """A fake get_json: {url suffix: JSON or None (404) or an exception}."""

    def get_json(url: str) -> Any:
        for suffix, answer in answers.items():
            if url.endswith(suffix):
                if isinstance(answer, Exception):
                    raise answer
                return answer
        return None

    return get_json


VULN = {
    "id": "PYSEC-2099-1",
    "aliases": ["CVE-2099-0001"],
    "fixed_in": ["6.1.1"],
    "summary": "SQL injection in something",
}


def latest(version: str, vulns: list | None = None) -> dict:
    return {"info": {"version": version}, "vulnerabilities": vulns or []}


def test_a_clean_environment_passes(audit, monkeypatch, capsys, tmp_path) -> None:  # noqa: ANN001
    answers = {"/django/json": latest("6.1"), "/pytest/json": latest("8.0")}
    monkeypatch.setattr(audit, "get_json", index(answers))
    assert audit.main(["--no-pip-audit", "--ignore-file", str(tmp_path / "none")]) == 0
    assert "已核查 2 个" in capsys.readouterr().out


def test_a_vulnerability_of_the_installed_version_fails_the_audit(
    audit, monkeypatch, capsys, tmp_path
) -> None:  # noqa: ANN001
    answers = {"/django/json": latest("6.1", [VULN]), "/pytest/json": latest("8.0")}
    monkeypatch.setattr(audit, "get_json", index(answers))
    assert audit.main(["--no-pip-audit", "--ignore-file", str(tmp_path / "none")]) == 1
    out = capsys.readouterr().out
    assert "漏洞 django 6.1 PYSEC-2099-1（CVE-2099-0001）修复版本 6.1.1" in out


def test_an_older_version_is_checked_by_its_own_page_when_the_index_has_it(
    audit, monkeypatch, tmp_path
) -> None:  # noqa: ANN001
    answers = {
        "/django/json": latest("6.2"),
        "/django/6.1/json": latest("6.1", [VULN]),
        "/pytest/json": latest("8.0"),
    }
    monkeypatch.setattr(audit, "get_json", index(answers))
    assert audit.main(["--no-pip-audit", "--ignore-file", str(tmp_path / "none")]) == 1


def test_a_runtime_package_that_cannot_be_verified_fails_a_dev_tool_only_warns(
    audit, monkeypatch, capsys, tmp_path
) -> None:  # noqa: ANN001
    none = ["--no-pip-audit", "--ignore-file", str(tmp_path / "none")]
    dev_old = {"/django/json": latest("6.1"), "/pytest/json": latest("9.0")}
    monkeypatch.setattr(audit, "get_json", index(dev_old))
    assert audit.main(none) == 0
    assert "未能核实（开发工具）pytest 8.0" in capsys.readouterr().out
    assert audit.main([*none, "--strict"]) == 1
    runtime_old = {"/django/json": latest("6.2"), "/pytest/json": latest("8.0")}
    monkeypatch.setattr(audit, "get_json", index(runtime_old))
    assert audit.main(none) == 1
    assert "未能核实（运行依赖）django 6.1" in capsys.readouterr().out


def test_an_ignored_vulnerability_needs_a_reason(audit, monkeypatch, capsys, tmp_path) -> None:  # noqa: ANN001
    answers = {"/django/json": latest("6.1", [VULN]), "/pytest/json": latest("8.0")}
    monkeypatch.setattr(audit, "get_json", index(answers))
    reasons = tmp_path / "ignore"
    reasons.write_text("CVE-2099-0001  只影响 Oracle 后端，本平台不用\n", encoding="utf-8")
    assert audit.main(["--no-pip-audit", "--ignore-file", str(reasons)]) == 0
    assert "已忽略 django 6.1 PYSEC-2099-1" in capsys.readouterr().out
    reasons.write_text("PYSEC-2099-1\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="没有写明忽略原因"):
        audit.main(["--no-pip-audit", "--ignore-file", str(reasons)])


def test_an_unreachable_index_is_not_a_pass(audit, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    down = urllib.error.URLError("no route")
    monkeypatch.setattr(audit, "get_json", index({"/json": down}))
    assert audit.main(["--no-pip-audit", "--ignore-file", str(tmp_path / "none")]) == 2


def test_the_runtime_closure_holds_django_but_not_the_test_tools(monkeypatch) -> None:  # noqa: ANN001
    needed = load(monkeypatch).runtime()
    assert {"django", "psycopg", "openpyxl", "weasyprint"} <= needed
    assert not {"pytest", "hypothesis", "schemathesis", "mypy"} & needed
