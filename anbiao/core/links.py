"""URLs of named routes, reversed once per process instead of on every page.

``reverse()`` walks the URL resolver each time (about 13 µs); a page that links a dozen named
routes pays for it on every request. A route without arguments, or with one UUID, always
reverses to the same text but for that UUID, so :func:`link` reverses it once (with a
placeholder UUID) and fills the pk in. ``test_links_equal_reverse`` holds the two equal.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.urls import get_script_prefix, reverse

_PLACEHOLDER = "00000000-0000-4000-8000-000000000000"


@cache
def _pattern(name: str, prefix: str, with_pk: bool) -> str:
    return reverse(name, args=[_PLACEHOLDER] if with_pk else None)


def link(name: str, pk: Any = None) -> str:
    """``reverse(name)`` or ``reverse(name, args=[pk])`` for a route taking one UUID."""
    if pk is None:
        return _pattern(name, get_script_prefix(), False)
    return _pattern(name, get_script_prefix(), True).replace(_PLACEHOLDER, str(pk))
