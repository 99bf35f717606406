"""Forms of the statistics table: the period picker, submitting (填报), the reviewing moves
(接收、退回、撤销接收)."""

from __future__ import annotations

from typing import Any

from django import forms

from anbiao.core.validators import PhoneField
from anbiao.stats.columns import COLUMNS, Period


class PeriodForm(forms.Form):
    start = forms.DateField(label="统计期开始", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="统计期结束", widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.UUIDField(label="填报单位", required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "结束日期不能早于开始日期。")
        if start and end and (end - start).days > 3660:
            self.add_error("end", "统计期不能超过十年。")
        return data


def period_from(params: Any, default: Period) -> tuple[Period, PeriodForm]:
    """The period asked for in the query string; the default when absent or invalid."""
    data = {
        "start": params.get("start") or default.start.isoformat(),
        "end": params.get("end") or default.end.isoformat(),
        "unit": params.get("unit") or "",
    }
    form = PeriodForm(data)
    if form.is_valid():
        return Period(form.cleaned_data["start"], form.cleaned_data["end"]), form
    return default, form


class SubmitForm(forms.Form):
    """填报: who filled it in, and optional adjustments (number + reason per column)."""

    filler_name = forms.CharField(label="填报人", max_length=50)
    phone = PhoneField(label="联系电话")
    stamp = forms.FileField(
        label="盖章扫描件",
        required=False,
        help_text="加盖单位公章的统计表扫描件（图片或 PDF），可选。",
    )
    computed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, computed: list[int | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.computed_values = computed
        for col, value in zip(COLUMNS, computed, strict=True):
            self.fields[f"v{col.no:02d}"] = forms.IntegerField(
                label=f"第{col.no}列 {col.group}·{col.name}",
                required=False,
                min_value=0,
                max_value=10_000_000,
                initial=value,
                widget=forms.NumberInput(attrs={"class": "stats-num"}),
            )
            self.fields[f"r{col.no:02d}"] = forms.CharField(
                label=f"第{col.no}列调整原因",
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": "调整数字时必填，如：线下开展的工作"}),
            )
        self.fields["computed"].initial = ",".join("" if v is None else str(v) for v in computed)

    def rows(self) -> list[tuple[Any, Any, Any, int | None]]:
        return [
            (col, self[f"v{col.no:02d}"], self[f"r{col.no:02d}"], self.computed_values[i])
            for i, col in enumerate(COLUMNS)
        ]

    def adjustments(self) -> dict[int, tuple[int | None, str]]:
        out = {}
        for col in COLUMNS:
            value = self.cleaned_data.get(f"v{col.no:02d}")
            reason = self.cleaned_data.get(f"r{col.no:02d}") or ""
            if value is None and self.computed_values[col.no - 1] is None and not reason:
                continue
            if value is None:
                value = self.computed_values[col.no - 1]
            out[col.no] = (value, reason)
        return out

    def expected(self) -> list[int | None] | None:
        raw = self.cleaned_data.get("computed") or ""
        if not raw:
            return None
        parts = raw.split(",")
        if len(parts) != len(COLUMNS):
            return None
        try:
            return [None if p == "" else int(p) for p in parts]
        except ValueError:
            return None


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    """The reason of a reviewing move (退回、撤销接收 need one; 接收 does not)."""

    reason = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, label: str, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].required = required
