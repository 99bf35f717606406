from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.api.services import apitoken_create
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.tests.factories import make_user

BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)


def own_token_url(w):  # noqa: ANN001, ANN201
    token, _ = apitoken_create(by=w.users["department:filler"], name="对接")
    return reverse("apitokens:revoke", args=[token.pk])


def other_token_url(w):  # noqa: ANN001, ANN201
    outsider = make_user(w.dept_other, Role.ORG_ADMIN, username="token_outsider")
    token, _ = apitoken_create(by=outsider, name="外单位")
    return reverse("apitokens:revoke", args=[token.pk])


CASES = [
    # Every business user manages their own tokens; the 三员 have no API access.
    Case("apitokens:list", "own", lambda w: reverse("apitokens:list"), allow(None, BUSINESS)),
    # A token is revoked only by its owner (a redirect back to the list); anyone else gets 404.
    Case(
        "apitokens:revoke",
        "own",
        own_token_url,
        allow(only=("department:filler",), ok=302),
        method="post",
    ),
    Case("apitokens:revoke", "other", other_token_url, allow(only=(), ok=302), method="post"),
]
