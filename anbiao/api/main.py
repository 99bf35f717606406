"""JSON API under /api/v1/ (django-ninja), over the same services and selectors as the UI.

Every operation needs a personal token (``Authorization: Bearer <token>``, see
:mod:`anbiao.api.auth`); the data an operation returns comes from the same scope selectors as
the UI (``anbiao.core.access``, ``anbiao.<app>.selectors``), so another organization's object
answers 404. JSON is UTF-8 with Chinese left readable. The OpenAPI document is at
``/api/v1/openapi.json``; the interactive docs page at ``/api/v1/docs`` uses local static
files only (no CDN).

Adding a router (for another app): create ``anbiao/api/routers/<domain>.py`` that defines
``router = Router(tags=["中文标签"])`` and its operations with full paths
(``@router.get("/checklists", response={200: Out, **ERRORS})``); it is picked up here
automatically (modules are mounted in alphabetical order, no edit of this file needed). Use
``request.auth`` (the user) with your app's selectors and services; raise ``Http404`` (or call
``get_in_scope_or_404``) for objects outside the scope, let a service's ``ValidationError``
propagate (it becomes a 422 naming the field: add labels to ``errors.FIELD_LABELS``), and
declare ``**ERRORS`` in ``response`` so the schemathesis test can check every answer.
Its operations are covered by ``anbiao/api/tests/test_schemathesis.py`` without more work.
"""

from __future__ import annotations

import importlib
import pkgutil

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from anbiao.api import errors, routers
from anbiao.api.auth import TokenAuth


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON that keeps Chinese readable (no ``\\uXXXX`` escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="安标回头看 API",
    version="1",
    description=(
        "安标回头看平台的 JSON 接口。每个请求须带个人接口令牌："
        "`Authorization: Bearer <令牌>`（在平台“接口令牌”页面创建）。"
        "数据范围与网页相同：范围外的对象返回 404。"
    ),
    urls_namespace="api",
    docs_url="/docs",
    auth=TokenAuth(),
    renderer=ReadableJSONRenderer(),
)
errors.install(api)


def _mount_routers() -> list[str]:
    mounted = []
    for info in sorted(pkgutil.iter_modules(routers.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{routers.__name__}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router("", router)
            mounted.append(info.name)
    return mounted


MOUNTED_ROUTERS = _mount_routers()
