import pytest
from django.core import mail
from django.urls import reverse

from anbiao.accounts.models import Role
from anbiao.notifications import reminders
from anbiao.notifications.models import Notification
from anbiao.notifications.reminders import Reminder, send_due_reminders
from anbiao.notifications.services import notify, preferences_set
from anbiao.orgs.tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def test_the_same_reminder_is_delivered_once_and_mailed_once():
    user = make_user(OrganizationFactory.create(), Role.FILLER, email="a@example.gov.cn")
    for _ in range(3):
        notify(user=user, kind="deadline", title="3 天后截止", dedupe_key="deadline:c1:3")
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1 and "3 天后截止" in mail.outbox[0].subject


def test_a_kind_turned_off_is_not_sent():
    user = make_user(OrganizationFactory.create(), Role.FILLER, email="a@example.gov.cn")
    preferences_set(user=user, choices={"deadline": (False, False)})
    assert notify(user=user, kind="deadline", title="x", dedupe_key="k") is None
    assert not Notification.objects.exists() and mail.outbox == []


def test_running_the_daily_job_twice_sends_nothing_twice(monkeypatch):
    user = make_user(OrganizationFactory.create(), Role.FILLER)

    def collect(today):
        yield Reminder(
            user=user, kind="problem_due", title=f"整改期限 {today}", dedupe_key=f"due:p1:{today}"
        )

    monkeypatch.setattr(reminders, "collect_all", collect)
    from datetime import date

    assert send_due_reminders(date(2024, 6, 1)) == 1
    assert send_due_reminders(date(2024, 6, 1)) == 0
    assert send_due_reminders(date(2024, 6, 2)) == 1
    assert Notification.objects.count() == 2


def test_the_bell_shows_the_unread_count_and_opening_marks_read(client):
    user = make_user(OrganizationFactory.create(), Role.FILLER)
    n = notify(user=user, kind="general", title="请签收告知书", dedupe_key="n1", url="/")
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert '消息 <span class="badge">1</span>' in html and "请签收告知书" in html
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_offsite_link_is_never_followed(client):
    user = make_user(OrganizationFactory.create(), Role.FILLER)
    n = notify(user=user, kind="general", title="x", dedupe_key="n2", url="//evil.example/")
    client.force_login(user)
    assert client.get(reverse("notifications:open", args=[n.pk]))["Location"] == "/"
