"""The star-rating state machine: who may move an application, which moves are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.accounts.tests.helpers import login_fully
from anbiao.enforcement.models import EnforcementPriority, PriorityReason
from anbiao.orgs.tests.factories import make_user
from anbiao.tasks_reporting.tests.builders import pdf
from anbiao.worklog import services, starflow
from anbiao.worklog.models import StarApplication, StarDecision, StarStatus
from anbiao.worklog.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    from anbiao.core.tests.world import build_world

    return build_world()


def move(world, persona, app, action, **kw):  # noqa: ANN001, ANN201
    return services.star_move(by=world.users[persona], application=app, action=action, **kw)


def test_the_whole_way_from_draft_to_three_stars_updates_the_registry_with_history(world) -> None:  # noqa: ANN001
    app = services.star_apply(
        by=world.users["enterprise:filler"],
        requested_star=3,
        self_score=Decimal("92.5"),
        uploads=[pdf("自评报告.pdf")],
    )
    assert app.status == StarStatus.DRAFT
    app = move(world, "enterprise:principal", app, "submit")
    assert app.status == StarStatus.APPLIED
    app = move(world, "department:filler", app, "propose", level=3, reason="现场核查符合三星")
    assert (app.status, app.proposed_level) == (StarStatus.PROPOSED, 3)
    app = move(world, "city:org_admin", app, "approve", reason="")
    assert (app.status, app.decided_level) == (StarStatus.APPROVED, 3)
    world.ent.refresh_from_db()
    assert world.ent.star_level == 3
    d = StarDecision.objects.get(application=app)
    assert (d.level_before, d.level_after, d.approved) == (0, 3, True)


@pytest.mark.parametrize(
    ("status", "action", "persona"),
    [
        # wrong party for the move
        (StarStatus.DRAFT, "submit", "department:filler"),
        (StarStatus.DRAFT, "submit", "city:org_admin"),
        (StarStatus.APPLIED, "propose", "enterprise:org_admin"),
        (StarStatus.APPLIED, "propose", "city:org_admin"),
        (StarStatus.APPLIED, "propose", "town:org_admin"),
        (StarStatus.PROPOSED, "approve", "department:org_admin"),
        (StarStatus.PROPOSED, "approve", "enterprise:principal"),
        (StarStatus.PROPOSED, "reject", "department:filler"),
        # right party, wrong role
        (StarStatus.DRAFT, "submit", "enterprise:viewer"),
        (StarStatus.APPLIED, "propose", "department:viewer"),
        (StarStatus.PROPOSED, "approve", "city:viewer"),
        (StarStatus.PROPOSED, "approve", "city:sysadmin"),
        (StarStatus.PROPOSED, "approve", "city:secadmin"),
        (StarStatus.PROPOSED, "approve", "city:auditor"),
        # right party, wrong state
        (StarStatus.DRAFT, "approve", "city:org_admin"),
        (StarStatus.APPLIED, "approve", "city:org_admin"),
        (StarStatus.APPROVED, "approve", "city:org_admin"),
        (StarStatus.APPROVED, "propose", "department:filler"),
        (StarStatus.REJECTED, "submit", "enterprise:filler"),
        (StarStatus.PROPOSED, "refuse", "department:filler"),
    ],
)
def test_a_move_is_refused_for_the_wrong_party_role_or_state(
    world, status, action, persona
) -> None:  # noqa: ANN001
    app = b.application(world.ent, status, proposed_level=2)
    assert not starflow.may(world.users[persona], app, action)
    with pytest.raises(ValidationError):
        move(world, persona, app, action, level=2, reason="理由")
    app.refresh_from_db()
    assert app.status == status
    assert not StarDecision.objects.exists()


@pytest.mark.parametrize(
    ("status", "action", "persona", "target"),
    [
        (StarStatus.DRAFT, "submit", "enterprise:org_admin", StarStatus.APPLIED),
        (StarStatus.APPLIED, "propose", "department:principal", StarStatus.PROPOSED),
        (StarStatus.APPLIED, "refuse", "department:org_admin", StarStatus.REJECTED),
        (StarStatus.PROPOSED, "approve", "city:filler", StarStatus.APPROVED),
        (StarStatus.PROPOSED, "reject", "city:principal", StarStatus.REJECTED),
    ],
)
def test_each_allowed_move_reaches_its_state(world, status, action, persona, target) -> None:  # noqa: ANN001
    app = b.application(world.ent, status, proposed_level=2)
    app = move(world, persona, app, action, level=2, reason="理由")
    assert app.status == target


def test_another_department_cannot_propose_for_an_enterprise_it_does_not_supervise(world) -> None:  # noqa: ANN001
    other = make_user(world.dept_other, Role.FILLER, username="other_dept")
    app = b.application(world.ent, StarStatus.APPLIED)
    assert starflow.actor_of(other, app) is None
    with pytest.raises(ValidationError):
        services.star_move(by=other, application=app, action="propose", level=2, reason="x")


def test_the_city_may_change_the_proposed_level_only_with_a_reason(world) -> None:  # noqa: ANN001
    app = b.application(world.ent, StarStatus.PROPOSED, proposed_level=3)
    with pytest.raises(ValidationError) as exc:
        move(world, "city:filler", app, "approve", level=2, reason="")
    assert "reason" in exc.value.message_dict
    app = move(world, "city:filler", app, "approve", level=2, reason="部分条款不满足三星")
    assert app.decided_level == 2
    assert app.announce_from is not None and app.announce_until > app.announce_from
    world.ent.refresh_from_db()
    assert world.ent.star_level == 2


def test_a_refused_enterprise_keeps_its_level_and_can_be_flagged_for_enforcement(world) -> None:  # noqa: ANN001
    world.ent.star_level = 1
    world.ent.save()
    app = b.application(world.ent, StarStatus.PROPOSED, proposed_level=2)
    move(world, "city:filler", app, "reject", reason="存在纸上标准化")
    world.ent.refresh_from_db()
    assert world.ent.star_level == 1
    assert StarDecision.objects.get().approved is False
    c = Client()
    login_fully(c, world.users["department:filler"])
    r = c.post(reverse("worklog:star_flag", args=[app.pk]))
    assert r.status_code == 302
    p = EnforcementPriority.objects.get(enterprise=world.ent)
    assert p.reason == PriorityReason.NOT_RATED and p.active


def test_an_application_needs_evidence_before_it_is_submitted(world) -> None:  # noqa: ANN001
    app = StarApplication.objects.create(enterprise=world.ent, requested_star=1, self_score=60)
    with pytest.raises(ValidationError) as exc:
        move(world, "enterprise:filler", app, "submit")
    assert "files" in exc.value.message_dict


def test_the_form_shows_the_refusal_reason_by_field(world) -> None:  # noqa: ANN001
    app = b.application(world.ent, StarStatus.APPLIED)
    c = Client()
    login_fully(c, world.users["department:filler"])
    r = c.post(reverse("worklog:star_move", args=[app.pk]), {"action": "propose", "level": "2"})
    assert r.status_code == 400
    assert "意见（理由）：请填写审核意见（理由）。" in r.content.decode()


def test_the_announcement_lists_two_star_enterprises_to_logged_in_users_only(world) -> None:  # noqa: ANN001
    app = b.application(world.ent, StarStatus.PROPOSED, proposed_level=2)
    move(world, "city:filler", app, "approve")
    anon = Client().get(reverse("worklog:announcement"))
    assert anon.status_code == 302
    c = Client()
    login_fully(c, world.users["enterprise:viewer"])
    text = c.get(reverse("worklog:announcement")).content.decode()
    assert world.ent.organization.name in text and "公示中" in text


def test_a_three_star_enterprise_gets_a_plaque_and_a_pdf_certificate(
    world, pdf_tools, tmp_path
) -> None:  # noqa: ANN001
    import shutil
    import subprocess

    app = b.application(world.ent, StarStatus.APPROVED)
    c = Client()
    login_fully(c, world.users["city:filler"])
    r = c.post(
        reverse("worklog:plaque_create", args=[app.pk]),
        {"date": "2025-10-08", "number": "NA-3S-001"},
    )
    assert r.status_code == 302
    r = c.get(reverse("worklog:certificate_pdf", args=[app.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    path = tmp_path / "c.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], capture_output=True, text=True
    ).stdout
    assert world.ent.organization.name in text
    assert "NA-3S-001" in text and "三星" in text
    fonts = subprocess.run(  # noqa: S603
        [shutil.which("pdffonts") or "pdffonts", str(path)], capture_output=True, text=True
    ).stdout
    assert "Noto" in fonts


def test_a_two_star_enterprise_has_no_certificate(world) -> None:  # noqa: ANN001
    app = b.application(world.ent, StarStatus.APPROVED, decided_level=2)
    c = Client()
    login_fully(c, world.users["city:filler"])
    assert c.get(reverse("worklog:certificate", args=[app.pk])).status_code == 404


def test_the_application_form_requires_evidence_and_keeps_the_input(world) -> None:  # noqa: ANN001
    c = Client()
    login_fully(c, world.users["enterprise:filler"])
    r = c.post(reverse("worklog:star_apply"), {"requested_star": "2", "self_score": "87.5"})
    text = r.content.decode()
    assert r.status_code == 200
    assert "自评佐证材料：" in text and 'value="87.5"' in text
    assert not StarApplication.objects.exists()
