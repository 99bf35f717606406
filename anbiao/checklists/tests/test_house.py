"""The checklists app builds no HTML in Python (the templates render the selectors' data) and
keeps its modules small."""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parent.parent


def sources() -> list[Path]:
    return [p for p in APP.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def test_no_html_is_built_in_python() -> None:
    found = [
        str(p.relative_to(APP))
        for p in sources()
        if any(word in p.read_text() for word in ("mark_safe", "format_html", "SafeString"))
    ]
    assert found == []


def test_no_module_is_over_600_lines() -> None:
    sizes = {str(p.relative_to(APP)): len(p.read_text().splitlines()) for p in sources()}
    assert len(sizes) > 10
    assert {name: n for name, n in sizes.items() if n > 600} == {}
