from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists.tests import helpers
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
CITY_WRITERS = (Role.ORG_ADMIN, Role.FILLER)

CASES = [
    Case("campaigns:list", "scope", lambda w: reverse("campaigns:list"), allow(GOV, BUSINESS)),
    Case(
        "campaigns:create",
        "form",
        lambda w: (helpers.campaign(), reverse("campaigns:create"))[1],
        allow([OrgKind.CITY], CITY_WRITERS),
    ),
    Case(
        "campaigns:edit",
        "own",
        lambda w: reverse("campaigns:edit", args=[helpers.campaign().pk]),
        allow([OrgKind.CITY], CITY_WRITERS),
    ),
    # Opening an open campaign is refused with a message and a redirect.
    Case(
        "campaigns:transition",
        "own",
        lambda w: reverse("campaigns:transition", args=[helpers.campaign().pk, "open"]),
        allow([OrgKind.CITY], CITY_WRITERS, ok=302),
        method="post",
    ),
]
