from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists.tests import helpers
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind

ALL = tuple(OrgKind.values)
GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def checklist_of(attr):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        return reverse("dashboards:compare", args=[helpers.start(getattr(w, attr).organization).pk])

    return build


def handover(name, attr):  # noqa: ANN001, ANN201
    return lambda w: f"{reverse(name)}?enterprise={getattr(w, attr).pk}"


CASES = [
    Case("dashboards:home", "scope", lambda w: reverse("dashboards:home"), allow(GOV, BUSINESS)),
    Case(
        "dashboards:chart_xlsx",
        "scope",
        lambda w: reverse("dashboards:chart_xlsx", args=["problems"]),
        allow(GOV, BUSINESS),
    ),
    Case(
        "dashboards:todo",
        "own",
        lambda w: reverse("dashboards:todo"),
        allow([OrgKind.ENTERPRISE], BUSINESS),
    ),
    Case("dashboards:compare", "own", checklist_of("ent"), allow(ALL, BUSINESS)),
    Case("dashboards:compare", "other", checklist_of("ent_other"), allow([OrgKind.CITY], BUSINESS)),
    Case(
        "dashboards:paper_list",
        "scope",
        lambda w: reverse("dashboards:paper_list"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "dashboards:paper_mark",
        "own",
        lambda w: reverse("dashboards:paper_mark", args=[w.ent.pk]),
        allow(GOV, WRITERS, ok=302),
        method="post",
    ),
    Case(
        "dashboards:paper_mark",
        "other",
        lambda w: reverse("dashboards:paper_mark", args=[w.ent_other.pk]),
        allow([OrgKind.CITY], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "dashboards:handover_xlsx",
        "own",
        handover("dashboards:handover_xlsx", "ent"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "dashboards:handover_xlsx",
        "other",
        handover("dashboards:handover_xlsx", "ent_other"),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "dashboards:handover_json",
        "own",
        handover("dashboards:handover_json", "ent"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "dashboards:handover_json",
        "other",
        handover("dashboards:handover_json", "ent_other"),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "dashboards:reconcile",
        "scope",
        lambda w: reverse("dashboards:reconcile"),
        allow(GOV, BUSINESS),
    ),
]
