"""Reads of the Excel round trip: the checklist (own unit only) and the preview of an upload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anbiao.checklists.roundtrip.plan import Plan, build_plan
from anbiao.checklists.roundtrip.services import PendingWorkbook, pending_file

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.checklists.models import Checklist


def offline_checklist_get(*, user: User, pk: Any) -> Checklist:
    """A look-back checklist of the user's own organization, or 404 (another organization's
    checklist answers 404 even to the city office: only its own unit fills it)."""
    from anbiao.checklists.selectors import own_checklist_get

    return own_checklist_get(user=user, pk=pk)


def workbook_preview(*, checklist: Checklist, pending: PendingWorkbook) -> Plan:
    """What confirming the kept upload would write, against the database as it is now.

    Raises :class:`~anbiao.checklists.roundtrip.reader.WorkbookError` when the kept file is
    gone, changed, or not this checklist's."""
    return build_plan(checklist, pending_file(pending))
