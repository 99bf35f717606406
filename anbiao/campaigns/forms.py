from __future__ import annotations

from typing import cast

from django import forms

from anbiao.campaigns.models import Campaign
from anbiao.checklists.models import TemplateKind, TemplateVersion


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "period_start",
            "period_end",
            "enterprise_deadline",
            "government_deadline",
            "enterprise_template_version",
            "government_template_version",
        ]
        widgets = {
            "period_start": DateInput,
            "period_end": DateInput,
            "enterprise_deadline": DateInput,
            "government_deadline": DateInput,
        }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        versions = TemplateVersion.objects.select_related("template")
        for name, kind in (
            ("enterprise_template_version", TemplateKind.ENTERPRISE),
            ("government_template_version", TemplateKind.GOVERNMENT),
        ):
            field = cast("forms.ModelChoiceField[TemplateVersion]", self.fields[name])
            field.queryset = versions.filter(template__kind=kind)
        for f in self.fields.values():
            f.error_messages.setdefault("required", "必填。")
