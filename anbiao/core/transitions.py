"""One shape for every state machine: a table of :class:`Transition` rows in a :class:`Machine`.

A row says: from ``source``, the action ``action`` leads to ``target``; ``label`` is the
Chinese verb shown on buttons and in messages; ``actor`` names who may do it, in the machine's
own terms ("owner"/"supervisor", "enterprise"/"department"/"city", "system" for moves the
platform makes itself; "" when the service checks the user otherwise). ``source`` is ``None``
for a move that creates the record (e.g. the first 填报 of a statistics table).

The machine is only the table: who the user acts for, and the checks beyond the status (five
items filled, a reason given) stay in each app's services, which apply the move inside their
transaction and write the audit entry. ``Machine.problems()`` checks the table (every state
reachable from the initial ones, no (source, action) twice, one target per action) and
``Machine.table()`` prints it (``anbiao/core/tests/test_transitions.py`` prints them all).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Transition:
    source: str | None
    action: str
    target: str
    label: str
    actor: str = ""


@dataclass(frozen=True)
class Move:
    """One action of a machine with all the states it may start from."""

    action: str
    sources: tuple[str | None, ...]
    target: str
    label: str
    actor: str


class Machine(Mapping[str, Move]):
    """The transitions of one kind of record; a mapping action → :class:`Move`."""

    def __init__(
        self,
        name: str,
        states: Any,
        transitions: Iterable[Transition],
        *,
        initial: Iterable[str | None],
        absent: str = "（尚无记录）",
    ) -> None:
        self.name = name
        self.absent = absent  # how a record that does not exist yet (source None) is named
        # a TextChoices class or a {value: label} mapping
        self.states: dict[str, str] = dict(getattr(states, "choices", None) or states)
        self.transitions = tuple(transitions)
        self.initial = tuple(initial)
        self._moves: dict[str, Move] = {}
        for t in self.transitions:
            known = self._moves.get(t.action)
            sources = (*known.sources, t.source) if known else (t.source,)
            self._moves[t.action] = Move(t.action, sources, t.target, t.label, t.actor)

    # --- Mapping -------------------------------------------------------------------------------

    def __getitem__(self, action: str) -> Move:
        return self._moves[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self._moves)

    def __len__(self) -> int:
        return len(self._moves)

    # --- reading the table ---------------------------------------------------------------------

    def state_label(self, state: str | None) -> str:
        return self.absent if state is None else self.states.get(state, state)

    def can(self, action: str, current: str | None) -> bool:
        move = self._moves.get(action)
        return move is not None and current in move.sources

    def allowed(self, current: str | None, *, actor: str | None = None) -> list[Move]:
        """The moves that start from ``current`` (by ``actor`` only, when given), in table order."""
        return [
            m
            for m in self._moves.values()
            if current in m.sources and (actor is None or m.actor == actor)
        ]

    def target(self, action: str, current: str | None, *, refusal: str = "") -> str:
        """The state ``action`` leads to from ``current``; else a ValidationError with
        ``refusal`` (formatted with ``{state}`` and ``{label}``; a plain Chinese default)."""
        from django.core.exceptions import ValidationError

        move = self._moves.get(action)
        if move is None:
            raise ValidationError("未知的操作。")
        if current not in move.sources:
            text = refusal or "当前状态为“{state}”，不能{label}。"
            raise ValidationError(text.format(state=self.state_label(current), label=move.label))
        return move.target

    # --- checking and printing -----------------------------------------------------------------

    def reachable(self) -> set[str | None]:
        seen: set[str | None] = set(self.initial)
        todo = list(self.initial)
        while todo:
            state = todo.pop()
            for t in self.transitions:
                if t.source == state and t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        return seen

    def problems(self) -> list[str]:
        """What is wrong with the table (empty when it is consistent)."""
        found = []
        pairs: set[tuple[str | None, str]] = set()
        for t in self.transitions:
            if (t.source, t.action) in pairs:
                found.append(f"{self.name}: ({t.source}, {t.action}) appears twice")
            pairs.add((t.source, t.action))
            for state in (t.source, t.target):
                if state is not None and state not in self.states:
                    found.append(f"{self.name}: {t.action} names an unknown state {state}")
            if self._moves[t.action].target != t.target:
                found.append(f"{self.name}: {t.action} leads to more than one state")
            if self._moves[t.action].label != t.label:
                found.append(f"{self.name}: {t.action} has more than one label")
        for state in self.initial:
            if state is not None and state not in self.states:
                found.append(f"{self.name}: unknown initial state {state}")
        unreached = set(self.states) - self.reachable()
        found += [f"{self.name}: state {s} cannot be reached" for s in sorted(unreached)]
        return found

    def table(self) -> str:
        """The machine as a text table: one line per transition."""
        rows = [(f"{self.name}", "", "", "", "")]
        rows.append(("from", "action", "to", "label", "actor"))
        for t in self.transitions:
            rows.append(
                (
                    self.state_label(t.source),
                    t.action,
                    self.state_label(t.target),
                    t.label,
                    t.actor or "—",
                )
            )
        return "\n".join(" | ".join(cell for cell in row if cell) for row in rows)
