"""JSON API under /api/v1/ (django-ninja), over the same services and selectors as the UI."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="安标回头看 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)
