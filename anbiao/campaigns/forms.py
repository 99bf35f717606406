from __future__ import annotations

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
        self.fields["enterprise_template_version"].queryset = versions.filter(
            template__kind=TemplateKind.ENTERPRISE
        )
        self.fields["government_template_version"].queryset = versions.filter(
            template__kind=TemplateKind.GOVERNMENT
        )
        for f in self.fields.values():
            f.error_messages.setdefault("required", "必填。")
