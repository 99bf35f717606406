"""The keys of the audit chain: HMAC-SHA256 with secrets kept outside the database.

``settings.AUDIT_HMAC_KEYS`` maps a key id to its secret (from the environment, see
``config/settings.py``); ``settings.AUDIT_HMAC_KEY_ID`` names the key that signs new entries.
Each entry records the id of its key, so a rotated key keeps verifying the entries it signed
as long as it stays listed. Someone who can write to the database but does not hold a key
cannot recompute the chain after changing it.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


class UnknownKey(LookupError):
    """An entry or checkpoint names a key id that is not configured."""


def current_key_id() -> str:
    return str(settings.AUDIT_HMAC_KEY_ID)


def sign(message: str, *, key_id: str) -> str:
    """HMAC-SHA256 of ``message`` (UTF-8) with the named key, as 64 hex digits."""
    secret = settings.AUDIT_HMAC_KEYS.get(key_id)
    if secret is None:
        raise UnknownKey(key_id)
    return hmac.new(str(secret).encode(), message.encode(), hashlib.sha256).hexdigest()


def matches(message: str, signature: str, *, key_id: str) -> bool:
    """Whether ``signature`` is the HMAC of ``message`` under the named key (constant time)."""
    return hmac.compare_digest(sign(message, key_id=key_id), signature)
