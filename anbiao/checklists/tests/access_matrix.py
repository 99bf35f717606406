from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.checklists.exports.tests.access_matrix import CASES as EXPORT_CASES
from anbiao.checklists.roundtrip.tests.access_matrix import CASES as OFFLINE_CASES
from anbiao.checklists.tests import helpers
from anbiao.core.tests.matrix import Case, allow, nobody
from anbiao.orgs.models import OrgKind

ALL = tuple(OrgKind.values)
GOV = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.TOWN)
BUSINESS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL, Role.GRID, Role.VIEWER)
WRITERS = (Role.ORG_ADMIN, Role.FILLER, Role.PRINCIPAL)
REVIEWERS = (OrgKind.CITY, OrgKind.DEPARTMENT)


def _writer(w, org):  # noqa: ANN001, ANN202
    from anbiao.orgs.tests.factories import make_user

    return make_user(org, Role.FILLER)


def draft(attr):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        org = getattr(w, attr).organization
        return helpers.start(org)

    return build


def done(attr):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        org = getattr(w, attr).organization
        return helpers.submitted(org, _writer(w, org))

    return build


def with_problem(attr):  # noqa: ANN001, ANN201
    """A draft whose first clause has one (pending) problem line; the same on every call."""

    def build(w):  # noqa: ANN001, ANN202
        from anbiao.checklists import services

        org = getattr(w, attr).organization
        c = helpers.start(org)
        answer = c.answers.order_by("clause__position").first()
        if not answer.problems.exists():
            services.answer_save(
                by=_writer(w, org),
                answer=answer,
                expected_version=answer.version,
                data=services.AnswerInput("nonconform", "", ["消防通道堵塞"]),
            )
        return c

    return build


def reopen_data(attr):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        from anbiao.rectification.models import Problem

        c = with_problem(attr)(w)
        p = Problem.objects.active().get(answer__checklist=c)
        return {"reopen": str(p.pk), f"reopen_reason_{p.pk}": "核实", "version": "1"}

    return build


def url(name, make, extra=None):  # noqa: ANN001, ANN201
    def build(w):  # noqa: ANN001, ANN202
        c = make(w)
        args = [c.pk] + (extra(c) if extra else [])
        return reverse(name, args=args)

    return build


def first_clause(c):  # noqa: ANN001, ANN201
    return [c.answers.order_by("clause__position").first().clause_id]


def first_evidence(c):  # noqa: ANN001, ANN201
    from anbiao.checklists.models import AnswerEvidence

    return [AnswerEvidence.objects.filter(answer__checklist=c).first().pk]


def first_file(c):  # noqa: ANN001, ANN201
    from anbiao.checklists.models import AnswerEvidence

    return [AnswerEvidence.objects.filter(answer__checklist=c).first().stored_file_id]


def first_signature(c):  # noqa: ANN001, ANN201
    return [c.signatures.first().pk]


def campaign_url(name, *args):  # noqa: ANN001, ANN201
    return lambda w: reverse(name, args=[helpers.campaign().pk, *args])


