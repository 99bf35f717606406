"""Recording actions in the audit trail: ``log_action(obj, "anbiao.x.y", user=..., data=...)``.

Each entry carries the hash of the one before it and its own hash, an HMAC under a key kept
outside the database (:mod:`anbiao.core.audit_keys`), so that changing, inserting or removing
an entry breaks the chain for anyone without the key; the single ``AuditHead`` row names the
newest entry, so removing the newest entries shows too. Verification:
:mod:`anbiao.core.audit_verify`; signed checkpoints: :mod:`anbiao.core.audit_checkpoint`.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from anbiao.core import audit_keys
from anbiao.core.audit_context import current_request
from anbiao.core.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from anbiao.accounts.models import User
    from anbiao.core.audit_verify import ChainReport

GENESIS = "0" * 64
USER_AGENT_MAX = 300


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
    if entry.key_id:  # entries from before the key (and the browser) hash as they always did
        payload["user_agent"] = entry.user_agent
        payload["key_id"] = entry.key_id
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)


def entry_hash(entry: AuditEntry) -> str:
    """The entry's HMAC under its key; plain SHA-256 for an entry written before keys."""
    if not entry.key_id:
        return hashlib.sha256(_canonical(entry).encode()).hexdigest()
    return audit_keys.sign(_canonical(entry), key_id=entry.key_id)


def client_ip(request: HttpRequest | None) -> str | None:
    from anbiao.core.client_ip import client_ip as resolve  # trusted proxies (TRUSTED_PROXIES)

    return resolve(request)


def user_agent(request: HttpRequest | None) -> str:
    """The browser's own description, printable and cut to the field's length."""
    if request is None:
        return ""
    raw = str(request.META.get("HTTP_USER_AGENT", "") or "")
    return "".join(ch for ch in raw if ch.isprintable())[:USER_AGENT_MAX]


def _append(
    head: AuditHead, *, key_id: str, obj: models.Model | None, action: str, **fields: Any
) -> AuditEntry:
    entry = AuditEntry(
        created_at=timezone.now(),
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        prev_hash=head.last_hash,
        key_id=key_id,
        **fields,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    head.last_hash = entry.hash
    head.key_id = key_id
    return entry


def log_action(
    obj: models.Model | None,
    action: str,
    *,
    user: User | None = None,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    organization: Any = None,
) -> AuditEntry:
    """Append one entry to the audit trail, chained to the previous one by its hash.

    The client's IP and browser come from ``request``, or else from the request being served
    (:mod:`anbiao.core.audit_context`); outside a request (commands, background tasks) there
    are none.
    """
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if organization is None and user is not None:
        organization = getattr(user, "organization", None)
    source = request if request is not None else current_request()
    seen = {"ip": client_ip(source), "user_agent": user_agent(source)}
    key_id = audit_keys.current_key_id()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        if head.key_id != key_id and (head.key_id or head.last_hash != GENESIS):
            # The signing key changed (or the chain is keyed for the first time): say so in
            # the chain itself, so the auditor sees where one key ends and the next begins.
            _append(
                head,
                key_id=key_id,
                obj=None,
                action="anbiao.audit.key_rotated",
                data={"from": head.key_id, "to": key_id},
                **seen,
            )
        entry = _append(
            head,
            key_id=key_id,
            obj=obj,
            action=action,
            user=user if user is not None and user.pk else None,
            username=getattr(user, "username", "") or "",
            organization=organization,
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            **seen,
        )
        head.save(update_fields=["last_hash", "key_id"])
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


def check_chain(**kwargs: Any) -> ChainReport:
    """Verify every link, the head and optional checkpoints (see ``audit_verify.check_chain``)."""
    from anbiao.core.audit_verify import check_chain as check

    return check(**kwargs)
