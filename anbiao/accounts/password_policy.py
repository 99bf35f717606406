"""Password rules (等保 2.0): 3 of 4 character classes, not containing the username."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < 3:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类。",
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return "至少包含大写字母、小写字母、数字、特殊字符中的三类。"


class NotContainingUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能包含用户名。"
