from __future__ import annotations

from typing import Any, cast

from django import forms

from anbiao.orgs.models import Organization, SizeClass
from anbiao.orgs.selectors import departments, towns
from anbiao.rectification.models import (
    EvidenceStage,
    ProblemGrade,
    ProblemSource,
    ProblemStatus,
)
from anbiao.rectification.services import PlanInput

STATUS_FILTER_CHOICES = [
    ("", "全部"),
    ("open", "未销号"),
    *[(v, label) for v, label in ProblemStatus.choices if v != ProblemStatus.WITHDRAWN],
]


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False)
    status = forms.ChoiceField(label="状态", choices=STATUS_FILTER_CHOICES, required=False)
    grade = forms.ChoiceField(
        label="等级", choices=[("", "全部"), *ProblemGrade.choices], required=False
    )
    source = forms.ChoiceField(
        label="来源", choices=[("", "全部"), *ProblemSource.choices], required=False
    )
    town: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="乡镇/街道", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )
    department: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label="主管部门", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )
    size_class = forms.ChoiceField(
        label="企业类型", choices=[("", "全部"), *SizeClass.choices], required=False
    )
    overdue = forms.ChoiceField(
        label="逾期", choices=[("", "全部"), ("1", "已逾期"), ("0", "未逾期")], required=False
    )
    sort = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, supervisor: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Organization]", self.fields["town"]).queryset = towns()
        cast(
            "forms.ModelChoiceField[Organization]", self.fields["department"]
        ).queryset = departments()
        if not supervisor:
            for name in ("town", "department", "size_class"):
                del self.fields[name]


class PlanForm(forms.Form):
    """五定: 整改措施、责任人、整改期限、资金、应急预案 (and the grade)."""

    grade = forms.ChoiceField(label="问题等级", choices=ProblemGrade.choices)
    measures = forms.CharField(
        label="整改措施", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_person = forms.CharField(label="责任人", required=False, max_length=50)
    deadline = forms.DateField(
        label="整改期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写正确的日期，如 2024-12-31。"},
    )
    funds = forms.DecimalField(
        label="资金（万元）",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="一般问题可不填；重大问题必填（无需资金请填 0）。",
        error_messages={
            "invalid": "请填写数字（单位：万元）。",
            "min_value": "资金不能为负数。",
            "max_decimal_places": "最多两位小数。",
        },
    )
    contingency_plan = forms.CharField(
        label="应急预案",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="重大问题必填：整改期间的防范和应急措施（可另附文件）。",
    )
    contingency_file = forms.FileField(
        label="应急预案文件", required=False, help_text="PDF、Word 或图片，可选。"
    )

    def to_input(self) -> PlanInput:
        d = self.cleaned_data
        return PlanInput(
            measures=d.get("measures") or "",
            responsible_person=d.get("responsible_person") or "",
            deadline=d.get("deadline"),
            funds=d.get("funds"),
            contingency_plan=d.get("contingency_plan") or "",
            grade=d.get("grade") or ProblemGrade.GENERAL,
        )


class EvidenceForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=EvidenceStage.choices)
    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的照片或文件。"})


class TransitionForm(forms.Form):
    action = forms.CharField()
    reason = forms.CharField(label="说明", required=False, max_length=1000)
    lock_version = forms.IntegerField(required=False)
