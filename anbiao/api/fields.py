"""Types shared by routers: text that PostgreSQL can store and a person can read; times in
Asia/Shanghai with their offset."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Annotated

from django.utils import timezone
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


def _local(value: datetime) -> datetime:
    """The moment in Asia/Shanghai (TIME_ZONE), so that it is written with +08:00."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


# A moment in time as the API writes it: Asia/Shanghai with its offset, like the handover
# files (``2026-03-01T09:30:00+08:00``; milliseconds when there are any). Use it for every
# datetime of every output schema (anbiao/api/tests/test_time_format.py checks the document).
LocalDateTime = Annotated[
    datetime,
    AfterValidator(_local),
    Field(
        json_schema_extra={
            "examples": ["2026-03-01T09:30:00+08:00"],
            "description": "北京时间，带时区 +08:00",
        }
    ),
]
