"""The identity a downloaded workbook carries: which checklist, whose, and each answer's version.

It sits in a hidden sheet as a signed token (:mod:`django.core.signing`, keyed by SECRET_KEY):
a file from another checklist or organization is refused by its identity, a changed token is
refused outright, and each answer's version at download tells a clause someone changed since
(stale) from a clause only this file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing

SALT = "anbiao.checklists.roundtrip"
MAGIC = "anbiao-checklist-offline-v1"
META_SHEET = "_anbiao"


@dataclass(frozen=True)
class Identity:
    """What the file says it is: ``versions`` maps clause id → (answer id, answer version)."""

    checklist: str
    organization: str
    template_version: int
    versions: dict[int, tuple[int, int]]
    downloaded_at: str = ""


def sign(identity: Identity) -> str:
    payload = {
        "checklist": identity.checklist,
        "organization": identity.organization,
        "template_version": identity.template_version,
        "answers": [[c, a, v] for c, (a, v) in sorted(identity.versions.items())],
        "at": identity.downloaded_at,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def unsign(token: Any) -> Identity | None:
    """The identity in ``token``, or None when it is missing, changed or not ours."""
    if not isinstance(token, str) or not token:
        return None
    try:
        payload = signing.loads(token.strip(), salt=SALT)
        return Identity(
            checklist=str(payload["checklist"]),
            organization=str(payload["organization"]),
            template_version=int(payload["template_version"]),
            versions={int(c): (int(a), int(v)) for c, a, v in payload["answers"]},
            downloaded_at=str(payload.get("at", "")),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
