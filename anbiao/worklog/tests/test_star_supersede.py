"""A later star rating supersedes the earlier one everywhere: the 公示, the lists, the plaque, the
certificate and the counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anbiao.inspections.tests.helpers import client_for
from anbiao.tasks_reporting.tests.builders import pdf
from anbiao.worklog import selectors, services
from anbiao.worklog.models import StarApplication
from anbiao.worklog.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # noqa: ANN201
    from anbiao.core.tests.world import build_world

    return build_world()


def rated(world: Any, level: int) -> StarApplication:
    """An application of ``world.ent`` taken the whole way to an approval of ``level`` stars."""
    u = world.users
    app = services.star_apply(
        by=u["enterprise:filler"],
        requested_star=level,
        self_score=Decimal("90"),
        uploads=[pdf("自评报告.pdf")],
    )
    app = services.star_move(by=u["enterprise:principal"], application=app, action="submit")
    app = services.star_move(
        by=u["department:filler"], application=app, action="propose", level=level, reason="核查"
    )
    return services.star_move(by=u["city:org_admin"], application=app, action="approve")


def test_a_two_star_enterprise_that_became_three_stars_is_no_longer_announced(world) -> None:  # noqa: ANN001
    two = rated(world, 2)
    name = world.ent.organization.name
    c = client_for(world.users["department:viewer"])
    page = c.get(reverse("worklog:announcement")).content.decode()
    assert name in page and "公示中" in page

    three = rated(world, 3)
    page = c.get(reverse("worklog:announcement")).content.decode()
    assert name not in page and "公示中" not in page and "暂无公示" in page
    assert list(selectors.announcements()) == []
    two.refresh_from_db()
    assert two.superseded_by == three and two.superseded_at is not None
    assert not two.is_current and three.is_current
    world.ent.refresh_from_db()
    assert world.ent.star_level == 3


def test_the_lists_mark_the_superseded_rating_and_count_the_current_one(world) -> None:  # noqa: ANN001
    two = rated(world, 2)
    rated(world, 3)
    c = client_for(world.users["city:viewer"])
    html = c.get(reverse("worklog:star_list")).content.decode()
    assert html.count("已批准（已被取代）") == 1
    assert '<strong data-level="3">1</strong>' in html
    assert '<strong data-level="2">0</strong>' in html
    assert selectors.current_rating_counts(world.users["city:viewer"]) == {3: 1, 2: 0, 1: 0}
    detail = c.get(reverse("worklog:star_detail", args=[two.pk])).content.decode()
    assert 'id="star-superseded"' in detail and "批准 3 星" in detail
    # counted in the scope of the enterprise's town, not in another department's
    from anbiao.accounts.models import Role
    from anbiao.orgs.tests.factories import make_user

    assert selectors.current_rating_counts(world.users["town:viewer"]) == {3: 1, 2: 0, 1: 0}
    outsider = make_user(world.dept_other, Role.VIEWER, username="other_viewer")
    assert selectors.current_rating_counts(outsider) == {3: 0, 2: 0, 1: 0}


def test_a_three_star_rating_superseded_by_a_later_one_has_no_plaque_or_certificate(
    world,  # noqa: ANN001
) -> None:
    three = rated(world, 3)
    city = world.users["city:org_admin"]
    c = client_for(city)
    assert c.get(reverse("worklog:certificate", args=[three.pk])).status_code == 200
    rated(world, 2)  # rated again, lower
    three.refresh_from_db()
    assert three.is_superseded
    assert c.get(reverse("worklog:certificate", args=[three.pk])).status_code == 404
    assert c.get(reverse("worklog:certificate_pdf", args=[three.pk])).status_code == 404
    detail = c.get(reverse("worklog:star_detail", args=[three.pk])).content.decode()
    assert "登记授牌" not in detail and "打印证书" not in detail
    with pytest.raises(ValidationError, match="已被后续评定取代"):
        services.plaque_create(by=city, application=three, date=dt.date(2026, 1, 5), number="P-1")
    # the two-star rating now in force is announced
    assert [a.enterprise_id for a in selectors.announcements()] == [world.ent.pk]


def test_a_refusal_supersedes_nothing(world) -> None:  # noqa: ANN001
    two = rated(world, 2)
    u = world.users
    app = services.star_apply(
        by=u["enterprise:filler"], requested_star=3, self_score=Decimal("95"), uploads=[pdf()]
    )
    app = services.star_move(by=u["enterprise:principal"], application=app, action="submit")
    services.star_move(by=u["department:filler"], application=app, action="refuse", reason="不符")
    two.refresh_from_db()
    assert two.is_current
    assert [a.pk for a in selectors.announcements()] == [two.pk]


def test_the_migration_chains_the_approvals_made_before(world) -> None:  # noqa: ANN001
    import importlib

    from django.apps import apps
    from django.utils import timezone

    now = timezone.now()
    first = b.application(world.ent, "approved", decided_level=2, decided_at=now)
    second = b.application(
        world.ent, "approved", decided_level=3, decided_at=now + dt.timedelta(days=30)
    )
    other = b.application(world.ent_other, "approved", decided_level=2, decided_at=now)
    migration = importlib.import_module(
        "anbiao.worklog.migrations.0002_star_application_superseded"
    )
    migration.chain(apps, None)
    for a in (first, second, other):
        a.refresh_from_db()
    assert first.superseded_by == second and first.superseded_at == second.decided_at
    assert second.is_current and other.is_current
