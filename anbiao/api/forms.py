from __future__ import annotations

from django import forms


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="令牌名称",
        max_length=50,
        help_text="写明用途，例如“数据对接”“统计脚本”，便于以后辨认和吊销。",
    )
