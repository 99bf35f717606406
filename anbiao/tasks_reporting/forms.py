from __future__ import annotations

from typing import Any, cast

from django import forms

from anbiao.core.versioning import VersionedForm
from anbiao.orgs.models import Organization, SizeClass
from anbiao.tasks_reporting.models import LinkedObligation, TargetMode
from anbiao.tasks_reporting.picker import UnitPicker


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data or self.required else []


class _TaskWording(forms.Form):
    """What a task asks, the same when it is issued and when it is changed."""

    title = forms.CharField(label="任务名称", max_length=200)
    description = forms.CharField(label="报送要求", widget=forms.Textarea(attrs={"rows": 5}))
    needs_files = forms.BooleanField(label="需上传文件", required=False, initial=True)
    needs_text = forms.BooleanField(label="需填写文字答复", required=False)


class TaskForm(_TaskWording):
    target_mode = forms.ChoiceField(label="报送对象", choices=TargetMode.choices)
    units: forms.ModelMultipleChoiceField[Organization] = forms.ModelMultipleChoiceField(
        label="指定单位",
        required=False,
        queryset=None,
        widget=UnitPicker,
        help_text="报送对象为“指定单位”时选择；可按名称、类型或乡镇查找，每类可全选",
    )
    size_class = forms.ChoiceField(
        label="企业类型", required=False, choices=[("", "全部")] + list(SizeClass.choices)
    )
    deadline = forms.DateField(
        label="截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    recurrence_day = forms.IntegerField(
        label="每月截止日",
        required=False,
        min_value=1,
        max_value=31,
        help_text="留空为一次性任务；如填 25 则每月 25 日 23:59 前报送（小月、2 月取月末）",
    )
    confirm_past_deadline = forms.BooleanField(
        label="确认截止时间已过",
        required=False,
        help_text="截止日期早于今天时必须勾选：报送单位一收到任务即为逾期",
    )
    linked = forms.ChoiceField(
        label="报送方式",
        required=False,
        choices=LinkedObligation.choices,
        help_text="选择“典型执法案例月报”时，报送对象为全部成员单位，每月25日 23:59 前在“执法案例 → 月度报送”中报送，状态与月度报送一致",
    )

    def __init__(self, *args: Any, units: Any, can_link: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelMultipleChoiceField[Organization]", self.fields["units"]
        ).queryset = units.select_related("enterprise__town")
        if not can_link:
            del self.fields["linked"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if (
            data.get("target_mode") == TargetMode.UNITS
            and not data.get("units")
            and not data.get("linked")
        ):
            self.add_error("units", "请选择报送单位。")
        return data


class TaskEditForm(VersionedForm, _TaskWording):
    """A task's wording, requirements and dates after it was issued (see services.task_update);
    ``version`` is the task's (optimistic versioning)."""

    deadline = forms.DateField(
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="延期或提前后，是否逾期按新的截止日期计算",
    )
    recurrence_day = forms.IntegerField(
        label="每月截止日",
        required=False,
        min_value=1,
        max_value=31,
        help_text="只影响以后各期，已生成的各期截止日期不变；清空则不再生成新的一期",
    )

    def __init__(self, *args: Any, task: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": task.version,
                "title": task.title,
                "description": task.description,
                "needs_files": task.needs_files,
                "needs_text": task.needs_text,
                "deadline": task.deadline,
                "recurrence_day": task.recurrence_day,
            },
        )
        super().__init__(*args, **kwargs)
        del self.fields["deadline" if task.is_recurring else "recurrence_day"]


class SubmissionForm(VersionedForm):
    """The unit's answer; ``version`` is its submission's (0 before the first save)."""

    text = forms.CharField(
        label="文字答复", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # The form metaclass moves declared fields off the class, so this does not hide
    # BaseForm.files (the uploaded files); the stubs cannot tell.
    files = MultipleFileField(label="上传文件", required=False)  # type: ignore[assignment]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
