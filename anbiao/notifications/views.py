from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from anbiao.core.access import get_in_scope_or_404, require
from anbiao.core.types import AuthedRequest
from anbiao.notifications import services
from anbiao.notifications.models import Kind, Notification, Preference


@require()
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require()
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    note = get_in_scope_or_404(Notification.objects.filter(user=request.user), pk=pk)
    services.notification_mark_read(user=request.user, ids=[note.pk])
    url = note.url if note.url.startswith("/") and not note.url.startswith("//") else "/"
    return redirect(url)


@require()
def notification_mark_all_read(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        n = services.notification_mark_read(user=request.user)
        messages.success(request, f"已将 {n} 条消息标为已读。")
    return redirect("notifications:list")


@require()
def notification_preferences(request: AuthedRequest) -> HttpResponse:
    current = {p.kind: p for p in Preference.objects.filter(user=request.user)}
    if request.method == "POST":
        choices = {
            kind: (
                request.POST.get(f"{kind}_in_app") == "on",
                request.POST.get(f"{kind}_email") == "on",
            )
            for kind in Kind.values
        }
        services.preferences_set(user=request.user, choices=choices)
        messages.success(request, "提醒设置已保存。")
        return redirect("notifications:preferences")
    rows = [
        {
            "kind": kind,
            "label": label,
            "in_app": current[kind].in_app if kind in current else True,
            "email": current[kind].email if kind in current else True,
        }
        for kind, label in Kind.choices
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})
