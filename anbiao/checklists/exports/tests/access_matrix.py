"""Access cases of the checklist exports (URL × persona × own/other checklist).

The exports package is not a Django app, so the URL meta-test does not import this module by
itself: ``anbiao/reports/tests/access_matrix.py`` adds these cases to its own.
"""

from __future__ import annotations

from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.checklists.exports.tests.helpers import fill, make_checklist
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind

BUSINESS = tuple(BUSINESS_ROLES)
ALL = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN, OrgKind.ENTERPRISE)


def _checklist_url(name: str, attr: str, *, signed: bool = False):  # noqa: ANN202
    def url(w):  # noqa: ANN001, ANN202
        checklist = make_checklist(getattr(w, attr).organization)
        if signed:
            fill(checklist, problems_every=9, sign=True)
        return reverse(name, args=[checklist.pk])

    return url


def _gov_checklist_url(name: str):  # noqa: ANN202
    def url(w):  # noqa: ANN001, ANN202
        return reverse(name, args=[make_checklist(w.dept).pk])

    return url


def _blank_url(name: str):  # noqa: ANN202
    def url(w):  # noqa: ANN001, ANN202
        from anbiao.checklists.exports.tests.helpers import campaign

        return reverse(name, args=[campaign().enterprise_template_version_id])

    return url


CASES: list[Case] = []
for _name in ("xlsx", "docx", "pdf", "print"):
    _url_name = f"checklist_exports:{_name}"
    CASES += [
        # The enterprise itself, its department, its town and the city office may export it.
        Case(_url_name, "own", _checklist_url(_url_name, "ent"), allow(ALL, BUSINESS)),
        # Another town's / department's enterprise: only the city office.
        Case(
            _url_name,
            "other",
            _checklist_url(_url_name, "ent_other"),
            allow([OrgKind.CITY], BUSINESS),
        ),
    ]
CASES += [
    Case(
        "checklist_exports:xlsx",
        "government own",
        _gov_checklist_url("checklist_exports:xlsx"),
        allow([OrgKind.CITY, OrgKind.DEPARTMENT], BUSINESS),
    ),
    Case(
        "checklist_exports:signature",
        "own",
        _checklist_url("checklist_exports:signature", "ent", signed=True),
        allow(ALL, BUSINESS),
    ),
    Case(
        "checklist_exports:signature",
        "other",
        _checklist_url("checklist_exports:signature", "ent_other", signed=True),
        allow([OrgKind.CITY], BUSINESS),
    ),
]
CASES.append(
    Case(
        "checklist_exports:blank_list",
        "list",
        lambda w: reverse("checklist_exports:blank_list"),
        allow(ALL, BUSINESS),
    )
)
for _name in ("blank_xlsx", "blank_docx", "blank_pdf", "blank_print"):
    _url_name = f"checklist_exports:{_name}"
    CASES.append(Case(_url_name, "form", _blank_url(_url_name), allow(ALL, BUSINESS)))
