"""Reads for the exports: the checklist through the checklists app's scope, template versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anbiao.checklists.models import Checklist, TemplateVersion
from anbiao.core.access import get_in_scope_or_404

if TYPE_CHECKING:
    from anbiao.accounts.models import User


def export_checklist_get(*, user: User, pk: Any) -> Checklist:
    """A checklist the user may view (and so export), or 404.

    Whoever may view a checklist may export it: the scope is the checklists app's own
    (:func:`anbiao.checklists.selectors.checklist_get`).
    """
    from anbiao.checklists.selectors import checklist_get

    return checklist_get(user=user, pk=pk)


def template_version_get(*, pk: Any) -> TemplateVersion:
    """A loaded template version (public data: the blank forms are the city's own notice)."""
    return get_in_scope_or_404(TemplateVersion.objects.select_related("template"), pk=pk)


def template_versions() -> list[TemplateVersion]:
    """Every loaded template version, newest first within each template."""
    return list(
        TemplateVersion.objects.select_related("template").order_by("template__code", "-version")
    )
