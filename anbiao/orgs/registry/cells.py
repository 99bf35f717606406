"""Cleaning one registry cell: text, names, credit codes, 行业门类 and 企业类型.

The fast paths below keep a 10,000-row file cheap (see bench/registry_import.py); each gives the
same answer as the general function it shortcuts (``anbiao.orgs.normalize``, python-stdnum).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from typing import Any

from anbiao.orgs.models import IndustrySection, SizeClass
from anbiao.orgs.normalize import clean_name, clean_text, normalize_credit_code

SIZE_WORDS = {
    "规模以上": SizeClass.ABOVE,
    "规上": SizeClass.ABOVE,
    "规模以上工业": SizeClass.ABOVE,
    "中等": SizeClass.MEDIUM,
    "中型": SizeClass.MEDIUM,
    "中": SizeClass.MEDIUM,
    "小微": SizeClass.SMALL,
    "小型": SizeClass.SMALL,
    "微型": SizeClass.SMALL,
    "小微型": SizeClass.SMALL,
    "小": SizeClass.SMALL,
    "微": SizeClass.SMALL,
}
SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_INDUSTRY_CODE = re.compile(r"^([A-Ta-t])(?![A-Za-z])[\s\-—.、:：]*(.*)$")
_PUNCT = re.compile(r"[、，,；;\s]")
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")
INDUSTRY_LABELS = dict(IndustrySection.choices)
SIZE_LABELS = dict(SizeClass.choices)


def text(value: Any) -> str:
    """``clean_text``, with a fast path for text that is already clean (most cells)."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    if (
        isinstance(value, str)
        and value.isprintable()
        and "  " not in value
        and unicodedata.is_normalized("NFKC", value)
    ):
        result = value.strip()
    else:
        result = clean_text(value)
    if result.startswith(_FORMULA_GUARD):  # our own exports guard formulas with a quote
        result = result[1:]
    return result


_CLEAN_CODE = re.compile(r"^[0-9A-Z]{18}$")


def credit_code(value: Any) -> str:
    """``normalize_credit_code``, with a fast path for a code that is already clean."""
    if isinstance(value, str) and _CLEAN_CODE.match(value):
        return value
    return normalize_credit_code(text(value))


def name(cleaned: str) -> str:
    """``clean_name`` of text that went through ``text`` already."""
    return cleaned.replace(" ", "").replace("(", "（").replace(")", "）")


def stored_as_number(raw: Any, cleaned: str) -> bool:
    """A credit code Excel turned into a number (digits already lost); ``cleaned`` is
    ``text(raw)``."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return True
    return "E" in cleaned.upper() and bool(SCIENTIFIC.match(cleaned.replace(" ", "")))


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_is_valid(code: str) -> bool:
    """The GB 32100-2015 rules as python-stdnum's ``cn.uscc.validate`` checks them, for a
    normalized code; several times faster. Only codes that fail here go to stdnum (through
    ``check_credit_code``) for the reason; a test holds both to the same answers."""
    if len(code) != 18 or not code[:8].isdigit() or not code.isascii():
        return False
    try:
        total = sum(map(operator.mul, map(_USCC_VALUE.__getitem__, code[:17]), _USCC_WEIGHTS))
        return _USCC_VALUE[code[17]] == (31 - total % 31) % 31
    except KeyError:
        return False


def industry_names() -> dict[str, str]:
    names = {}
    for value, label in IndustrySection.choices:
        names[_PUNCT.sub("", label.split(" ", 1)[1])] = value
    return names


def parse_industry(cell: str, names: dict[str, str]) -> tuple[str | None, str]:
    """(section letter, "") or (None, Chinese reason)."""
    m = _INDUSTRY_CODE.match(cell)
    if m:
        letter, rest = m.group(1).upper(), m.group(2)
        named = names.get(_PUNCT.sub("", rest)) if rest else None
        if named is not None and named != letter:
            return None, f"行业门类代码“{letter}”与名称“{rest}”不一致"
        return letter, ""
    letter = names.get(_PUNCT.sub("", cell))
    if letter is None:
        letter = names.get(_PUNCT.sub("", cell) + "业")
    if letter is None:
        return None, f"无法识别的行业门类“{cell}”，请填写门类字母 A–T 或门类名称（如“C 制造业”）"
    return letter, ""


def parse_size_class(cell: str) -> str | None:
    key = clean_name(cell).removesuffix("企业").removesuffix("类")
    return SIZE_WORDS.get(key)