CASES = [
    Case("checklists:mine", "own", lambda w: reverse("checklists:mine"), allow(ALL, BUSINESS)),
    Case(
        "checklists:start",
        "own",
        lambda w: reverse("checklists:start", args=[helpers.campaign().pk]),
        allow(ALL, WRITERS, ok=302),
        method="post",
    ),
    Case(
        "checklists:review_list",
        "scope",
        lambda w: (helpers.campaign(), reverse("checklists:review_list"))[1],
        allow(GOV, BUSINESS),
    ),
    Case("checklists:detail", "own", url("checklists:detail", draft("ent")), allow(ALL, BUSINESS)),
    Case(
        "checklists:detail",
        "other",
        url("checklists:detail", draft("ent_other")),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "checklists:answer_save",
        "own",
        url("checklists:answer_save", draft("ent"), first_clause),
        # a stale version without htmx: the clause on its own page, typed text kept (409)
        allow([OrgKind.ENTERPRISE], WRITERS, ok=409),
        method="post",
        data=lambda w: {"version": "999", "result": "conform"},
    ),
    Case(
        "checklists:answer_save",
        "other",
        url("checklists:answer_save", draft("ent_other"), first_clause),
        nobody(),
        method="post",
        data=lambda w: {"version": "0", "result": "conform"},
    ),
    Case(
        "checklists:clause_edit",
        "own",
        url("checklists:clause_edit", draft("ent"), first_clause),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),  # without htmx: the page with ?edit=
    ),
    Case(
        "checklists:clause_edit",
        "other",
        url("checklists:clause_edit", draft("ent_other"), first_clause),
        nobody(),
    ),
    Case(
        "checklists:mark_conform",
        "own",
        url("checklists:mark_conform", draft("ent")),
        allow([OrgKind.ENTERPRISE], WRITERS),  # the confirmation page
    ),
    Case(
        "checklists:mark_conform",
        "other",
        url("checklists:mark_conform", draft("ent_other")),
        nobody(),
    ),
    # Reopening a pending problem is refused: the clause comes back with the message (200).
    Case(
        "checklists:problem_reopen",
        "own",
        url("checklists:problem_reopen", with_problem("ent"), first_clause),
        allow([OrgKind.ENTERPRISE], WRITERS),
        method="post",
        data=reopen_data("ent"),
    ),
    Case(
        "checklists:problem_reopen",
        "other",
        url("checklists:problem_reopen", with_problem("ent_other"), first_clause),
        nobody(),
        method="post",
        data=reopen_data("ent_other"),
    ),
    Case(
        "checklists:evidence_upload",
        "own",
        url("checklists:evidence_upload", draft("ent"), first_clause),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "checklists:evidence_upload",
        "other",
        url("checklists:evidence_upload", draft("ent_other"), first_clause),
        nobody(),
        method="post",
    ),
    # A submitted checklist: deleting is refused (locked) and redirects; the file stays.
    Case(
        "checklists:evidence_delete",
        "own",
        url("checklists:evidence_delete", done("ent"), first_evidence),
        allow([OrgKind.ENTERPRISE], WRITERS, ok=302),
        method="post",
    ),
    Case(
        "checklists:evidence_delete",
        "other",
        url("checklists:evidence_delete", done("ent_other"), first_evidence),
        nobody(),
        method="post",
    ),
    Case(
        "checklists:evidence_download",
        "own",
        url("checklists:evidence_download", done("ent"), first_evidence),
        allow(ALL, BUSINESS),
    ),
    Case(
        "checklists:evidence_download",
        "other",
        url("checklists:evidence_download", done("ent_other"), first_evidence),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "checklists:submission_file",
        "own",
        url("checklists:submission_file", done("ent"), first_file),
        allow(ALL, BUSINESS),
    ),
    Case(
        "checklists:submission_file",
        "other",
        url("checklists:submission_file", done("ent_other"), first_file),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "checklists:signature_image",
        "own",
        url("checklists:signature_image", done("ent"), first_signature),
        allow(ALL, BUSINESS),
    ),
    Case(
        "checklists:signature_image",
        "other",
        url("checklists:signature_image", done("ent_other"), first_signature),
        allow([OrgKind.CITY], BUSINESS),
    ),
    Case(
        "checklists:submit",
        "own",
        url("checklists:submit", draft("ent")),
        allow([OrgKind.ENTERPRISE], WRITERS),
    ),
    Case("checklists:submit", "other", url("checklists:submit", draft("ent_other")), nobody()),
    Case(
        "checklists:accept",
        "own",
        url("checklists:accept", done("ent")),
        allow(REVIEWERS, WRITERS, ok=302),
        method="post",
    ),
    Case(
        "checklists:accept",
        "other",
        url("checklists:accept", done("ent_other")),
        allow([OrgKind.CITY], WRITERS, ok=302),
        method="post",
    ),
    # An empty reason is refused with the form shown again (400) for every reviewer.
    Case(
        "checklists:return",
        "own",
        url("checklists:return", done("ent")),
        allow(REVIEWERS, WRITERS, ok=400),
        method="post",
        data=lambda w: {"reason": ""},
    ),
    Case(
        "checklists:return",
        "other",
        url("checklists:return", done("ent_other")),
        allow([OrgKind.CITY], WRITERS, ok=400),
        method="post",
        data=lambda w: {"reason": ""},
    ),
    Case(
        "checklists:submission",
        "own",
        url("checklists:submission", done("ent"), lambda c: [1]),
        allow(ALL, BUSINESS),
    ),
    Case(
        "checklists:submission",
        "other",
        url("checklists:submission", done("ent_other"), lambda c: [1]),
        allow([OrgKind.CITY], BUSINESS),
    ),
]

# The official-layout exports and the Excel round trip (packages inside this app) bring their
# own cases.
CASES += EXPORT_CASES
CASES += OFFLINE_CASES
