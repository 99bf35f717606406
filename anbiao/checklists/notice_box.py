"""The notices box of 附件2 item 1 clauses (1) 告知书公示 and (2) 承诺书签订并公示: the notices
delivered to the enterprise (the notices app), shown under those clauses as evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from anbiao.orgs.models import OrgKind

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.checklists.models import Checklist


# 附件2 item 1: clause (1) 告知书公示, clause (2) 承诺书签订并公示 — proved by the notices app.
NOTICE_ITEM, NOTICE_CLAUSES = 1, (1, 2)


@dataclass
class NoticeLink:
    label: str
    url: str


@dataclass
class NoticeSuggestion:
    label: str
    url: str
    complete: bool
    files: list[NoticeLink]


def notice_suggestions(checklist: Checklist, *, user: User) -> dict[int, list[NoticeSuggestion]]:
    """Evidence suggestions from the notices app for 附件2 item 1 clauses (1) and (2).

    {clause number: [suggestion, …]}; one query, and none for government checklists.
    """
    from anbiao.notices.selectors import notice_evidence_for_enterprise

    if not takes_notices(checklist):
        return {}
    own = getattr(user.organization, "pk", None) == checklist.organization_id
    out: dict[int, list[NoticeSuggestion]] = {}
    for ev in notice_evidence_for_enterprise(checklist.organization_id):
        d = ev.delivery
        files = []
        for f in ev.files:
            if f.pk == d.notice.document_id:
                files.append(NoticeLink("告知书", reverse("notices:document", args=[d.notice_id])))
            elif f.pk == d.commitment_file_id:
                url = reverse("notices:delivery_file", args=[d.pk, "commitment"])
                files.append(NoticeLink("承诺书", url))
            elif f.pk == d.posted_photo_id:
                url = reverse("notices:delivery_file", args=[d.pk, "photo"])
                files.append(NoticeLink("公示照片", url))
        url = reverse("notices:delivery", args=[d.pk]) if own else ""
        out.setdefault(ev.clause, []).append(NoticeSuggestion(ev.label, url, ev.complete, files))
    return out


def takes_notices(checklist: Checklist) -> bool:
    """附件2 of an enterprise: its item 1 clauses (1) and (2) get notice suggestions."""
    return (
        checklist.template_version.template.kind == "enterprise"
        and checklist.organization.kind == OrgKind.ENTERPRISE
    )


def is_notice_clause(item_number: int, clause_number: int) -> bool:
    return item_number == NOTICE_ITEM and clause_number in NOTICE_CLAUSES
