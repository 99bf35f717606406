from __future__ import annotations

from django import template

from anbiao.core.masking import mask_name, mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value or "")


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def opens(user: object, url_name: str) -> bool:
    """``{% if user|opens:"orgs:enterprise_list" %}``: whether that page's rule lets the user in
    (as the menu checks its items), so that a page never shows a link that answers 404."""
    from django.urls import NoReverseMatch, reverse

    from anbiao.core.menu import opens_for

    try:
        return opens_for(user, reverse(url_name))
    except NoReverseMatch:
        return False
