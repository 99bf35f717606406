from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from anbiao.enforcement.models import EnforcementCase, PriorityReason
from anbiao.orgs.models import Enterprise

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enterprise) -> str:
        return f"{obj.organization.name}（{obj.credit_code}）"


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: EnforcementCase) -> str:
        return f"{obj.case_number} · {obj.enterprise.organization.name} · {obj.decided_on:%Y-%m-%d}"


class CaseForm(forms.Form):
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none())
    case_number = forms.CharField(label="案号", max_length=80)
    violation = forms.CharField(label="违法行为", max_length=2000, widget=forms.Textarea)
    legal_basis = forms.CharField(label="法律依据", max_length=2000, widget=forms.Textarea)
    penalty = forms.CharField(label="处罚结果", max_length=2000, widget=forms.Textarea)
    fine_amount = forms.DecimalField(
        label="罚款金额（元）",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="没有罚款可不填",
    )
    decided_on = forms.DateField(label="处罚决定日期", widget=DATE_WIDGET)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(EnterpriseChoiceField, self.fields["enterprise"]).queryset = enterprises

    def clean_decided_on(self) -> dt.date:
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。")
        return value


class BatchForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    date = forms.DateField(label="曝光日期", widget=DATE_WIDGET)
    cases = CaseChoiceField(
        label="本批曝光的案例",
        queryset=EnforcementCase.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, cases: QuerySet[EnforcementCase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CaseChoiceField, self.fields["cases"]).queryset = cases
        if not self.is_bound and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()


class MonthlyReportForm(forms.Form):
    cases = CaseChoiceField(
        label="本月报送的典型案例",
        queryset=EnforcementCase.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    no_cases = forms.BooleanField(
        label="本月无典型案例", required=False, help_text="本月没有典型案例时，必须勾选此项明确声明"
    )
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args: Any, cases: QuerySet[EnforcementCase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CaseChoiceField, self.fields["cases"]).queryset = cases


class PriorityForm(forms.Form):
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none())
    reason = forms.ChoiceField(label="原因", choices=PriorityReason.choices)
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(EnterpriseChoiceField, self.fields["enterprise"]).queryset = enterprises


class PeriodForm(forms.Form):
    start = forms.CharField(
        label="起始月份", required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    end = forms.CharField(
        label="截止月份", required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    @staticmethod
    def _month(value: str, field: str) -> dt.date | None:
        if not value:
            return None
        try:
            year, month = (int(x) for x in value.split("-")[:2])
            return dt.date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError({field: "月份格式应为 年-月，例如 2024-05。"}) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        data["start"] = self._month(data.get("start") or "", "start")
        data["end"] = self._month(data.get("end") or "", "end")
        if data["start"] and data["end"] and data["start"] > data["end"]:
            raise forms.ValidationError({"end": "截止月份不能早于起始月份。"})
        if data["start"] and data["end"] and (data["end"].year - data["start"].year) > 3:
            raise forms.ValidationError({"end": "查询范围不能超过三年。"})
        return data
