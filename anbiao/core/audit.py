"""Recording actions in the audit trail: ``log_action(obj, "anbiao.x.y", user=..., data=...)``."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from anbiao.core.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from anbiao.accounts.models import User

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> str:
    payload = {
        "created_at": entry.created_at.isoformat(),
        "user": entry.user_id,
        "username": entry.username,
        "organization": str(entry.organization_id or ""),
        "ip": entry.ip or "",
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry).encode()).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    from anbiao.core.client_ip import client_ip as resolve  # trusted proxies (TRUSTED_PROXIES)

    return resolve(request)


def log_action(
    obj: models.Model | None,
    action: str,
    *,
    user: User | None = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    organization: Any = None,
) -> AuditEntry:
    """Append one entry to the audit trail, chained to the previous one by its hash."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if organization is None and user is not None:
        organization = getattr(user, "organization", None)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            created_at=timezone.now(),
            user=user if user is not None and user.pk else None,
            username=getattr(user, "username", "") or "",
            organization=organization,
            ip=client_ip(request),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def log_denied(request: HttpRequest, *, reason: str) -> None:
    user = request.user if request.user.is_authenticated else None
    log_action(
        None,
        "anbiao.access.denied",
        user=user,
        request=request,
        data={"path": request.path[:500], "method": request.method, "reason": reason},
    )


def verify_chain() -> tuple[int, AuditEntry | None]:
    """Check every link; return (entries checked, first broken entry or None)."""
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or entry_hash(entry) != entry.hash:
            return checked, entry
        prev = entry.hash
        checked += 1
    return checked, None
