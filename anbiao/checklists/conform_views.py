"""全部设为符合: the confirmation page (how many clauses change, which) and its write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from anbiao.checklists import conform, selectors, services
from anbiao.core.access import ALL_KINDS, WRITER_ROLES, require
from anbiao.core.types import AuthedRequest


@require(kinds=ALL_KINDS, roles=WRITER_ROLES)
def mark_conform(request: AuthedRequest, pk: str) -> HttpResponse:
    """全部设为符合 for the whole form or one section (``section=<position>``): GET shows how
    many and which unanswered clauses change; POST (the clauses with the versions shown)
    applies it, or shows the confirmation again with why nothing was written."""
    checklist = selectors.own_checklist_get(user=request.user, pk=pk)
    back = reverse("checklists:detail", args=[checklist.pk])
    wanted = request.POST.get("section") or request.GET.get("section") or ""
    section = conform.section_at(checklist, wanted) if wanted else None
    if wanted and section is None:
        raise Http404("对象不存在或无权访问")
    if not selectors.can_fill(request.user, checklist):
        messages.error(request, "已提交的细则已锁定，不能修改。")
        return redirect(back)
    error, status = "", 200
    if request.method == "POST":
        expected = conform.parse_tokens(request.POST.getlist("answer"))
        try:
            if expected is None:
                raise ValidationError("确认页的内容不完整，请重新载入页面后再操作。")
            done = services.answers_mark_conform(
                by=request.user,
                checklist=checklist,
                expected=expected,
                section=section.position if section else None,
            )
        except services.BulkConflict as exc:
            error, status = exc.message, 409
        except ValidationError as exc:
            error, status = "；".join(exc.messages), 400
        else:
            messages.success(
                request,
                f"已将 {len(done)} 条细则设为“符合”。如有不符合的，"
                "请点该条的“修改”改为“不符合”并填写存在问题。",
            )
            return redirect(back + (f"#s{section.position}" if section else ""))
    plan = conform.conform_plan(checklist, section)
    ctx = {"checklist": checklist, "plan": plan, "error": error, "back": back}
    return render(request, "checklists/conform.html", ctx, status=status)
