"""``{{ date|deadline_text }}``: a deadline written as every page writes it (2024年11月25日 23:59);
``{{ value|percent }}``: a rate with its % sign, or “—” when nobody is expected."""

from __future__ import annotations

import datetime as dt

from django import template

from anbiao.obligations import deadlines

register = template.Library()


@register.filter
def deadline_text(value: dt.date | None) -> str:
    return deadlines.deadline_text(value) if value else "—"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"
