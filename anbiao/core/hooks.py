"""Named hooks: how an app contributes to a page of another app without that app importing it.

The app that owns the page declares the hook in its own ``hooks.py``::

    linked_records = Hook("checklists.linked_records", "work records linked to a checklist's answers")

and calls the providers where the page needs them (``linked_records.providers()``). The
contributing app, which already depends on the owner, registers in its ``AppConfig.ready``::

    from anbiao.checklists import hooks
    hooks.linked_records.register(records_for_answers)

So imports point down only: the owner never names the contributor. ``HOOKS`` lists every
declared hook (``docs/DEVELOPING.md`` describes them). The menu and home cards use the other
contribution style, a module of a fixed name per app (``anbiao.core.discovery``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HOOKS: dict[str, Hook[Any]] = {}


class Hook[F: Callable[..., Any]]:
    """A point where other apps register callables of one signature (``F``)."""

    def __init__(self, name: str, doc: str) -> None:
        if name in HOOKS:
            raise ValueError(f"hook {name} is declared twice")
        self.name = name
        self.doc = doc
        self._providers: list[F] = []
        HOOKS[name] = self

    def register(self, fn: F) -> F:
        """Add ``fn`` (once: registering again, e.g. a second ``ready()``, changes nothing)."""
        if fn not in self._providers:
            self._providers.append(fn)
        return fn

    def providers(self) -> tuple[F, ...]:
        return tuple(self._providers)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._providers)} provider(s)>"
