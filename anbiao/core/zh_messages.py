"""The Chinese wording of every stock form message, in one place (issue 16 item 11).

Django's own zh-hans texts read like a translation ("确保该变量包含不超过 2000 字符 (目前字符数
6000)", "确认小数点前不超过 10 位") and its empty choice is "- Select an option -". Instead of
repeating ``error_messages`` and ``empty_label`` in each of sixty forms, :func:`install` (called
from ``CoreConfig.ready``, before any form or model field is built) replaces the defaults that
Django documents as overridable: ``BLANK_CHOICE_LABEL`` and the ``message``/``messages``/
``default_error_messages`` class attributes of validators and fields.

The texts never repeat the field's name: every template shows a field error as
"{{ field.label }}：{{ error }}" (``templates/includes/field.html``), so the user reads
"整改措施：最多 2000 字，现在 6000 字". Messages that a form sets itself still win.
"""

from __future__ import annotations

from django import forms
from django.core import validators
from django.db.models import fields as model_fields

EMPTY_CHOICE = "请选择"
REQUIRED = "必须填写。"
CHOOSE = "所选项不在可选范围内，请重新选择。"
NUMBER = "请输入数字。"
DATE = "请输入正确的日期，例如 2026-01-31。"

VALIDATOR_MESSAGES: dict[type, str] = {
    validators.MaxLengthValidator: "最多 %(limit_value)d 字，现在 %(show_value)d 字。",
    validators.MinLengthValidator: "至少 %(limit_value)d 字，现在 %(show_value)d 字。",
    validators.MaxValueValidator: "不能大于 %(limit_value)s。",
    validators.MinValueValidator: "不能小于 %(limit_value)s。",
    validators.StepValueValidator: "应为 %(limit_value)s 的整数倍。",
    validators.EmailValidator: "请输入正确的电子邮箱地址，例如 name@example.com。",
    validators.URLValidator: "请输入正确的网址。",
    validators.RegexValidator: "格式不正确。",
    validators.ProhibitNullCharactersValidator: "含有不允许的空字符。",
    validators.FileExtensionValidator: "不支持 %(extension)s 文件，可上传：%(allowed_extensions)s。",
}

DECIMAL_MESSAGES = {
    "invalid": NUMBER,
    "max_digits": "数字最多 %(max)s 位。",
    "max_decimal_places": "小数点后最多 %(max)s 位。",
    "max_whole_digits": "整数部分最多 %(max)s 位。",
}

FIELD_MESSAGES: dict[type, dict[str, str]] = {
    forms.Field: {"required": REQUIRED},
    forms.IntegerField: {"invalid": "请输入整数。"},
    forms.FloatField: {"invalid": NUMBER},
    forms.DecimalField: {"invalid": NUMBER},
    forms.DateField: {"invalid": DATE},
    forms.TimeField: {"invalid": "请输入正确的时间，例如 09:30。"},
    forms.DateTimeField: {"invalid": "请输入正确的日期和时间，例如 2026-01-31 09:30。"},
    forms.SplitDateTimeField: {"invalid_date": DATE, "invalid_time": "请输入正确的时间。"},
    forms.DurationField: {"invalid": "请输入正确的时长。", "overflow": "时长超出范围。"},
    forms.FileField: {
        "invalid": "没有收到文件，请重新选择后上传。",
        "missing": "没有收到文件。",
        "empty": "上传的文件是空的。",
        "max_length": "文件名最多 %(max)d 字，现在 %(length)d 字。",
        "contradiction": "请选择上传新文件或勾选清除，不能同时进行。",
    },
    forms.ImageField: {"invalid_image": "请上传图片文件（文件不是图片或已损坏）。"},
    forms.URLField: {"invalid": "请输入正确的网址。"},
    forms.ChoiceField: {"invalid_choice": CHOOSE},
    forms.MultipleChoiceField: {"invalid_choice": CHOOSE, "invalid_list": "请选择一项或多项。"},
    forms.MultiValueField: {"invalid": "请填写完整。", "incomplete": "请填写完整。"},
    forms.UUIDField: {"invalid": "编号格式不正确。"},
    forms.JSONField: {"invalid": "内容格式不正确。"},
    forms.ModelChoiceField: {"invalid_choice": CHOOSE},
    forms.ModelMultipleChoiceField: {
        "invalid_choice": CHOOSE,
        "invalid_list": "请选择一项或多项。",
        "invalid_pk_value": CHOOSE,
    },
}

MODEL_FIELD_MESSAGES: dict[type, dict[str, str]] = {
    model_fields.Field: {
        "invalid_choice": CHOOSE,
        "null": REQUIRED,
        "blank": REQUIRED,
    },
}


def install() -> None:
    """Put the Chinese defaults in place (idempotent)."""
    model_fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE  # type: ignore[assignment]
    for validator, message in VALIDATOR_MESSAGES.items():
        validator.message = message  # type: ignore[attr-defined]
    validators.DecimalValidator.messages = dict(DECIMAL_MESSAGES)  # type: ignore[assignment]
    for table in (FIELD_MESSAGES, MODEL_FIELD_MESSAGES):
        for cls, messages in table.items():
            cls.default_error_messages = {  # type: ignore[attr-defined]
                **cls.__dict__.get("default_error_messages", {}),
                **messages,
            }
