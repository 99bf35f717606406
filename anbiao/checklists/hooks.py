"""What other apps contribute to the checklist filling page (see ``anbiao.core.hooks``).

- ``previous_answers(checklist) -> {clause position: previous answer}``: the same clause's
  answer in the unit's previous look-back (registered by ``anbiao.dashboards``).
- ``linked_records(answer_ids) -> {answer id: [(url, label), …]}``: work records linked to the
  answers as evidence, in date order, in one query (registered by ``anbiao.worklog``).
- ``linked_records_probe() -> SQL``: a sub-select taking the checklist id as its one parameter
  (``%s``) that gives a row when any answer of that checklist has a linked record; the page
  runs it inside its answers query and calls ``linked_records`` only when one of them says yes
  (registered by ``anbiao.worklog``; without any probe the providers are always called). Only
  table and column names from the models' metadata may be formatted into it, never input.
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
linked_records_probe: Hook[Callable[[], str]] = Hook(
    "checklists.linked_records_probe",
    "细则答案是否有关联的工作记录（一个 SQL 子查询，页面据此跳过查询）",
)
