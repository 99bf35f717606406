from __future__ import annotations

import re

from django.urls import reverse

from anbiao.accounts.services import SESSION_2FA_KEY

BACKEND = "anbiao.accounts.backends.UsernameOrMobileBackend"
SECOND_FACTOR_MIDDLEWARE = "anbiao.accounts.middleware.SecondFactorMiddleware"


def post_login(client, username: str, password: str, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def pass_second_factor(client) -> None:
    """Mark the client's session as having given its second factor (tests of other things)."""
    session = client.session
    session[SESSION_2FA_KEY] = True
    session.save()


def login_fully(client, user) -> None:
    """A session that has passed the password and (when it applies) the second factor."""
    client.force_login(user, backend=BACKEND)
    pass_second_factor(client)


def normalized(body: bytes, username: str) -> str:
    """The page without what differs on every render (CSRF token) or echoes the input."""
    text = body.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", text)
    return text.replace(username, "USERNAME")
