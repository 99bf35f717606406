"""What other apps contribute to the checklist filling page (see ``anbiao.core.hooks``).

- ``previous_answers(checklist) -> {clause position: previous answer}``: the same clause's
  answer in the unit's previous look-back (registered by ``anbiao.dashboards``).
- ``linked_records(answer_ids) -> {answer id: [(url, label), …]}``: work records linked to the
  answers as evidence, in date order, in one query (registered by ``anbiao.worklog``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from anbiao.core.hooks import Hook

previous_answers: Hook[Callable[[Any], dict[int, Any]]] = Hook(
    "checklists.previous_answers", "上期同一条细则的答案（工作台的上期对照）"
)
linked_records: Hook[Callable[[Iterable[Any]], dict[Any, list[tuple[str, str]]]]] = Hook(
    "checklists.linked_records", "作为佐证关联到细则答案的工作记录"
)
