"""Optimistic versioning of the forms two people can edit: one rule, one message, one 409.

The pattern is the checklist clauses' (``checklists.services.answer_save``):

1. The page shows an object with its version and carries it back in a hidden field named
   ``version`` (:class:`VersionedForm`); a missing or garbled version is a form error
   (:data:`VERSION_ERROR`), never a 500.
2. The service *claims* the row before writing anything else, in the same transaction:
   ``filter(pk=..., version=expected).update(version=F("version") + 1)`` (:func:`claim`).
   The UPDATE holds the row until the transaction ends, so of two racing saves with the same
   version exactly one matches; the other finds the new version and raises
   :class:`EditConflict` (:func:`conflict`) — nothing of it is written.
3. The view answers 409 and renders the user's own text again (:func:`keep_for_retry` puts the
   current version into the kept form, so saving once more replaces the other person's text
   deliberately), with :attr:`EditConflict.message` (``includes/conflict.html``): what
   changed, by whom and when, and a link that reloads the page.

Who, when and what come from the audit trail: every write that bumps a version logs the new
version as ``data["edit"]`` and, for a form, the changed fields as ``data["changed"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import forms
from django.db import models
from django.db.models import F
from django.utils import timezone

VERSION_ERROR = (
    "页面缺少版本号或版本号有误，内容未保存。请重新载入页面后再保存（您填写的内容仍在下方）。"
)
MAX_VERSION = 2_147_483_647


class EditConflict(Exception):  # noqa: N818 — reads as a domain event
    """Someone else saved the object since the user loaded it; nothing was written.

    ``version`` is the object's current version (the kept form carries it); ``what`` names
    the form (五定, 检查记录 …); ``who``/``when``/``did`` describe the other person's save.
    """

    def __init__(
        self, *, what: str, version: int, who: str = "", when: datetime | None = None, did: str = ""
    ) -> None:
        self.what = what
        self.version = version
        self.who = who or "其他用户"
        self.when = when
        self.did = did or f"修改了{what}"
        super().__init__(self.message)

    @property
    def message(self) -> str:
        at = f"于 {timezone.localtime(self.when):%Y-%m-%d %H:%M} " if self.when else ""
        return (
            f"保存失败：在您打开本页之后，{self.who}{at}{self.did}。"
            "您填写的内容仍在下方，尚未保存；请核对后再次保存（将以您的内容为准），"
            "或重新载入本页查看最新内容。"
        )


def claim(
    model: type[models.Model], *, pk: Any, expected: int | None, field: str = "version"
) -> bool:
    """Bump ``field`` of row ``pk`` if it still equals ``expected``; whether it did.

    ``expected`` None claims unconditionally (system callers: demo data, imports, a grant
    that is itself checked by state). Call inside ``transaction.atomic`` before any other
    write, so that a refused claim leaves nothing written.
    """
    rows = model._default_manager.filter(pk=pk)
    if expected is not None:
        rows = rows.filter(**{field: expected})
    return bool(rows.update(**{field: F(field) + 1}))


def conflict(
    obj: models.Model,
    *,
    what: str,
    field: str = "version",
    audit_obj: models.Model | None = None,
    match: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    verbs: Mapping[str, str] | None = None,
) -> EditConflict:
    """The conflict on ``obj``, its other save read from the audit trail.

    The audit entry is the newest on ``audit_obj`` (default ``obj``) whose ``data["edit"]``
    is the current version (and whose data has the items of ``match``); its ``changed``
    field names are shown through ``labels``, or its action (the last dotted part) through
    ``verbs`` (e.g. ``{"start": "开始整改"}``).
    """
    from anbiao.core.models import AuditEntry

    current = type(obj)._default_manager.filter(pk=obj.pk).values_list(field, flat=True).first()
    version = int(current or 0)
    target = audit_obj if audit_obj is not None else obj
    entries = AuditEntry.objects.filter(
        object_type=target._meta.label, object_id=str(target.pk), data__edit=version
    )
    for key, value in (match or {}).items():
        entries = entries.filter(**{f"data__{key}": value})
    entry = entries.select_related("user", "organization").order_by("-id").first()
    if entry is None:
        when = getattr(obj, "updated_at", None)
        fresh = type(obj)._default_manager.filter(pk=obj.pk).values("updated_at").first()
        if fresh is not None:
            when = fresh["updated_at"]
        return EditConflict(what=what, version=version, when=when)
    return EditConflict(
        what=what,
        version=version,
        who=_who(entry),
        when=entry.created_at,
        did=_did(entry, what=what, labels=labels or {}, verbs=verbs or {}),
    )


def _who(entry: Any) -> str:
    user = entry.user
    name = (getattr(user, "display_name", "") or entry.username) if user else entry.username
    org = entry.organization.name if entry.organization is not None else ""
    if name and org:
        return f"{name}（{org}）"
    return name or org or "其他用户"


def _did(entry: Any, *, what: str, labels: Mapping[str, str], verbs: Mapping[str, str]) -> str:
    changed = entry.data.get("changed") if isinstance(entry.data, dict) else None
    if isinstance(changed, Mapping):
        changed = list(changed)
    if isinstance(changed, list) and changed:
        names = "、".join(labels.get(str(c), str(c)) for c in changed)
        return f"修改了{what}（{names}）"
    verb = verbs.get(entry.action.rsplit(".", 1)[-1])
    return verb if verb else f"修改了{what}"


class VersionField(forms.IntegerField):
    """The hidden ``version`` a page carries back; every error reads :data:`VERSION_ERROR`."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_VERSION)
        kwargs.setdefault("label", "版本号")
        kwargs["error_messages"] = {
            key: VERSION_ERROR for key in ("required", "invalid", "min_value", "max_value")
        }
        super().__init__(**kwargs)


class VersionedForm(forms.Form):
    """A form carrying ``version``; its errors are shown at the top of the form (the field
    is hidden, so a message under it would never be seen)."""

    version = VersionField()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        found: Any = self.errors  # the ErrorDict being filled (full_clean runs before clean)
        errors = found.pop("version", None)
        if errors:
            self.add_error(None, list(errors))
        return data if data is not None else self.cleaned_data


def carry_version(form: forms.Form, version: int) -> forms.Form:
    """The bound form as the user posted it, now carrying ``version``."""
    posted: Any = form.data
    data = posted.copy()  # a QueryDict (or dict) copy is mutable
    data[form.add_prefix("version")] = str(version)
    form.data = data
    return form


def keep_for_retry(form: forms.Form, exc: EditConflict) -> forms.Form:
    """The bound form as the user posted it, carrying the current version (see module doc)."""
    return carry_version(form, exc.version)


def version_of(form: forms.Form) -> int:
    """The version a valid :class:`VersionedForm` carried."""
    return int(form.cleaned_data["version"])
