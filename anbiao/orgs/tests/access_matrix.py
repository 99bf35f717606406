from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
GOV_WRITERS = (Role.ORG_ADMIN, Role.FILLER)
ENT_WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
CITY_MANAGERS = ("city:org_admin", "city:sysadmin")
MANAGERS = (
    "city:org_admin",
    "city:sysadmin",
    "department:org_admin",
    "town:org_admin",
    "enterprise:org_admin",
)


def ent_url(name, attr):  # noqa: ANN001, ANN201
    return lambda w: reverse(name, args=[getattr(w, attr).pk])


CASES = [
    Case(
        "orgs:enterprise_list",
        "scope",
        lambda w: reverse("orgs:enterprise_list"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "orgs:enterprise_export",
        "scope",
        lambda w: reverse("orgs:enterprise_export"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "orgs:enterprise_detail",
        "own",
        ent_url("orgs:enterprise_detail", "ent"),
        allow(GOV, BUSINESS),
    ),
    # Another town's and another department's enterprise: only the city office sees it.
    Case(
        "orgs:enterprise_detail",
        "other",
        ent_url("orgs:enterprise_detail", "ent_other"),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "orgs:enterprise_create",
        "form",
        lambda w: reverse("orgs:enterprise_create"),
        allow(GOV, GOV_WRITERS),
    ),
    Case(
        "orgs:enterprise_edit",
        "own",
        ent_url("orgs:enterprise_edit", "ent"),
        allow(GOV, GOV_WRITERS),
    ),
    Case(
        "orgs:enterprise_edit",
        "other",
        ent_url("orgs:enterprise_edit", "ent_other"),
        allow([OrgKind.CITY], GOV_WRITERS),
    ),
    Case(
        "orgs:profile",
        "own",
        lambda w: reverse("orgs:profile"),
        allow([OrgKind.ENTERPRISE], BUSINESS),
    ),
    Case(
        "orgs:profile_edit",
        "own",
        lambda w: reverse("orgs:profile_edit"),
        allow([OrgKind.ENTERPRISE], ENT_WRITERS),
    ),
    Case("orgs:unit_list", "city", lambda w: reverse("orgs:unit_list"), allow(only=CITY_MANAGERS)),
    Case(
        "orgs:unit_create", "city", lambda w: reverse("orgs:unit_create"), allow(only=CITY_MANAGERS)
    ),
    Case(
        "orgs:unit_edit",
        "dept",
        lambda w: reverse("orgs:unit_edit", args=[w.dept.pk]),
        allow(only=CITY_MANAGERS),
    ),
    Case("orgs:user_list", "scope", lambda w: reverse("orgs:user_list"), allow(only=MANAGERS)),
    Case(
        "orgs:user_create", "own-org", lambda w: reverse("orgs:user_create"), allow(only=MANAGERS)
    ),
    Case(
        "orgs:user_edit",
        "dept-user",
        lambda w: reverse("orgs:user_edit", args=[w.users["department:filler"].pk]),
        allow(only=("city:org_admin", "city:sysadmin", "department:org_admin")),
    ),
    Case(
        "orgs:registry_import",
        "form",
        lambda w: reverse("orgs:registry_import"),
        allow(GOV, GOV_WRITERS),
    ),
]

# Registry import: without a kept upload the preview and confirm steps send an importer back to
# the upload page (302); everybody else gets 404 (anonymous users: the login page, 302).
CASES += [
    Case(
        "orgs:registry_preview",
        "no-upload",
        lambda w: reverse("orgs:registry_preview"),
        allow(GOV, GOV_WRITERS, ok=302),
    ),
    Case(
        "orgs:registry_columns",
        "no-upload",
        lambda w: reverse("orgs:registry_columns"),
        allow(GOV, GOV_WRITERS, ok=302),
    ),
    Case(
        "orgs:registry_columns",
        "no-upload",
        lambda w: reverse("orgs:registry_columns"),
        allow(GOV, GOV_WRITERS, ok=302),
        method="post",
    ),
    Case(
        "orgs:registry_errors",
        "no-upload",
        lambda w: reverse("orgs:registry_errors"),
        allow(GOV, GOV_WRITERS, ok=302),
    ),
    Case(
        "orgs:registry_confirm",
        "no-upload",
        lambda w: reverse("orgs:registry_confirm"),
        allow(GOV, GOV_WRITERS, ok=302),
        method="post",
    ),
    Case(
        "orgs:registry_cancel",
        "no-upload",
        lambda w: reverse("orgs:registry_cancel"),
        allow(GOV, GOV_WRITERS, ok=302),
        method="post",
    ),
]
