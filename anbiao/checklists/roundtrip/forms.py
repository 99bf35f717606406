"""The upload form of the Excel round trip."""

from __future__ import annotations

from django import forms


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label="填写好的离线填写文件",
        help_text="从本页下载、在 WPS 或 Excel 中填写并保存的 .xlsx 文件。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={
            "required": "请选择要上传的文件。",
            "empty": "文件为空。",
            "invalid": "没有收到文件，请重新选择。",
            "missing": "没有收到文件，请重新选择。",
        },
    )
