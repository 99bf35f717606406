"""The upload form of the registry import."""

from __future__ import annotations

from django import forms


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label="底数台账文件",
        help_text="Excel（.xlsx）或 CSV 文件；第一行可以是标题，表头须在前10行内。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要导入的文件", "empty": "文件为空"},
    )
