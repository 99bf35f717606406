"""Page-number pagination shared by list operations: ``?page=1&page_size=50``."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数（最多 {MAX_PAGE_SIZE}）"
    )


def page_of(
    qs: QuerySet[Any], *, page: int, page_size: int, item: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of a queryset: ``count``, ``page``, ``page_size``, ``pages``, ``items``."""
    count = qs.count()
    start = (page - 1) * page_size
    rows = list(qs[start : start + page_size]) if start < count else []
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(count / page_size) if count else 0,
        "items": [item(row) for row in rows],
    }
