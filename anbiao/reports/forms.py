from __future__ import annotations

from django import forms

from anbiao.core.validators import PhoneField
from anbiao.core.versioning import VersionedForm
from anbiao.reports.models import ReportVersion


class DraftForm(VersionedForm):
    """The draft's texts; ``version`` is the draft's ``edit_version`` (optimistic versioning)."""

    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = PhoneField(label="联系电话", required=False)
    organization_text = forms.CharField(
        label="“回头看”组织开展情况",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="如何部署、谁牵头、何时开展、对照细则逐条自查的过程。",
    )
    plan_text = forms.CharField(
        label="尚未整改问题及下一步计划",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="对尚未销号的问题，写明整改措施、责任人和完成时限。",
    )

    @classmethod
    def for_version(cls, version: ReportVersion) -> DraftForm:
        return cls(
            initial={
                "version": version.edit_version,
                "contact_person": version.contact_person,
                "contact_phone": version.contact_phone,
                "organization_text": version.organization_text,
                "plan_text": version.plan_text,
            }
        )


class DocxUploadForm(forms.Form):
    docx = forms.FileField(label="修改后的报告（.docx）")


class ScanForm(forms.Form):
    signer_name = forms.CharField(label="签字的主要负责人", max_length=50)
    scan = forms.FileField(label="签字页扫描件（图片或 PDF）")


class SignForm(forms.Form):
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class StartForm(forms.Form):
    campaign = forms.IntegerField(widget=forms.HiddenInput)
