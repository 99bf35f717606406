from django.urls import reverse

from anbiao.core.tests.matrix import Case, allow

SECADMIN = allow(only=("city:secadmin",))


def _admin_reset_url(w):
    from anbiao.accounts.services import totp_device_start

    target = w.users["city:auditor"]
    totp_device_start(user=target)
    return reverse("accounts:totp_reset", args=[target.pk])


CASES = [
    # Logged-in users are sent on to the home page; anonymous users see the form.
    Case("accounts:login", "public", lambda w: reverse("accounts:login"), allow(ok=302, anon=200)),
    Case(
        "accounts:logout",
        "public",
        lambda w: reverse("accounts:logout"),
        allow(ok=302, anon=302),
        method="post",
    ),
    Case(
        "accounts:password_change", "self", lambda w: reverse("accounts:password_change"), allow()
    ),
    # Without a confirmed device, the verify page sends the user to the setup page.
    Case("accounts:totp_verify", "self", lambda w: reverse("accounts:totp_verify"), allow(ok=302)),
    Case("accounts:totp_setup", "self", lambda w: reverse("accounts:totp_setup"), allow()),
    Case("accounts:security", "secadmin", lambda w: reverse("accounts:security"), SECADMIN),
    Case(
        "accounts:lockout_unlock",
        "secadmin",
        lambda w: reverse("accounts:lockout_unlock"),
        allow(only=("city:secadmin",), ok=302),
        method="post",
        data=lambda w: {"username": "someone"},
    ),
    Case(
        "accounts:totp_reset",
        "secadmin",
        _admin_reset_url,
        allow(only=("city:secadmin",), ok=302),
        method="post",
    ),
    Case(
        "accounts:totp_reset",
        "missing user",
        lambda w: reverse("accounts:totp_reset", args=[999999]),
        allow(only=()),
        method="post",
    ),
]
