"""The audit keys come from the environment; production refuses to start without them."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CODE = (
    "import django; django.setup(); from django.conf import settings as s;"
    "print(s.AUDIT_HMAC_KEY_ID, sorted(s.AUDIT_HMAC_KEYS))"
)


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "AUDIT_HMAC_KEYS", "AUDIT_HMAC_KEY_ID", "ANBIAO_DEV_SECRET"}
    }
    base.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": secrets.token_urlsafe(50)}
    )
    base.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", CODE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_audit_keys() -> None:
    result = _run(DEBUG="0")
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEYS" in result.stderr and "生产环境必须" in result.stderr


@pytest.mark.parametrize(
    "value", ["k1", "k1:short", "bad id:" + "x" * 40, ":" + "x" * 40, "k1:" + "x" * 40 + ",k2"]
)
def test_a_malformed_key_list_is_refused_in_chinese(value: str) -> None:
    result = _run(DEBUG="0", AUDIT_HMAC_KEYS=value)
    assert result.returncode != 0 and "AUDIT_HMAC_KEYS 格式错误" in result.stderr, result.stderr


def test_the_current_key_is_named_or_the_first_listed() -> None:
    keys = f"k2026:{'a' * 40},k2025:{'b' * 40}"
    assert _run(DEBUG="0", AUDIT_HMAC_KEYS=keys).stdout.split()[0] == "k2026"
    named = _run(DEBUG="0", AUDIT_HMAC_KEYS=keys, AUDIT_HMAC_KEY_ID="k2025")
    assert named.stdout.startswith("k2025 ['k2025', 'k2026']"), named.stderr
    missing = _run(DEBUG="0", AUDIT_HMAC_KEYS=keys, AUDIT_HMAC_KEY_ID="k9")
    assert missing.returncode != 0 and "AUDIT_HMAC_KEY_ID=k9" in missing.stderr


def test_development_gets_a_derived_key_only_with_debug() -> None:
    result = _run(DEBUG="1")
    assert result.returncode == 0 and result.stdout.startswith("dev ['dev']"), result.stderr
