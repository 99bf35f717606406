"""The phone rule shared by every form, service and import: mainland mobiles and landlines with
their area code, stored in one normalized form."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from anbiao.core.validators import (
    PhoneField,
    clean_phone_change,
    keep_stored_phones,
    normalize_mobile,
    normalize_phone,
    validate_phone,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width digits
        (13912345678.0, "13912345678"),  # an Excel number cell
        ("0595-86381234", "0595-86381234"),
        ("0595 86381234", "0595-86381234"),
        ("0595 8638 1234", "0595-86381234"),
        ("0595—86381234", "0595-86381234"),
        ("(0595)86381234", "0595-86381234"),
        ("（0595）8638-1234", "0595-86381234"),
        ("059586381234", "0595-86381234"),
        ("05958638123", "0595-8638123"),  # 4-digit area code + 7 digits
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),  # 010 and 02x have three digits
        ("02112345678", "021-12345678"),
        ("0595-86381234-801", "0595-86381234转801"),
        ("0595-86381234转801", "0595-86381234转801"),
        ("0595-86381234 ext.801", "0595-86381234转801"),
        ("0595-86381234 分机 8", "0595-86381234转8"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_phone_is_stored_in_one_normalized_form(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12912345678",  # 12x is not a mobile prefix
        "1391234567",  # 10 digits
        "139123456789",  # 12 digits
        "86381234",  # a landline without its area code
        "0595-863812",  # 6 digits after the area code
        "0595-863812345",  # 9 digits
        "0595-86381234-801-2",
        "13912345678/0595-86381234",  # two numbers in one field
        "13912345678转8",  # mobiles have no extension
        "电话13912345678",
        "abc",
        "1.39123E+10",
        "139١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits to Python, not to a phone
    ],
)
def test_what_is_not_a_mainland_phone_is_refused(typed):
    assert normalize_phone(typed) is None
    with pytest.raises(ValidationError) as exc:
        validate_phone(typed)
    assert exc.value.messages == [
        "联系电话格式不正确，应为11位手机号（如 13912345678）或带区号的固定电话（如 0595-86381234）"
    ]


def test_a_service_error_is_keyed_by_the_field_and_a_mobile_only_field_refuses_landlines():
    with pytest.raises(ValidationError) as exc:
        validate_phone("0595-86381234", label="手机号", mobile_only=True, field="mobile")
    assert exc.value.message_dict == {"mobile": ["格式不正确，应为11位手机号（如 13912345678）"]}
    assert normalize_mobile("+86 13912345678") == "13912345678"
    assert normalize_mobile("0595-86381234") is None


@given(
    st.one_of(
        st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
        st.from_regex(r"\A0[1-9][0-9]{1,2}-[1-9][0-9]{6,7}(转[0-9]{1,6})?\Z"),
    )
)
def test_normalizing_a_stored_number_gives_it_back_unchanged(number):
    assert normalize_phone(number) == number
    assert normalize_phone(normalize_phone(number)) == normalize_phone(number)


def test_a_number_on_record_is_kept_when_sent_back_unchanged_and_checked_when_changed():
    legacy = "86381234"  # recorded before the rule: no area code
    assert clean_phone_change(legacy, "86381234") == legacy  # not rewritten silently
    assert clean_phone_change("0595 8638 1234", "0595-86381234") == "0595 8638 1234"
    assert clean_phone_change(legacy, "0595 86381235") == "0595-86381235"
    with pytest.raises(ValidationError) as exc:
        clean_phone_change(legacy, "86381235", field="phone")
    assert list(exc.value.message_dict) == ["phone"]


class _Form(forms.Form):
    phone = PhoneField(label="联系电话", required=False)
    mobile = PhoneField(label="手机号", mobile_only=True, required=False)


def test_the_form_field_normalizes_refuses_in_chinese_and_keeps_a_stored_number():
    form = _Form({"phone": "（0595）8638 1234", "mobile": "139 1234 5678"})
    assert form.is_valid()
    assert form.cleaned_data == {"phone": "0595-86381234", "mobile": "13912345678"}

    form = _Form({"phone": "86381234", "mobile": "0595-86381234"})
    assert not form.is_valid()
    assert form.errors == {
        "phone": [
            "格式不正确，应为11位手机号（如 13912345678）或带区号的固定电话（如 0595-86381234）"
        ],
        "mobile": ["格式不正确，应为11位手机号（如 13912345678）"],
    }

    form = _Form({"phone": "86381234", "mobile": ""})
    keep_stored_phones(form, phone="86381234")
    assert form.is_valid() and form.cleaned_data["phone"] == "86381234"
    assert form.fields["phone"].widget.attrs["inputmode"] == "tel"
