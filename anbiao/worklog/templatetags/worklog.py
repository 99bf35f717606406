"""``{% load worklog %}{% worklog_links answer %}``: the work records linked to a clause."""

from __future__ import annotations

from typing import Any

from django import template

from anbiao.worklog.selectors import linked_records_for_answer

register = template.Library()


@register.inclusion_tag("worklog/_linked_records.html")
def worklog_links(answer: Any) -> dict[str, Any]:
    return {"records": linked_records_for_answer(answer)}
