"""Input types shared by routers: text that PostgreSQL can store and a person can read."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def _clean_text(value: str) -> str:
    for ch in value:
        if ch in "\t\n\r":
            continue
        category = unicodedata.category(ch)
        if category == "Cc":
            raise ValueError("不能包含控制字符。")
        if category == "Cs":
            raise ValueError("包含无效字符。")
    return value.strip()


# A text value without NUL/control characters or lone surrogates (PostgreSQL refuses them).
CleanText = Annotated[str, AfterValidator(_clean_text)]
