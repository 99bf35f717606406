from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils import timezone

from anbiao.core.versioning import VersionedForm
from anbiao.orgs.models import Organization, SizeClass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Several photos; the phone opens its camera (``capture="environment"``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(PhotoField, self).clean(d, initial) for d in items]


class TargetPicker(forms.Select):
    """The 被检查单位 choice for units with thousands of enterprises: a search box (htmx, or
    the “查找” button without JavaScript) over a list of at most ``LIMIT`` matches, the chosen
    one always among them. Validation stays the field's: any target in scope is accepted."""

    template_name = "inspections/widgets/target_picker.html"
    LIMIT = 50

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query = ""
        self.note = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            query=self.query, note=self.note, search_url=reverse("inspections:target_options")
        )
        return context


def target_choices(targets: Any, query: str, selected: Any) -> tuple[list[Any], int, int]:
    """(the targets to list, how many match ``query``, how many in scope): at most
    ``TargetPicker.LIMIT`` matches by kind and name, plus the selected one."""
    from django.db.models import Q

    query = query.strip()
    found = targets
    if query:
        found = targets.filter(
            Q(name__icontains=query) | Q(enterprise__credit_code__icontains=query)
        )
    shown = list(found[: TargetPicker.LIMIT])
    matches = len(shown) if len(shown) < TargetPicker.LIMIT else found.count()
    total = matches if not query else targets.count()
    pk = getattr(selected, "pk", selected)
    if pk and all(str(o.pk) != str(pk) for o in shown):
        chosen = targets.filter(pk=pk).first() if is_uuid(pk) else None
        if chosen is not None:
            shown.insert(0, chosen)
    return shown, matches, total


def is_uuid(value: Any) -> bool:
    """Whether ``value`` reads as a UUID (a primary key of an organization)."""
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _label(o: Any) -> str:
    return o.name if o.kind == "enterprise" else f"{o.name}（{o.get_kind_display()}）"


class TargetField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return _label(obj)


class InspectionForm(VersionedForm):
    """The header of an inspection; when editing it carries the inspection's ``version``."""

    target = TargetField(
        label="被检查单位",
        queryset=None,
        widget=TargetPicker,
        error_messages={
            "required": "请选择被检查单位。",
            "invalid_choice": "所选单位不在本单位的检查范围内。",
        },
    )
    date = forms.DateField(
        label="检查日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写检查日期。", "invalid": "日期格式应为 2026-01-31。"},
    )
    inspectors = forms.CharField(
        label="检查人员",
        max_length=200,
        help_text="多人用顿号或逗号分隔，如“张三、李四”。",
        error_messages={"required": "请填写检查人员。", "max_length": "不超过 200 字。"},
    )
    summary = forms.CharField(
        label="检查情况",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "不超过 4000 字。"},
    )

    def __init__(
        self,
        *args: Any,
        targets: Any,
        query: str | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]
        field = cast(TargetField, self.fields["target"])
        field.queryset = targets
        if not self.is_bound and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()
        if query is None:
            query = str(self.data.get("target_q", "")) if self.is_bound else ""
        selected = self.data.get("target") if self.is_bound else self.initial.get("target")
        shown, matches, total = target_choices(targets, query, selected)
        picker = field.widget
        picker.query = query.strip()
        picker.choices = [("", "—— 请选择 ——"), *((o.pk, _label(o)) for o in shown)]
        if picker.query and not matches:
            picker.note = f"没有名称或信用代码含“{picker.query}”的单位。"
        elif matches > TargetPicker.LIMIT:
            picker.note = (
                f"共 {matches} 个单位符合，只列出前 {TargetPicker.LIMIT} 个，请输入更多字缩小范围。"
            )
        elif picker.query:
            picker.note = f"找到 {matches} 个单位（本单位可检查的共 {total} 个）。"


class LocationField(forms.CharField):
    """The browser's geolocation ("纬度,经度,精度"), filled by ``inspection_geo.js`` when the
    inspector allows it; empty otherwise (the form works without it)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("widget", forms.HiddenInput(attrs={"data-geo": ""}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        # a position the script could not fill in properly is no position, never an error
        return str(value or "")[:80]


class FindingForm(forms.Form):
    description = forms.CharField(
        label="问题描述",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写问题描述。", "max_length": "不超过 1000 字。"},
    )
    grade = forms.ChoiceField(
        label="等级",
        choices=[("general", "一般"), ("major", "重大")],
        initial="general",
        error_messages={"invalid_choice": "问题等级只能是“一般”或“重大”。"},
    )
    deadline = forms.DateField(
        label="整改期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 2026-01-31。"},
    )
    photos = PhotoField(label="现场照片")
    location = LocationField(label="拍摄位置")


class PhotoForm(forms.Form):
    photos = PhotoField(label="现场照片", required=True)
    location = LocationField(label="拍摄位置")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].required = True
        self.fields["photos"].error_messages["required"] = "请选择或拍摄照片。"


class ListFilterForm(forms.Form):
    inspector = forms.ChoiceField(label="检查单位", required=False)
    q = forms.CharField(label="被检查单位", required=False, max_length=100)
    date_from = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "开始日期格式应为 2026-01-31。"},
    )
    date_to = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "结束日期格式应为 2026-01-31。"},
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), ("draft", "草稿"), ("completed", "已完成")],
    )
    target_kind = forms.ChoiceField(
        label="对象",
        required=False,
        choices=[("", "全部"), ("enterprise", "企业"), ("government", "政府部门")],
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["inspector"]).choices = [("", "全部")] + [
            (str(u.pk), u.name) for u in units
        ]


class NeverFilterForm(forms.Form):
    town = forms.ChoiceField(label="乡镇（街道）", required=False)
    department = forms.ChoiceField(label="主管部门", required=False)
    size_class = forms.ChoiceField(
        label="企业类型", required=False, choices=[("", "全部"), *SizeClass.choices]
    )
    q = forms.CharField(label="企业名称", required=False, max_length=100)

    def __init__(self, *args: Any, towns: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["town"]).choices = [("", "全部")] + [
            (str(o.pk), o.name) for o in towns
        ]
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", "全部")] + [
            (str(o.pk), o.name) for o in departments
        ]
