"""Access cases for notices (告知书) and commitments (承诺书)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.notices import services
from anbiao.notices.models import NoticeKind
from anbiao.orgs.models import OrgKind
from anbiao.orgs.tests.factories import make_user
from anbiao.records.tests.helpers import pdf_upload, signature_data_url

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)


def _issuer(w: Any, side: str):  # noqa: ANN202
    if side == "own":
        return w.users["department:filler"]
    if "dept_other_user" not in w.extra:
        w.extra["dept_other_user"] = make_user(w.dept_other, Role.ORG_ADMIN)
    return w.extra["dept_other_user"]


def _ent_user(w: Any, side: str):  # noqa: ANN202
    if side == "own":
        return w.users["enterprise:principal"]
    if "ent_other_user" not in w.extra:
        w.extra["ent_other_user"] = make_user(w.ent_other.organization, Role.PRINCIPAL)
    return w.extra["ent_other_user"]


def _notice(w: Any, side: str):  # noqa: ANN202
    key = f"notice_{side}"
    if key not in w.extra:
        issuer = _issuer(w, side)
        notice = services.notice_issue(
            by=issuer, kind=NoticeKind.STANDARDIZATION, title="", document=pdf_upload()
        )
        services.notice_deliver(
            by=issuer, notice=notice, enterprises=[w.ent if side == "own" else w.ent_other]
        )
        w.extra[key] = notice
    return w.extra[key]


def _delivery(w: Any, side: str, state: str = "delivered"):  # noqa: ANN202
    key = f"delivery_{side}_{state}"
    if key not in w.extra:
        notice = _notice(w, side) if state == "delivered" else None
        if notice is None:
            issuer = _issuer(w, side)
            notice = services.notice_issue(
                by=issuer,
                kind=NoticeKind.RESPONSIBILITY,
                title=f"告知书{state}",
                document=pdf_upload(),
            )
            services.notice_deliver(
                by=issuer, notice=notice, enterprises=[w.ent if side == "own" else w.ent_other]
            )
        delivery = notice.deliveries.get()
        user = _ent_user(w, side)
        if state in ("acknowledged", "signed"):
            services.delivery_acknowledge(by=user, delivery=delivery)
        if state == "signed":
            services.delivery_sign_canvas(by=user, delivery=delivery, data_url=signature_data_url())
        w.extra[key] = delivery
    return w.extra[key]


def n_url(name: str, side: str):  # noqa: ANN202
    return lambda w: reverse(name, args=[_notice(w, side).pk])


def d_url(name: str, side: str, state: str = "delivered"):  # noqa: ANN202
    return lambda w: reverse(name, args=[_delivery(w, side, state).pk])


def f_url(side: str):  # noqa: ANN202
    return lambda w: reverse(
        "notices:delivery_file", args=[_delivery(w, side, "signed").pk, "commitment"]
    )


def c_url(name: str, side: str):  # noqa: ANN202
    """A URL of the signed 承诺书 of ``side``'s enterprise."""

    def make(w: Any) -> str:
        delivery = _delivery(w, side, "signed")
        delivery.refresh_from_db()
        return reverse(name, args=[delivery.commitment_id])

    return make


SEES_OWN_NOTICE = allow([OrgKind.CITY, OrgKind.DEPARTMENT], BUSINESS)
CITY_ONLY = allow([OrgKind.CITY], BUSINESS)
ENT_POST = allow([OrgKind.ENTERPRISE], WRITERS, ok=302)


def _own_doc(persona: str) -> int:
    if persona.startswith("enterprise:"):
        return allow([OrgKind.ENTERPRISE], BUSINESS)(persona)
    return SEES_OWN_NOTICE(persona)


CASES = [
    Case(
        "notices:issued_list",
        "scope",
        lambda w: reverse("notices:issued_list"),
        allow(GOV, BUSINESS),
    ),
    Case(
        "notices:create",
        "form",
        lambda w: reverse("notices:create"),
        allow([OrgKind.DEPARTMENT, OrgKind.TOWN], WRITERS),
    ),
    Case(
        "notices:deliver",
        "own",
        n_url("notices:deliver", "own"),
        allow([OrgKind.DEPARTMENT], WRITERS),
    ),
    Case("notices:deliver", "other", n_url("notices:deliver", "other"), nobody()),
    Case("notices:ledger", "own", n_url("notices:ledger", "own"), SEES_OWN_NOTICE),
    Case("notices:ledger", "other", n_url("notices:ledger", "other"), CITY_ONLY),
    Case("notices:ledger_export", "own", n_url("notices:ledger_export", "own"), SEES_OWN_NOTICE),
    Case("notices:ledger_export", "other", n_url("notices:ledger_export", "other"), CITY_ONLY),
    Case("notices:document", "own", n_url("notices:document", "own"), _own_doc),
    Case("notices:document", "other", n_url("notices:document", "other"), CITY_ONLY),
    Case(
        "notices:inbox",
        "own",
        lambda w: reverse("notices:inbox"),
        allow([OrgKind.ENTERPRISE], BUSINESS),
    ),
    Case(
        "notices:delivery",
        "own",
        d_url("notices:delivery", "own"),
        allow([OrgKind.ENTERPRISE], BUSINESS),
    ),
    Case("notices:delivery", "other", d_url("notices:delivery", "other"), nobody()),
    Case(
        "notices:acknowledge", "own", d_url("notices:acknowledge", "own"), ENT_POST, method="post"
    ),
    Case(
        "notices:acknowledge",
        "other",
        d_url("notices:acknowledge", "other"),
        nobody(),
        method="post",
    ),
    Case(
        "notices:sign",
        "own",
        d_url("notices:sign", "own", "acknowledged"),
        allow(only=("enterprise:principal",), ok=302),
        method="post",
        data=lambda w: {"signature": signature_data_url()},
    ),
    Case(
        "notices:sign",
        "other",
        d_url("notices:sign", "other", "acknowledged"),
        nobody(),
        method="post",
        data=lambda w: {"signature": signature_data_url()},
    ),
    Case(
        "notices:sign_scan",
        "own",
        d_url("notices:sign_scan", "own", "acknowledged"),
        ENT_POST,
        method="post",
    ),
    Case(
        "notices:sign_scan",
        "other",
        d_url("notices:sign_scan", "other", "acknowledged"),
        nobody(),
        method="post",
    ),
    Case("notices:post", "own", d_url("notices:post", "own", "signed"), ENT_POST, method="post"),
    Case(
        "notices:post", "other", d_url("notices:post", "other", "signed"), nobody(), method="post"
    ),
    Case("notices:delivery_file", "own", f_url("own"), _own_doc),
    Case("notices:delivery_file", "other", f_url("other"), CITY_ONLY),
    # the signed 承诺书: the enterprise, the issuers of the notices it answers, the city office
    Case("notices:commitment", "own", c_url("notices:commitment", "own"), _own_doc),
    Case("notices:commitment", "other", c_url("notices:commitment", "other"), CITY_ONLY),
    Case("notices:commitment_pdf", "own", c_url("notices:commitment_pdf", "own"), _own_doc),
    Case("notices:commitment_pdf", "other", c_url("notices:commitment_pdf", "other"), CITY_ONLY),
    Case("notices:commitment_file", "own", c_url("notices:commitment_file", "own"), _own_doc),
    Case("notices:commitment_file", "other", c_url("notices:commitment_file", "other"), CITY_ONLY),
]
