from django.urls import reverse

from anbiao.core.tests.matrix import Case, allow

SECADMIN = allow(only=("city:secadmin",))
ADMINS = ("city:sysadmin", "city:secadmin", "city:auditor")


def _grant_url(action: str):
    def url(w) -> str:
        from anbiao.accounts.services import roles_set
        from anbiao.orgs.tests.factories import make_user

        target = make_user(w.city, "viewer", username=f"grant_{action}")
        grant = roles_set(by=w.users["city:sysadmin"], user=target, roles=["auditor"])
        assert grant is not None
        return reverse(f"accounts:role_grant_{action}", args=[grant.pk])

    return url


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
        "accounts:lockout_unlock_ip",
        "secadmin",
        lambda w: reverse("accounts:lockout_unlock_ip"),
        allow(only=("city:secadmin",), ok=302),
        method="post",
        data=lambda w: {"ip": "192.0.2.1"},
    ),
    Case(
        "accounts:role_grant_list",
        "admins",
        lambda w: reverse("accounts:role_grant_list"),
        allow(only=ADMINS),
    ),
    # Confirming answers 302 for both confirmers (the second finds it decided: a message).
    Case(
        "accounts:role_grant_confirm",
        "pending",
        _grant_url("confirm"),
        allow(only=("city:secadmin", "city:auditor"), ok=302),
        method="post",
    ),
    Case(
        "accounts:role_grant_refuse",
        "pending",
        _grant_url("refuse"),
        allow(only=("city:secadmin", "city:auditor"), ok=302),
        method="post",
    ),
    Case(
        "accounts:role_grant_cancel",
        "pending",
        _grant_url("cancel"),
        allow(only=("city:sysadmin",), ok=302),
        method="post",
    ),
    Case(
        "accounts:role_grant_confirm",
        "missing grant",
        lambda w: reverse("accounts:role_grant_confirm", args=[999999]),
        allow(only=()),
        method="post",
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
