"""Find per-app hook modules (``builtin``, ``demo``) without a shared registry file."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> Iterator[ModuleType]:
    """Yield ``anbiao.<app>.<name>`` for every installed anbiao app that has it, in app order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("anbiao."):
            continue
        dotted = f"{config.name}.{name}"
        try:
            yield importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
