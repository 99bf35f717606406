"""Every rectification URL × persona: own-scope and other-scope problems (→ 404)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.core.tests.matrix import Case, allow
from anbiao.orgs.models import OrgKind

GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
ENT_WRITERS = tuple(f"enterprise:{r}" for r in WRITERS)
CITY_BUSINESS = tuple(f"city:{r}" for r in (*WRITERS, Role.VIEWER))
# The verifiers of ``ent``'s problem: writers of its primary department and of the city office.
VERIFIERS = tuple(f"{k}:{r}" for k in ("city", "department") for r in WRITERS)
CITY_VERIFIERS = tuple(f"city:{r}" for r in WRITERS)
OTHER_ENT_WRITERS: tuple[str, ...] = ()  # nobody in the world belongs to ent_other


def _problem(w: Any, which: str) -> Any:
    from anbiao.rectification.tests.helpers import problem

    key = f"problem_{which}"
    if key not in w.extra:
        ent = w.ent if which == "own" else w.ent_other
        w.extra[key] = problem(ent.organization)
    return w.extra[key]


def _evidence(w: Any, which: str, stage: str = "before") -> Any:
    """A file on the problem; an "after" file on a 待整改 problem cannot be removed (kept)."""
    from anbiao.rectification.models import EvidenceStage, ProblemEvidence
    from anbiao.rectification.tests.helpers import png_upload

    p = _problem(w, which)
    from anbiao.core.uploads import store_upload

    stored = store_upload(png_upload(), by=None, organization=p.organization)
    return ProblemEvidence.objects.create(problem=p, stage=EvidenceStage(stage), stored_file=stored)


def _contingency(w: Any, which: str) -> Any:
    from anbiao.core.uploads import store_upload
    from anbiao.rectification.tests.helpers import png_upload

    p = _problem(w, which)
    p.contingency_file = store_upload(png_upload("预案.png"), by=None, organization=p.organization)
    p.save()
    return p


def _extension(w: Any, which: str) -> Any:
    """A pending extension request on the problem (made directly: the setup of a test)."""
    from datetime import date

    from anbiao.rectification.models import DeadlineExtension

    key = f"extension_{which}"
    if key not in w.extra:
        w.extra[key] = DeadlineExtension.objects.create(
            problem=_problem(w, which), new_deadline=date(2030, 1, 1), reason="设备到货延迟"
        )
    return w.extra[key]


def purl(name: str, which: str):  # noqa: ANN201
    return lambda w: reverse(f"rectification:{name}", args=[_problem(w, which).pk])


# The problem of ``ent`` is in scope for the city office, ``dept`` (its primary department),
# ``town`` (where it lies) and ``ent`` itself; ``ent_other``'s problem only for the city office.
OWN_SCOPE = allow(roles=BUSINESS)
OTHER_SCOPE = allow([OrgKind.CITY], BUSINESS)
WRITERS_OWN = allow(roles=WRITERS, ok=302)
WRITERS_OTHER = allow([OrgKind.CITY], WRITERS, ok=302)

CASES = [
    Case(
        "rectification:problem_list",
        "scope",
        lambda w: reverse("rectification:problem_list"),
        OWN_SCOPE,
    ),
    Case("rectification:ledger", "scope", lambda w: reverse("rectification:ledger"), OWN_SCOPE),
    Case(
        "rectification:ledger_export",
        "scope",
        lambda w: reverse("rectification:ledger_export"),
        OWN_SCOPE,
    ),
    Case(
        "rectification:zeroing",
        "gov",
        lambda w: reverse("rectification:zeroing"),
        allow(GOV, BUSINESS),
    ),
    Case("rectification:problem_detail", "own", purl("problem_detail", "own"), OWN_SCOPE),
    Case("rectification:problem_detail", "other", purl("problem_detail", "other"), OTHER_SCOPE),
    # 五定 form: only the responsible enterprise's writers.
    Case("rectification:problem_plan", "own", purl("problem_plan", "own"), allow(only=ENT_WRITERS)),
    Case(
        "rectification:problem_plan",
        "other",
        purl("problem_plan", "other"),
        allow(only=OTHER_ENT_WRITERS),
    ),
    # POST views answer with a redirect (and a message when the state machine refuses).
    Case(
        "rectification:problem_transition",
        "own",
        purl("problem_transition", "own"),
        WRITERS_OWN,
        method="post",
        data=lambda w: {"action": "start"},
    ),
    Case(
        "rectification:problem_transition",
        "other",
        purl("problem_transition", "other"),
        WRITERS_OTHER,
        method="post",
        data=lambda w: {"action": "start"},
    ),
    Case(
        "rectification:evidence_add",
        "own",
        purl("evidence_add", "own"),
        WRITERS_OWN,
        method="post",
        data=lambda w: {"stage": "before"},
    ),
    Case(
        "rectification:evidence_add",
        "other",
        purl("evidence_add", "other"),
        WRITERS_OTHER,
        method="post",
        data=lambda w: {"stage": "before"},
    ),
    Case(
        "rectification:evidence_download",
        "own",
        lambda w: reverse("rectification:evidence_download", args=[_evidence(w, "own").pk]),
        OWN_SCOPE,
    ),
    Case(
        "rectification:evidence_download",
        "other",
        lambda w: reverse("rectification:evidence_download", args=[_evidence(w, "other").pk]),
        OTHER_SCOPE,
    ),
    # Only the responsible enterprise's writers remove; others in scope 404 too (not theirs).
    Case(
        "rectification:evidence_remove",
        "own",
        lambda w: reverse("rectification:evidence_remove", args=[_evidence(w, "own", "after").pk]),
        WRITERS_OWN,
        method="post",
    ),
    Case(
        "rectification:evidence_remove",
        "other",
        lambda w: reverse(
            "rectification:evidence_remove", args=[_evidence(w, "other", "after").pk]
        ),
        WRITERS_OTHER,
        method="post",
    ),
    Case(
        "rectification:contingency_download",
        "own",
        lambda w: reverse("rectification:contingency_download", args=[_contingency(w, "own").pk]),
        OWN_SCOPE,
    ),
    Case(
        "rectification:contingency_download",
        "other",
        lambda w: reverse("rectification:contingency_download", args=[_contingency(w, "other").pk]),
        OTHER_SCOPE,
    ),
    Case(
        "rectification:bulk_verify",
        "gov",
        lambda w: reverse("rectification:bulk_verify"),
        allow(GOV, WRITERS, ok=302),
        method="post",
        data=lambda w: {"ids": [str(_problem(w, "own").pk)]},
    ),
    # 延期申请: only the responsible enterprise's writers ask (a 待整改 problem: refused, 400).
    Case(
        "rectification:extension_request",
        "own",
        purl("extension_request", "own"),
        allow(only=ENT_WRITERS, ok=400),
        method="post",
        data=lambda w: {"new_deadline": "2030-01-01", "reason": "设备到货延迟"},
    ),
    Case(
        "rectification:extension_request",
        "other",
        purl("extension_request", "other"),
        allow(only=OTHER_ENT_WRITERS, ok=400),
        method="post",
        data=lambda w: {"new_deadline": "2030-01-01", "reason": "设备到货延迟"},
    ),
    # …and only its verifiers decide (a refusal without a reason: refused, 400).
    Case(
        "rectification:extension_decide",
        "own",
        lambda w: reverse("rectification:extension_decide", args=[_extension(w, "own").pk]),
        allow(only=VERIFIERS, ok=400),
        method="post",
        data=lambda w: {"decision": "refuse", "reason": ""},
    ),
    Case(
        "rectification:extension_decide",
        "other",
        lambda w: reverse("rectification:extension_decide", args=[_extension(w, "other").pk]),
        allow(only=CITY_VERIFIERS, ok=400),
        method="post",
        data=lambda w: {"decision": "refuse", "reason": ""},
    ),
    Case(
        "rectification:extension_list",
        "gov",
        lambda w: reverse("rectification:extension_list"),
        allow(GOV, WRITERS),
    ),
]
