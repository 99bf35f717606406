"""The forms of the registry import: the upload, and the column mapping."""

from __future__ import annotations

from typing import Any

from django import forms

from anbiao.orgs.registry.header import SAVED, Header
from anbiao.orgs.registry.mapping import check_choices
from anbiao.orgs.registry.table import column_letter
from anbiao.orgs.registry_columns import REGISTRY_COLUMNS


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label="底数台账文件",
        help_text="Excel（.xlsx）或 CSV 文件；第一行可以是标题，表头须在前10行内。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要导入的文件", "empty": "文件为空"},
    )


class ColumnMappingForm(forms.Form):
    """One choice per registry column: which column of the file holds it (or none).

    A plain form of <select>s: it works without JavaScript and stacks on a phone.
    """

    def __init__(self, *args: Any, header: Header, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        options = [
            (str(i), f"{column_letter(i)}列：{text}") for i, text in enumerate(header.cells) if text
        ]
        for column in REGISTRY_COLUMNS:
            empty = "（请选择）" if column.required else "（文件中没有此列）"
            index = header.columns.get(column.key)
            field = forms.ChoiceField(
                label=column.header,
                choices=[("", empty), *options],
                required=False,
                initial="" if index is None else str(index),
            )
            field.registry_required = column.required  # type: ignore[attr-defined]
            if index is None:
                field.help_text = "未识别，请选择。" if column.required else "未识别。"
            elif header.sources.get(column.key) == SAVED:
                field.help_text = "按本单位上次保存的对应关系。"
            else:
                field.help_text = "按列名自动识别。"
            self.fields[column.key] = field

    def chosen(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {c.key: int(data[c.key]) if data.get(c.key) else None for c in REGISTRY_COLUMNS}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if not self.errors:
            for key, message in check_choices(header=self.header, chosen=self.chosen()).items():
                self.add_error(key, message)
        return data
