"""Offline inspections for 网格员 (离线检查): the page, its service worker and manifest, the
list of units it keeps on the phone, and the endpoint its queue sends the drafts to.

The service worker is served from our own origin at ``/inspections/sw.js`` so that its scope
covers every inspection page; it and the manifest are code without data and open to anyone
(the phone re-checks the worker on each visit, also after the session expired). Everything
else is for the units' recorders, like the other inspection views.
"""

from __future__ import annotations

import hashlib

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from anbiao.campaigns.selectors import current_campaign
from anbiao.core.access import GOV_KINDS, own_unit_ids, public, require
from anbiao.core.types import AuthedRequest
from anbiao.inspections import offline, selectors
from anbiao.inspections.models import InspectionStatus
from anbiao.inspections.views import RECORDERS

# what the page needs offline, cached by the service worker when it installs
ASSETS = (
    "anbiao/css/app.css",
    "anbiao/css/inspections.css",
    "django_htmx/htmx-2.min.js",
    "anbiao/js/app.js",
    "anbiao/js/inspection_offline.js",
    "anbiao/img/favicon.svg",
    "anbiao/img/icon-192.png",
    "anbiao/img/icon-512.png",
)
MAX_OPEN_DRAFTS = 200


def _recorder(request: AuthedRequest) -> None:
    if not selectors.can_record(request.user):  # a department's 网格员 (no such role there)
        raise Http404("页面不存在")


@require(kinds=GOV_KINDS, roles=RECORDERS)
def offline_page(request: AuthedRequest) -> HttpResponse:
    """The inspection form that works without connection, and the queue of what waits."""
    _recorder(request)
    return render(
        request,
        "inspections/offline.html",
        {
            "sw_url": reverse("inspections:service_worker"),
            "scope": reverse("inspections:inspection_list"),
        },
    )


@require(kinds=GOV_KINDS, roles=RECORDERS)
@require_GET
def offline_targets(request: AuthedRequest) -> JsonResponse:
    """The units the phone may record offline (kept in IndexedDB), and the unit's open
    drafts recorded online that an offline draft may add to."""
    _recorder(request)
    user = request.user
    targets = [
        {"id": str(o.pk), "name": o.name, "kind": o.get_kind_display()}
        for o in selectors.targets_for_user(user).only("pk", "name", "kind")
    ]
    drafts = [
        {
            "id": str(i.pk),
            "target": str(i.target_id),
            "target_name": i.target.name,
            "date": i.date.isoformat(),
            "inspectors": i.inspectors,
            "version": i.version,
        }
        for i in selectors.inspections_for_user(user)
        .filter(status=InspectionStatus.DRAFT, inspector_id__in=own_unit_ids(user))
        .order_by("-date", "-created_at")[:MAX_OPEN_DRAFTS]
    ]
    return JsonResponse(
        {
            "user": str(user.pk),
            "fetched_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "targets": targets,
            "drafts": drafts,
        }
    )


@require(kinds=GOV_KINDS, roles=RECORDERS)
@require_POST
def offline_sync(request: AuthedRequest) -> JsonResponse:
    """Receive one draft from the phone's queue (CSRF-checked like every POST): 201 recorded,
    200 received before (the same inspection), 409/404 a conflict, 422 refused."""
    _recorder(request)
    try:
        draft = offline.draft_parse(request.POST.get("draft", ""), request.FILES)
        result = offline.offline_draft_submit(
            by=request.user, draft=draft, campaign=current_campaign()
        )
    except offline.SyncConflict as exc:
        body = {"status": "conflict", "code": exc.code, "message": exc.message, **exc.extra}
        return JsonResponse(body, status=exc.status)
    except ValidationError as exc:
        return JsonResponse({"status": "invalid", "messages": exc.messages}, status=422)
    sub = result.submission
    return JsonResponse(
        {
            "status": "replayed" if result.replayed else "created",
            "inspection": str(sub.inspection_id),
            "url": reverse("inspections:inspection_detail", args=[sub.inspection_id]),
            "created_inspection": sub.created_inspection,
            "findings": sub.findings,
            "photos": sub.photos,
        },
        status=200 if result.replayed else 201,
    )


def _asset_urls() -> list[str]:
    return [static(a) for a in ASSETS]


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker (``templates/inspections/sw.js``): caches the offline page and its
    assets; its version changes with any of them, so phones pick up a new release."""
    assets = _asset_urls()
    digest = hashlib.sha256()
    for name, url in zip(ASSETS, assets, strict=True):
        digest.update(url.encode())
        path = finders.find(name)
        if isinstance(path, str):
            with open(path, "rb") as fh:
                digest.update(fh.read())
    page = reverse("inspections:offline_page")
    response = render(
        request,
        "inspections/sw.js",
        {
            "version": digest.hexdigest()[:16],
            "assets": assets,
            "page": page,
            "manifest": reverse("inspections:manifest"),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: 离线检查 installs as an app opening on the offline page."""
    return JsonResponse(
        {
            "name": "安标回头看 · 离线检查",
            "short_name": "离线检查",
            "description": "网格员在无网络的现场记录督导检查，联网后自动发送。",
            "lang": "zh-CN",
            "start_url": reverse("inspections:offline_page"),
            "scope": reverse("inspections:inspection_list"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f5fa8",
            "icons": [
                {"src": static("anbiao/img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("anbiao/img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
