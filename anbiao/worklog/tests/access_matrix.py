from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.orgs.models import OrgKind
from anbiao.worklog.models import EvidenceLink, StarStatus
from anbiao.worklog.tests import builders as b

ALL = tuple(OrgKind.values)
GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
CITY = [OrgKind.CITY]


def _ent(w, other):  # noqa: ANN001, ANN202
    return w.ent_other if other else w.ent


def rec_url(name, other, extra=None):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        r = b.record(_ent(w, other).organization)
        return reverse(name, args=[r.pk] + (extra(r) if extra else []))

    return build


def _link(r):  # noqa: ANN001, ANN202
    from anbiao.checklists.tests import helpers

    checklist = helpers.start(r.organization)
    answer = checklist.answers.order_by("clause__position").first()
    return [EvidenceLink.objects.create(record=r, answer=answer).pk]


def app_url(name, other, status=StarStatus.APPLIED, extra=None):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        a = b.application(_ent(w, other), status)
        return reverse(name, args=[a.pk] + (extra(a) if extra else []))

    return build


def first_file(obj):  # noqa: ANN001, ANN201
    return [obj.files.first().pk]


SUPERVISORS_OF_ENT = allow(ALL, BUSINESS)  # the enterprise, its department, its town, the city
CITY_ONLY = allow(CITY, BUSINESS)

CASES = [
    Case(
        "worklog:record_list",
        "scope",
        lambda w: reverse("worklog:record_list"),
        allow(ALL, BUSINESS),
    ),
    Case(
        "worklog:record_create",
        "form",
        lambda w: reverse("worklog:record_create"),
        allow(ALL, WRITERS),
    ),
    Case(
        "worklog:record_detail", "own", rec_url("worklog:record_detail", False), SUPERVISORS_OF_ENT
    ),
    Case("worklog:record_detail", "other", rec_url("worklog:record_detail", True), CITY_ONLY),
    Case(
        "worklog:record_file",
        "own",
        rec_url("worklog:record_file", False, first_file),
        SUPERVISORS_OF_ENT,
    ),
    Case(
        "worklog:record_file", "other", rec_url("worklog:record_file", True, first_file), CITY_ONLY
    ),
    Case(
        "worklog:record_link",
        "own",
        rec_url("worklog:record_link", False),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "worklog:record_link",
        "other",
        rec_url("worklog:record_link", True),
        nobody(),
        method="post",
    ),
    Case(
        "worklog:record_unlink",
        "own",
        rec_url("worklog:record_unlink", False, _link),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "worklog:record_unlink",
        "other",
        rec_url("worklog:record_unlink", True, _link),
        nobody(),
        method="post",
    ),
    Case(
        "worklog:review_list",
        "scope",
        lambda w: reverse("worklog:review_list"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "worklog:review_create",
        "form",
        lambda w: reverse("worklog:review_create"),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case(
        "worklog:star_list", "scope", lambda w: reverse("worklog:star_list"), allow(ALL, BUSINESS)
    ),
    Case(
        "worklog:star_apply",
        "form",
        lambda w: reverse("worklog:star_apply"),
        allow([OrgKind.ENTERPRISE], WRITERS),
    ),
    Case(
        "worklog:announcement",
        "all",
        lambda w: reverse("worklog:announcement"),
        allow(ALL, BUSINESS),
    ),
    Case("worklog:star_detail", "own", app_url("worklog:star_detail", False), SUPERVISORS_OF_ENT),
    Case("worklog:star_detail", "other", app_url("worklog:star_detail", True), CITY_ONLY),
    # A move the persona may not make answers 400 with the reason; out of scope answers 404.
    Case(
        "worklog:star_move",
        "own",
        app_url("worklog:star_move", False),
        allow(ALL, WRITERS, ok=400),
        method="post",
        data=lambda w: {"action": "propose", "reason": ""},
    ),
    Case(
        "worklog:star_move",
        "other",
        app_url("worklog:star_move", True),
        allow(CITY, WRITERS, ok=400),
        method="post",
        data=lambda w: {"action": "propose", "reason": ""},
    ),
    Case(
        "worklog:star_file",
        "own",
        app_url("worklog:star_file", False, extra=first_file),
        SUPERVISORS_OF_ENT,
    ),
    Case(
        "worklog:star_file",
        "other",
        app_url("worklog:star_file", True, extra=first_file),
        CITY_ONLY,
    ),
    Case(
        "worklog:plaque_create",
        "own",
        app_url("worklog:plaque_create", False, StarStatus.APPROVED),
        allow(CITY, WRITERS, ok=400),
        method="post",
        data=lambda w: {"date": "", "number": ""},
    ),
    Case(
        "worklog:plaque_create",
        "other-enterprise",
        app_url("worklog:plaque_create", True, StarStatus.APPROVED),
        allow(CITY, WRITERS, ok=400),
        method="post",
        data=lambda w: {"date": "", "number": ""},
    ),
    Case(
        "worklog:star_flag",
        "own",
        app_url("worklog:star_flag", False, StarStatus.REJECTED),
        allow(GOV, WRITERS, ok=302),
        method="post",
    ),
    Case(
        "worklog:star_flag",
        "other",
        app_url("worklog:star_flag", True, StarStatus.REJECTED),
        allow(CITY, WRITERS, ok=302),
        method="post",
    ),
    Case(
        "worklog:certificate",
        "own",
        app_url("worklog:certificate", False, StarStatus.APPROVED),
        SUPERVISORS_OF_ENT,
    ),
    Case(
        "worklog:certificate",
        "other",
        app_url("worklog:certificate", True, StarStatus.APPROVED),
        CITY_ONLY,
    ),
    Case(
        "worklog:certificate_pdf",
        "own",
        app_url("worklog:certificate_pdf", False, StarStatus.APPROVED),
        SUPERVISORS_OF_ENT,
    ),
    Case(
        "worklog:certificate_pdf",
        "other",
        app_url("worklog:certificate_pdf", True, StarStatus.APPROVED),
        CITY_ONLY,
    ),
]
