"""One helper shows a service's ValidationError on the form (anbiao.core.form_errors)."""

from __future__ import annotations

import ast
from pathlib import Path

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from anbiao.core.form_errors import add_service_errors


class NameForm(forms.Form):
    name = forms.CharField(label="名称")
    phone = forms.CharField(label="电话", required=False)


def _bound() -> NameForm:
    form = NameForm({"name": "某单位", "phone": ""})
    assert form.is_valid()
    return form


def test_field_errors_go_onto_their_fields_and_the_rest_above_the_form() -> None:
    form = _bound()
    add_service_errors(
        form,
        ValidationError(
            {
                "name": ["名称已存在。", "名称过长。"],
                "organization": "单位不在本单位范围内。",  # a field the form does not have
                NON_FIELD_ERRORS: "请刷新页面后重试。",
            }
        ),
    )
    assert form.errors["name"] == ["名称已存在。", "名称过长。"]
    assert "name" not in form.cleaned_data
    assert set(map(str, form.non_field_errors())) == {
        "单位不在本单位范围内。",
        "请刷新页面后重试。",
    }
    assert "phone" not in form.errors


def test_an_error_without_fields_is_a_non_field_error_each_message_once() -> None:
    form = _bound()
    add_service_errors(form, ValidationError(["第一条。", "第二条。"]))
    assert form.non_field_errors() == ["第一条。", "第二条。"]
    assert set(form.errors) == {NON_FIELD_ERRORS}


def test_the_rest_may_go_to_a_named_field() -> None:
    form = _bound()
    add_service_errors(form, ValidationError("文件无法读取。"), rest="phone")
    add_service_errors(form, ValidationError({"stored_file": "文件过大。"}), rest="phone")
    assert form.errors["phone"] == ["文件无法读取。", "文件过大。"]
    assert not form.non_field_errors()


def test_no_view_keeps_its_own_copy() -> None:
    root = Path(__file__).resolve().parents[2]
    copies = [
        f"{path.relative_to(root.parent)}:{node.lineno}"
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in {"_add_errors", "add_errors"}
    ]
    assert copies == []
