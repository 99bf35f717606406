"""Stock form messages and the empty choice read as plain Chinese and show with the field's
name (issue 16 item 11; anbiao/core/zh_messages.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from anbiao.core.tests.world import build_world
from anbiao.obligations.tests.builders import client_for

pytestmark = pytest.mark.django_db


def test_the_stock_messages_are_plain_chinese() -> None:
    class F(forms.Form):
        text = forms.CharField(max_length=5)
        amount = forms.DecimalField(max_digits=12, decimal_places=2)
        count = forms.IntegerField(min_value=1, max_value=31)
        day = forms.DateField()
        pick = forms.ChoiceField(choices=[("a", "甲")])

    form = F(
        {"text": "长" * 9, "amount": "12345678901", "count": "40", "day": "2026-02-30", "pick": "z"}
    )
    assert not form.is_valid()
    assert form.errors == {
        "text": ["最多 5 字，现在 9 字。"],
        "amount": ["整数部分最多 10 位。"],
        "count": ["不能大于 31。"],
        "day": ["请输入正确的日期，例如 2026-01-31。"],
        "pick": ["所选项不在可选范围内，请重新选择。"],
    }
    assert F({}).errors["text"] == ["必须填写。"]


def test_a_real_form_names_the_field_and_offers_qing_xuanze() -> None:
    world = build_world()
    c = client_for(world.users["department:org_admin"])
    url = reverse("enforcement:case_create")
    html = c.get(url).content.decode()
    assert '<option value="" selected>请选择</option>' in html
    assert "Select an option" not in html and "---------" not in html
    r = c.post(
        url,
        {
            "case_number": "南应急罚〔2026〕1号",
            "violation": "长" * 6000,
            "fine_amount": "12345678901",
        },
    )
    text = r.content.decode()
    assert "违法行为：最多 2000 字，现在 6000 字。" in text
    assert "罚款金额（元）：整数部分最多 10 位。" in text
    assert "法律依据：必须填写。" in text
    assert "确保该变量" not in text and "确认小数点" not in text
