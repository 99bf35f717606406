"""Keep tracked problems in step with the 存在问题 lines of a checklist answer.

Owned by the rectification app; the checklists app calls :func:`sync_answer_problems` after
every save of an answer's problem lines (inside the same transaction).
"""

from __future__ import annotations

from typing import Any


def sync_answer_problems(answer: Any, *, by: Any) -> None:
    """Create, update or withdraw the tracked problems of ``answer`` so they equal its lines.

    Placeholder until the rectification models land: the lines themselves are the record.
    """
    return None
