"""Access cases of the Excel round trip (URL × persona × own/other/locked checklist).

The round trip is a package of the checklists app, not an app: ``anbiao/checklists/tests/
access_matrix.py`` adds these cases to its own. Only writers of the checklist's own unit use
it; another unit's checklist answers 404 to everyone (the city office included); a locked one
(submitted) sends its own writers back to the checklist (302).
"""

from __future__ import annotations

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists.tests import helpers
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.orgs.models import OrgKind

WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def _draft(attr: str):  # noqa: ANN202
    def build(w):  # noqa: ANN001, ANN202
        return helpers.start(getattr(w, attr) if attr == "dept" else getattr(w, attr).organization)

    return build


def _submitted(w):  # noqa: ANN001, ANN202
    from anbiao.orgs.tests.factories import make_user

    org = w.ent.organization
    return helpers.submitted(org, make_user(org, Role.FILLER), evidence=False)


def _url(name: str, make):  # noqa: ANN001, ANN202
    return lambda w: reverse(f"checklists:offline:{name}", args=[make(w).pk])


# (name, method, status for the unit's own writers on a draft)
VIEWS = (
    ("upload", "get", 200),
    ("upload", "post", 400),  # no file: the form again with the Chinese error
    ("download", "get", 200),
    ("preview", "get", 302),  # nothing uploaded yet: back to the upload page
    ("confirm", "post", 302),
    ("cancel", "post", 302),
)

CASES: list[Case] = []
for _name, _method, _ok in VIEWS:
    _url_name = f"checklists:offline:{_name}"
    CASES += [
        Case(
            _url_name,
            f"own {_method}",
            _url(_name, _draft("ent")),
            allow([OrgKind.ENTERPRISE], WRITERS, ok=_ok),
            method=_method,
        ),
        Case(
            _url_name,
            f"other {_method}",
            _url(_name, _draft("ent_other")),
            nobody(),
            method=_method,
        ),
    ]
CASES += [
    # a department fills its own 附件1 offline too
    Case(
        "checklists:offline:download",
        "government own",
        _url("download", _draft("dept")),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case(
        "checklists:offline:upload",
        "locked",
        _url("upload", _submitted),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
    ),
    Case(
        "checklists:offline:download",
        "locked",
        _url("download", _submitted),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
    ),
]
