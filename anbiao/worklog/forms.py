from __future__ import annotations

from typing import Any, cast

from django import forms

from anbiao.orgs.models import Enterprise
from anbiao.tasks_reporting.forms import MultipleFileField
from anbiao.worklog.models import (
    ENTERPRISE_RECORD_KINDS,
    Channel,
    Grade,
    RecordKind,
    ReviewOutcome,
    TraineeCategory,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STARS = [(1, "一星"), (2, "二星"), (3, "三星")]


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RecordKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="主题", max_length=200)
    participants = forms.CharField(label="参加人员", max_length=500, required=False)
    channel = forms.ChoiceField(
        label="宣传渠道", required=False, choices=[("", "—")] + list(Channel.choices)
    )
    link = forms.URLField(label="链接", required=False, max_length=500, assume_scheme="https")
    content = forms.CharField(
        label="内容摘要或纪要", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, enterprise: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if enterprise:
            cast(forms.ChoiceField, self.fields["kind"]).choices = [
                c for c in RecordKind.choices if c[0] in ENTERPRISE_RECORD_KINDS
            ]
        for value, label in TraineeCategory.choices:
            self.fields[f"n_{value}"] = forms.IntegerField(
                label=f"参训人数：{label}", required=False, min_value=0, max_value=100000
            )
        self.fields["files"] = MultipleFileField(
            label="佐证材料（签到表、照片、纪要、文件）", required=False
        )

    def headcounts(self) -> dict[str, int]:
        return {
            value: self.cleaned_data.get(f"n_{value}") or 0 for value, _ in TraineeCategory.choices
        }


class LinkForm(forms.Form):
    answer = forms.ChoiceField(label="关联到细则条款")

    def __init__(self, *args: Any, answers: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers = {str(a.pk): a for a in answers}
        cast(forms.ChoiceField, self.fields["answer"]).choices = [
            (
                str(a.pk),
                f"{a.checklist.template_version.template.attachment} {a.clause.code} {a.clause.text[:40]}",
            )
            for a in answers
        ]


class ReviewForm(forms.Form):
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label="企业", queryset=None
    )
    date = forms.DateField(label="评审日期", widget=DATE)
    outcome = forms.ChoiceField(label="评审结果", choices=ReviewOutcome.choices)
    grade = forms.ChoiceField(
        label="达标等级", required=False, choices=[("", "—")] + list(Grade.choices)
    )
    reviewer = forms.CharField(label="评审单位", max_length=200)
    certificate_number = forms.CharField(label="证书编号", max_length=60, required=False)
    valid_until = forms.DateField(label="证书有效期至", required=False, widget=DATE)

    def __init__(self, *args: Any, enterprises: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Enterprise]", self.fields["enterprise"]).queryset = enterprises


class StarApplyForm(forms.Form):
    requested_star = forms.TypedChoiceField(label="申请星级", choices=STARS, coerce=int)
    self_score = forms.DecimalField(
        label="自评得分", min_value=0, max_value=100, max_digits=5, decimal_places=1
    )
    statement = forms.CharField(
        label="申请说明", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # The form metaclass moves declared fields off the class, so this does not hide
    # BaseForm.files (the uploaded files); the stubs cannot tell.
    files = MultipleFileField(  # type: ignore[assignment]
        label="自评佐证材料", help_text="自评报告、评分表等，可多选"
    )


class StarMoveForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    level = forms.TypedChoiceField(
        label="星级", choices=[("", "—"), *STARS], coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(
        label="意见（理由）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlaqueForm(forms.Form):
    date = forms.DateField(label="授牌日期", widget=DATE)
    number = forms.CharField(label="牌匾编号", max_length=60)
