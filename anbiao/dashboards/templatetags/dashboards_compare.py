"""Template helpers for 上期对照 on another app's page (the checklist fill page).

    {% load dashboards_compare %}
    {% previous_answers checklist as previous %}            {# once per page: 3 queries #}
    {% with prev=previous|previous_for:answer.clause.position %}
      {% include "dashboards/_previous_clause.html" %}
    {% endwith %}

Where ``previous`` is missing (e.g. an htmx re-render of one clause) nothing is shown.
"""

from __future__ import annotations

from typing import Any

from django import template

from anbiao.dashboards.compare import PreviousAnswer
from anbiao.dashboards.compare import previous_answers as _previous_answers

register = template.Library()


@register.simple_tag
def previous_answers(checklist: Any) -> dict[int, PreviousAnswer]:
    if checklist is None or not getattr(checklist, "pk", None):
        return {}
    return _previous_answers(checklist)


@register.filter
def previous_for(previous: Any, position: Any) -> PreviousAnswer | None:
    if not isinstance(previous, dict):
        return None
    try:
        return previous.get(int(position))
    except (TypeError, ValueError):
        return None
