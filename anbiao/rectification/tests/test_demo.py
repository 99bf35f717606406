"""The demo: varied states and deadlines, idempotent, the demo accounts' home cards."""

import pytest
from django.core.management import call_command

from anbiao.accounts.models import User
from anbiao.checklists.models import ProblemLine
from anbiao.rectification.demo import seed
from anbiao.rectification.menu import home_cards
from anbiao.rectification.models import (
    DeadlineExtension,
    Problem,
    ProblemEvidence,
    ProblemTransition,
)

pytestmark = pytest.mark.django_db


def test_the_demo_tracks_every_line_spreads_states_and_is_idempotent():
    call_command("seed_demo", "--quiet-logins")
    lines = ProblemLine.objects.count()
    assert lines > 0
    assert Problem.objects.filter(problem_line__isnull=False).count() == lines
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert statuses == {"pending", "in_progress", "awaiting", "closed"}
    assert Problem.objects.overdue().exists()
    assert Problem.objects.filter(grade="major", status="closed").exists()
    closed = Problem.objects.filter(status="closed")
    assert all(p.evidence.filter(stage="after").exists() for p in closed[:20])
    assert all(not p.five_missing for p in closed.filter(grade="major")[:20])
    counts = (
        Problem.objects.count(),
        ProblemTransition.objects.count(),
        ProblemEvidence.objects.count(),
        DeadlineExtension.objects.count(),
    )
    seed()
    assert (
        Problem.objects.count(),
        ProblemTransition.objects.count(),
        ProblemEvidence.objects.count(),
        DeadlineExtension.objects.count(),
    ) == counts
    ent_card = home_cards(User.objects.get(username="qy_filler"))[0]
    assert ent_card.body.startswith("3 个问题待整改，1 个已逾期。")
    dept_cards = home_cards(User.objects.get(username="yjj_filler"))
    assert any("个问题待验收" in c.body for c in dept_cards)
    assert any("1 个整改期限延期申请待审批" in c.body for c in dept_cards)
