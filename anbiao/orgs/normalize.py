"""Cleaning what people type or paste: full-width characters, stray spaces, credit codes."""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    """NFKC (full-width → half-width for ASCII), trimmed, inner runs of spaces folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


def clean_name(value: object) -> str:
    """Chinese names keep no inner spaces; NFKC turns （） into () which we put back."""
    text = clean_text(value).replace(" ", "")
    return text.replace("(", "（").replace(")", "）")


def normalize_credit_code(value: object) -> str:
    """18 characters, upper case, half-width, no spaces or separators."""
    text = clean_text(value).upper()
    return re.sub(r"[\s\-—_.·]", "", text)


class CreditCodeError(Exception):
    def __init__(self, message: str, *, checksum_only: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.checksum_only = checksum_only


def check_credit_code(code: str) -> str:
    """Validate a normalized code; raise CreditCodeError with a Chinese reason."""
    if not code:
        raise CreditCodeError("统一社会信用代码不能为空")
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为18位，实际为{len(code)}位")
    try:
        uscc.validate(code)
    except InvalidChecksum as exc:
        raise CreditCodeError(
            f"统一社会信用代码校验位错误（应为 {uscc.calc_check_digit(code[:17])}）",
            checksum_only=True,
        ) from exc
    except ValidationError as exc:
        raise CreditCodeError("统一社会信用代码格式错误（含非法字符）") from exc
    return code


def normalize_phone(value: object) -> str:
    text = clean_text(value).replace(" ", "")
    return text
