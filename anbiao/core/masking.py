"""Masking personal data in lists where the viewer does not need it in full."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """138****5678 for mobiles; keeps the last 4 digits of other numbers."""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
