from django.urls import reverse

from anbiao.core.tests.matrix import Case, allow

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
]
