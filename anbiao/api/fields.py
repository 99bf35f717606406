"""Input types shared by routers: text that PostgreSQL can store and a person can read."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

# No control characters except tab and line breaks (the OpenAPI document says so too, so that
# clients and schemathesis know the rule).
NO_CONTROL_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


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
CleanText = Annotated[
    str,
    AfterValidator(_clean_text),
    Field(json_schema_extra={"pattern": NO_CONTROL_PATTERN}),
]
