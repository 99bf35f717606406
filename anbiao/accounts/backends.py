from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from anbiao.accounts.lockout import LIFT_FLAG, LIFTED_FLAG


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the username or the mobile number. Inactive users never authenticate.

    While the account is locked everywhere (``anbiao.accounts.lockout``) a login is accepted
    only with the account's current TOTP code as well (``code``): the owner's way to lift the lock.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        code: str | None = None,
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
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            return None
        if request is not None and getattr(request, LIFT_FLAG, False):
            from anbiao.accounts.services import TOTP_OK, totp_verify

            # Only after the right password: a wrong code then counts against the device too.
            if totp_verify(user=user, code=code or "", request=request) != TOTP_OK:
                return None
            setattr(request, LIFTED_FLAG, True)
        return user
