from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number. Inactive users never authenticate."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or not password:
            return None
        User = get_user_model()
        login = username.strip()
        try:
            user = User.objects.get(Q(username=login) | Q(mobile=login))
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            # Run the hasher anyway so that timing does not reveal whether the user exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
