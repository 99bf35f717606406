from __future__ import annotations

from typing import Any, cast

from django import forms

from anbiao.notices.models import NoticeKind
from anbiao.orgs.models import Organization, OrgKind, SizeClass


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="告知书种类", choices=[("", "请选择"), *NoticeKind.choices])
    title = forms.CharField(
        label="标题", max_length=200, required=False, help_text="不填则使用告知书种类名称"
    )
    document = forms.FileField(label="告知书文件", help_text="PDF、Word 或图片")


class CandidateFilterForm(forms.Form):
    town = forms.ModelChoiceField(
        label="乡镇/街道", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )
    size_class = forms.ChoiceField(
        label="企业类型", choices=[("", "全部"), *SizeClass.choices], required=False
    )
    q = forms.CharField(label="名称或信用代码", required=False)

    def __init__(self, *args: Any, town_ids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = cast("forms.ModelChoiceField[Organization]", self.fields["town"])
        town.queryset = Organization.objects.filter(kind=OrgKind.TOWN, pk__in=town_ids).order_by(
            "sort_order", "name"
        )


class LedgerFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="状态",
        choices=[
            ("", "全部"),
            ("not_acknowledged", "未签收"),
            ("not_signed", "未签订承诺书"),
            ("not_posted", "未公示"),
            ("posted", "已公示"),
        ],
        required=False,
    )
    town = forms.ModelChoiceField(
        label="乡镇/街道", queryset=Organization.objects.none(), required=False, empty_label="全部"
    )

    def __init__(self, *args: Any, town_ids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = cast("forms.ModelChoiceField[Organization]", self.fields["town"])
        town.queryset = Organization.objects.filter(kind=OrgKind.TOWN, pk__in=town_ids).order_by(
            "sort_order", "name"
        )


class ScanForm(forms.Form):
    scan = forms.FileField(label="承诺书签字盖章扫描件", help_text="PDF 或图片")


class PhotoForm(forms.Form):
    photo = forms.ImageField(
        label="公示照片", help_text="拍摄张贴在公示栏的告知书和承诺书，只接受图片"
    )
