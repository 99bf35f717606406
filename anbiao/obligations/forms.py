from __future__ import annotations

from django import forms

from anbiao.obligations.services import REASON_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(
        label="申请延期至",
        widget=DATE_WIDGET,
        help_text="延期后当天 23:59（北京时间）前报送为按时",
        error_messages={
            "required": "请填写申请延期至的日期。",
            "invalid": "请填写正确的日期，如 2024-12-31。",
        },
    )
    reason = forms.CharField(
        label="延期理由",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "请填写申请延期的理由。",
            "max_length": f"不能超过 {REASON_MAX} 字。",
        },
    )


class ExtensionDecideForm(forms.Form):
    note = forms.CharField(
        label="审批意见",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不同意延期时必须填写理由",
        error_messages={"max_length": f"不能超过 {REASON_MAX} 字。"},
    )
