from __future__ import annotations

from django import template

register = template.Library()

TONES = {
    "pending": "tag-warn",
    "in_progress": "tag-warn",
    "awaiting": "",
    "closed": "tag-ok",
    "withdrawn": "",
}


@register.filter
def status_tone(status: str) -> str:
    """The tag class of a problem status (待整改/整改中 warn, 已销号 ok)."""
    return TONES.get(status, "")
