from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from anbiao.core.versioning import VersionedForm
from anbiao.records.models import Category, RecordKind, RecordStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; an empty selection is an empty list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class RecordForm(VersionedForm):
    """A record's text; when editing it carries the record's ``version`` (hidden)."""

    title = forms.CharField(label="标题", max_length=200)
    category = forms.ChoiceField(
        label="类型", choices=[("", "请选择"), *Category.choices], required=False
    )
    date = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="统计表按此日期归入统计期",
    )
    summary = forms.CharField(label="内容摘要", max_length=5000, widget=forms.Textarea)
    document = forms.FileField(
        label="建立机制的文件", required=False, help_text="印发该工作机制的文件（PDF、Word 或图片）"
    )
    evidence = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text="可多选。没有佐证材料的记录保持草稿，不计入统计表。",
    )

    def __init__(self, *args: Any, kind: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == RecordKind.MECHANISM:
            del self.fields["category"]
        else:
            del self.fields["document"]
            self.fields["category"].required = True
            self.fields[
                "category"
            ].help_text = "附件1第6项：持续运行提升类，或党员模范岗、工人先锋岗、青年突击手、巾帼能手等岗位达标"
        if editing:
            del self.fields["evidence"]
        else:
            del self.fields["version"]
        if not self.is_bound and not self.initial.get("date"):
            self.initial["date"] = timezone.localdate()

    def clean_date(self) -> Any:
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。")
        return value


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label="佐证材料", required=True)


class RecordFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label="范围", choices=[("own", "本单位"), ("all", "本单位及监管范围")], required=False
    )
    kind = forms.ChoiceField(
        label="类别", choices=[("", "全部"), *RecordKind.choices], required=False
    )
    category = forms.ChoiceField(
        label="类型", choices=[("", "全部"), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *RecordStatus.choices], required=False
    )
    selected = forms.ChoiceField(
        label="优秀案例", choices=[("", "全部"), ("1", "是"), ("0", "否")], required=False
    )
    org = forms.TypedChoiceField(label="单位", required=False, coerce=str, empty_value="")
    q = forms.CharField(label="标题或单位", required=False)

    def __init__(
        self, *args: Any, government: bool, orgs: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not government:
            del self.fields["scope"]
            del self.fields["org"]
        else:
            cast(forms.ChoiceField, self.fields["org"]).choices = [("", "全部"), *(orgs or [])]
