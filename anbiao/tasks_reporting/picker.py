"""The 指定单位 picker of a reporting task: every unit as a checkbox, grouped by kind, each group
with 全选; a search box (static/anbiao/js/unit_picker.js) narrows the list by name, kind or
town. Without JavaScript it is the plain grouped list, and 全选 still works: the browser posts
``units_all=<kind>`` and :meth:`UnitPicker.value_from_datadict` adds every unit of that kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist

from anbiao.orgs.models import Organization, OrgKind

KIND_LABELS = dict(OrgKind.choices)


def town_name(org: Organization) -> str:
    """The town an enterprise belongs to, the town itself for a town, else ""."""
    if org.kind == OrgKind.TOWN:
        return org.name
    try:
        enterprise = org.enterprise
    except ObjectDoesNotExist:
        return ""
    return enterprise.town.name if enterprise.town_id else ""


class UnitPicker(forms.CheckboxSelectMultiple):
    template_name = "reporting/unit_picker.html"

    def _units(self) -> list[Organization]:
        return [value.instance for value, _ in self.choices if hasattr(value, "instance")]

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        groups: dict[str, dict[str, Any]] = {}
        for org in self._units():
            group = groups.setdefault(
                org.kind, {"kind": org.kind, "label": KIND_LABELS.get(org.kind, ""), "units": []}
            )
            group["units"].append(
                {
                    "value": str(org.pk),
                    "name": org.name,
                    "town": town_name(org),
                    "checked": str(org.pk) in chosen,
                }
            )
        for group in groups.values():
            group["all_checked"] = all(u["checked"] for u in group["units"])
        context["widget"]["groups"] = list(groups.values())
        context["widget"]["chosen_count"] = len(chosen)
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = list(super().value_from_datadict(data, files, name) or [])
        kinds = set(data.getlist(f"{name}_all")) if hasattr(data, "getlist") else set()
        if kinds:
            seen = set(values)
            values += [
                str(org.pk)
                for org in self._units()
                if org.kind in kinds and str(org.pk) not in seen
            ]
        return values
