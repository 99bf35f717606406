from __future__ import annotations

from typing import Any, cast

from django import forms

from anbiao.core.versioning import VersionedForm
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


DATE_INVALID = "请填写正确的日期，如 2024-12-31。"


class PlanForm(VersionedForm):
    """五定: 整改措施、责任人、整改期限、资金、应急预案 (and the grade).

    ``version`` is the problem's ``lock_version``. The confirmations of an unusual deadline
    (``confirm_past`` + ``past_reason``, ``confirm_far``) are shown once the deadline asks
    for them (``ask_past`` / ``ask_far``). ``lock_deadline``: an enterprise's problem 整改中
    keeps its deadline (shown, not posted; it asks for an extension instead).
    """

    grade = forms.ChoiceField(label="问题等级", choices=ProblemGrade.choices)
    measures = forms.CharField(
        label="整改措施", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_person = forms.CharField(label="责任人", required=False, max_length=50)
    deadline = forms.DateField(
        label="整改期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_INVALID},
    )
    confirm_past = forms.BooleanField(
        label="补录既往整改（整改期限早于今天）",
        required=False,
        help_text="登记过去已发生的整改时勾选，并写明原因；原因记入办理记录。",
    )
    past_reason = forms.CharField(label="补录原因", required=False, max_length=1000)
    confirm_far = forms.BooleanField(label="确认整改期限超过一年", required=False)
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

    CONFIRMATIONS = ("confirm_past", "past_reason", "confirm_far")

    def __init__(self, *args: Any, lock_deadline: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock_deadline = lock_deadline
        if lock_deadline:
            field = self.fields["deadline"]
            field.disabled = True
            field.help_text = "整改中不能直接修改；如需延期，请在问题页“申请延期”。"
        data = self.data if self.is_bound else {}
        self.ask_past = bool(data.get("confirm_past") or data.get("past_reason"))
        self.ask_far = bool(data.get("confirm_far"))

    def ask_for(self, codes: set[str]) -> None:
        """Show the confirmations the service asked for (error codes ``past``/``far``)."""
        self.ask_past = self.ask_past or "past" in codes
        self.ask_far = self.ask_far or "far" in codes

    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in self.CONFIRMATIONS]

    def to_input(self) -> PlanInput:
        d = self.cleaned_data
        return PlanInput(
            measures=d.get("measures") or "",
            responsible_person=d.get("responsible_person") or "",
            deadline=d.get("deadline"),
            funds=d.get("funds"),
            contingency_plan=d.get("contingency_plan") or "",
            grade=d.get("grade") or ProblemGrade.GENERAL,
            confirm_past=bool(d.get("confirm_past")),
            past_reason=d.get("past_reason") or "",
            confirm_far=bool(d.get("confirm_far")),
        )


class ExtensionForm(forms.Form):
    """延期申请: the new deadline and why (the enterprise, 整改中)."""

    new_deadline = forms.DateField(
        label="延期至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写延期后的整改期限。", "invalid": DATE_INVALID},
    )
    reason = forms.CharField(
        label="延期原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写延期原因。", "max_length": "不超过 1000 字。"},
    )
    confirm_far = forms.BooleanField(label="确认整改期限超过一年", required=False)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("grant", "同意延期"), ("refuse", "不同意")],
        error_messages={
            "required": "请选择同意或不同意。",
            "invalid_choice": "请选择同意或不同意。",
        },
    )
    reason = forms.CharField(
        label="审批意见",
        required=False,
        max_length=1000,
        error_messages={"max_length": "不超过 1000 字。"},
    )


class EvidenceForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=EvidenceStage.choices)
    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的照片或文件。"})


class TransitionForm(forms.Form):
    """A button of the problem page; ``lock_version`` is the version the page showed."""

    action = forms.CharField()
    reason = forms.CharField(label="说明", required=False, max_length=1000)
    lock_version = forms.IntegerField(min_value=0, max_value=2_147_483_647)
