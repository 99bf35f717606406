"""One way into the browser tests: the root conftest's ``log_in`` / ``sign_in`` fixtures."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FILL = "get_by_label(" + '"用户名或手机号")'  # split: this file does not count itself


def test_no_browser_test_fills_the_login_form_itself() -> None:
    fills = [
        f"{path.relative_to(ROOT)}"
        for base in (ROOT / "anbiao", ROOT / "tests")
        for path in base.rglob("test_*.py")
        if FILL in path.read_text(encoding="utf-8")
    ]
    assert fills == []
    assert FILL in (ROOT / "conftest.py").read_text(encoding="utf-8")
