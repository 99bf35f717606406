"""Validators shared by every app: the mainland phone number (联系电话, 手机号).

One rule wherever a phone is typed, sent to the API or imported, and one stored form:

- a mobile: ``1[3-9]`` and nine more digits, stored as the 11 digits (``13912345678``);
  a leading ``+86`` / ``86`` / ``0086`` is dropped;
- a landline: the area code ``0xx`` or ``0xxx`` and a 7–8 digit number, stored as
  ``0595-86381234``; an extension (分机, 1–6 digits, written ``转801``, ``-801``, ``ext 801``,
  ``x801`` or ``#801``) is stored as ``0595-86381234转801``.

Spaces, dashes, dots and brackets around the area code (``(0595)86381234``) are allowed on
input; full-width characters count as their half-width forms. Without a separator the area
code is read as the national numbering plan has it: 010 and 02x have three digits, every other
code four.

Values already stored are never rewritten here: callers validate what a user enters, and a
stored number is checked again only when somebody changes it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_LENGTH = 30  # the stored columns are CharField(max_length=30)
EXAMPLE = "11位手机号（如 13912345678）或带区号的固定电话（如 0595-86381234）"

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY = re.compile(r"^(?:\+|00)?86(?=1[3-9][0-9]{9}$)")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―－﹣−", "-"))
# the extension, after the number: 转801, 分机801, ext801, ext.801, x801, #801
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})$", re.IGNORECASE)
# an area code set apart: "0595-…", "0595 …", "(0595)…"
_AREA = re.compile(r"^(?:\((0[1-9][0-9]{1,2})\)|(0[1-9][0-9]{1,2})[-. ])[-. ]*(.+)$")
_GROUPS = re.compile(r"[-. ]+")


def _three_digit_area(digits: str) -> bool:
    """010 (Beijing) and 020–029 are the only three-digit area codes."""
    return digits.startswith(("010", "02"))


def _landline(text: str) -> tuple[str, str, str] | None:
    """(area code, number, extension) of a landline written with or without separators."""
    extension = ""
    m = _EXTENSION.search(text)
    if m:
        extension, text = m.group(1), text[: m.start()]
    m = _AREA.match(text)
    if m:
        area = m.group(1) or m.group(2)
        groups = _GROUPS.split(m.group(3).strip("-. "))
        if not all(g.isdigit() and g.isascii() for g in groups):
            return None
        number = ""
        while groups and len(number) < 7:
            number += groups.pop(0)
        if groups:  # "0595-86381234-801": what follows the number is the extension
            if extension or len(groups) > 1 or len(groups[0]) > 6:
                return None
            extension = groups[0]
    else:
        digits = _GROUPS.sub("", text)
        if not (digits.isdigit() and digits.isascii() and digits.startswith("0")):
            return None
        split = 3 if _three_digit_area(digits) else 4
        area, number = digits[:split], digits[split:]
    if not 7 <= len(number) <= 8:
        return None
    return area, number, extension


def normalize_phone(value: object) -> str | None:
    """The stored form of a mainland phone number, or None when it is not one.

    An empty value gives "" (whether the field is required is the caller's rule).
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel number cell: 13912345678.0
    text = unicodedata.normalize("NFKC", str(value)).translate(_DASHES)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    mobile = _COUNTRY.sub("", _GROUPS.sub("", text))
    if _MOBILE.fullmatch(mobile):
        return mobile
    parts = _landline(text)
    if parts is None:
        return None
    area, number, extension = parts
    return f"{area}-{number}" + (f"转{extension}" if extension else "")


def normalize_mobile(value: object) -> str | None:
    """The 11 digits of a mainland mobile number, "" for an empty value, None otherwise."""
    normalized = normalize_phone(value)
    if normalized is None or (normalized and not _MOBILE.fullmatch(normalized)):
        return None
    return normalized


def phone_message(label: str = "联系电话", *, mobile_only: bool = False) -> str:
    if mobile_only:
        return f"{label}格式不正确，应为11位手机号（如 13912345678）"
    return f"{label}格式不正确，应为{EXAMPLE}"


def validate_phone(
    value: object, *, label: str = "联系电话", mobile_only: bool = False, field: str = ""
) -> str:
    """The stored form of ``value``; raises ValidationError with a Chinese message naming the
    field (keyed by ``field`` when given, as services report it). An empty value is returned
    as "" (whether it is required is the caller's rule)."""
    normalized = normalize_mobile(value) if mobile_only else normalize_phone(value)
    if normalized is None:
        if field:  # shown next to the field's label (a form, the API): no need to repeat it
            raise ValidationError({field: phone_message("", mobile_only=mobile_only)}, code="phone")
        raise ValidationError(phone_message(label, mobile_only=mobile_only), code="phone")
    return normalized


def phone_changed(old: object, new: object) -> bool:
    """Whether ``new`` differs from the stored ``old`` (the same number in another layout is
    not a change)."""
    if (old or "") == (new or ""):
        return False
    before, after = normalize_phone(old), normalize_phone(new)
    if before is not None and after is not None:
        return before != after
    return True


def clean_phone_change(
    old: object,
    new: object,
    *,
    label: str = "联系电话",
    mobile_only: bool = False,
    field: str = "",
) -> str:
    """What to store when a user sends ``new`` for a field that holds ``old``.

    An unchanged value is kept as stored (numbers recorded before this rule are not rewritten
    silently); a new value must be a phone number and is stored normalized.
    """
    if not phone_changed(old, new):
        return str(old or "")
    return validate_phone(new, label=label, mobile_only=mobile_only, field=field)


class PhoneField(forms.CharField):
    """A form field for a phone number: validated and normalized (see the module docstring).

    ``mobile_only`` accepts mobiles only (a user's 手机号, used to log in). When the form edits a
    record whose stored number predates the rule, set ``stored_value``: sending that number back
    unchanged is accepted as it is.
    """

    def __init__(
        self, *, label: str = "联系电话", mobile_only: bool = False, **kwargs: Any
    ) -> None:
        self.mobile_only = mobile_only
        self.stored_value = ""
        kwargs.setdefault("max_length", MAX_LENGTH)  # what is typed; what is stored is shorter
        kwargs.setdefault("help_text", "11位手机号。" if mobile_only else f"{EXAMPLE}。")
        kwargs.setdefault(
            "error_messages",
            {"required": f"请填写{label}。", "max_length": f"{label}过长，请只填写一个号码。"},
        )
        super().__init__(label=label, **kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "tel")

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return text
        if self.stored_value and not phone_changed(self.stored_value, text):
            return self.stored_value
        normalized = normalize_mobile(text) if self.mobile_only else normalize_phone(text)
        if normalized is None:  # the form shows the field's label before the message
            raise ValidationError(phone_message("", mobile_only=self.mobile_only), code="phone")
        return normalized


def keep_stored_phones(form: forms.BaseForm, **stored: object) -> None:
    """Tell a form's PhoneFields the numbers on record (field name → stored value)."""
    for name, value in stored.items():
        field = form.fields.get(name)
        if isinstance(field, PhoneField):
            field.stored_value = str(value or "")
