"""Named hooks (anbiao.core.hooks): declared once, filled by the contributing apps' ready()."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from anbiao.core.hooks import HOOKS, Hook


def test_a_hook_keeps_each_provider_once_in_order() -> None:
    hook: Hook[Callable[[], int]] = Hook("tests.sample", "示例")
    try:

        def one() -> int:
            return 1

        def two() -> int:
            return 2

        hook.register(one)
        hook.register(two)
        hook.register(one)
        assert hook.providers() == (one, two)
        with pytest.raises(ValueError, match="declared twice"):
            Hook("tests.sample", "again")
    finally:
        del HOOKS["tests.sample"]


def test_the_checklist_page_hooks_are_filled_by_dashboards_and_worklog() -> None:
    from anbiao.checklists import hooks
    from anbiao.dashboards.compare import previous_answers
    from anbiao.worklog.selectors import linked_records_for_answers

    assert hooks.previous_answers.providers() == (previous_answers,)
    assert hooks.linked_records.providers() == (linked_records_for_answers,)
    assert {"checklists.previous_answers", "checklists.linked_records"} <= set(HOOKS)
