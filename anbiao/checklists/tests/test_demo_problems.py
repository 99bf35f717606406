"""The demo reads like a real campaign (issue 16 item 18): each problem is a finding of its own
clause (``demo_problems.FINDINGS``), its 整改措施 answers that finding, and the 主要负责人 who
signed a checklist is the one who signs the unit's 自查自纠报告 (and its registry's 主要负责人)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from anbiao.accounts.models import Role, User
from anbiao.checklists.demo_problems import FINDINGS, MEASURE_OF, findings_for
from anbiao.checklists.models import Clause, ProblemLine, Signature
from anbiao.orgs.demo import DEMO_ENTERPRISE
from anbiao.orgs.models import Enterprise, OrgKind
from anbiao.rectification.models import Problem
from anbiao.reports.models import ReportStatus, ReportVersion

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection when done


def _key(clause: Clause) -> tuple[str, str]:
    return (clause.item.version.template.code, f"{clause.item.number}.{clause.number}")


def _counts() -> tuple[int, ...]:
    return (
        ProblemLine.objects.count(),
        Problem.objects.count(),
        Signature.objects.count(),
        ReportVersion.objects.count(),
    )


def test_demo_problems_match_their_clause_measures_their_problem_and_signers_the_principal() -> (
    None
):
    call_command("load_builtin", verbosity=0)
    clauses = Clause.objects.select_related("item__version__template")
    # the table has a finding for every clause of both templates, and nothing else
    assert {_key(c) for c in clauses} == set(FINDINGS)
    call_command("seed_demo", quiet_logins=True, verbosity=0)

    lines = list(ProblemLine.objects.select_related("answer__clause__item__version__template"))
    assert len(lines) > 500
    wrong = [
        (_key(line.answer.clause), line.text)
        for line in lines
        if line.text not in findings_for(*_ids(line.answer.clause))
    ]
    assert wrong == []
    # every problem tied to a clause reads as one of that clause's findings
    tied = Problem.objects.filter(clause__isnull=False).select_related(
        "clause__item__version__template"
    )
    assert tied.count() >= len(lines)
    assert [p.description for p in tied if p.description not in findings_for(*_ids(p.clause))] == []  # type: ignore[arg-type]
    # the 整改措施 of a finding is the measure of that finding
    planned = [p for p in tied if p.measures]
    assert len(planned) > 100
    assert [
        (p.description, p.measures) for p in planned if MEASURE_OF[p.description] != p.measures
    ] == []

    # whoever signed a unit's checklist signs its report; for an enterprise it is the
    # registry's 主要负责人, and the demo enterprise's is its 主要负责人 account
    signed = {
        s.checklist.organization_id: s.signer_name
        for s in Signature.objects.select_related("checklist")
    }
    principals = dict(Enterprise.objects.values_list("organization_id", "principal"))
    versions = ReportVersion.objects.filter(status=ReportStatus.FINALIZED).select_related(
        "report__organization"
    )
    assert versions.count() > 20
    for v in versions:
        org = v.report.organization
        assert v.signer_name == signed[org.pk], org.name
        if org.kind == OrgKind.ENTERPRISE:
            assert v.signer_name == principals[org.pk], org.name
    account = User.objects.get(username="qy_principal")
    assert account.has_role(Role.PRINCIPAL)
    demo = Enterprise.objects.get(organization__name=DEMO_ENTERPRISE)
    assert demo.principal == account.full_name
    assert not Signature.objects.filter(signer_name__in=["演示负责人", "主要负责人"]).exists()

    before = _counts()
    call_command("seed_demo", quiet_logins=True, verbosity=0)
    assert _counts() == before
    _the_demo_accounts_find_messages_once_the_worker_ran()


def _the_demo_accounts_find_messages_once_the_worker_ran() -> None:
    """Issue 16 item 17: what ``make run`` does after seeding (queue the reminder run, start
    the worker) puts a return, a new inspection problem and a near deadline in 消息."""
    from anbiao.notifications.models import Kind, Notification

    call_command("send_reminders", enqueue=True, verbosity=0)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    def kinds(username: str) -> set[str]:
        return set(
            Notification.objects.filter(user__username=username).values_list("kind", flat=True)
        )

    assert Kind.RETURNED in kinds("yjj_filler")
    assert {Kind.PROBLEM_ASSIGNED, Kind.PROBLEM_DUE} <= kinds("qy_filler")


def _ids(clause: Clause) -> tuple[str, int, int]:
    return (clause.item.version.template.code, clause.item.number, clause.number)
