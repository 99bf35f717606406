from django.urls import reverse

from anbiao.accounts.models import BUSINESS_ROLES
from anbiao.core.tests.matrix import Case, allow
from anbiao.notifications.models import Notification


def _note(w, persona):  # noqa: ANN001, ANN202
    n = Notification.objects.create(
        user=w.users[persona], kind="general", title="测试", dedupe_key=f"t-{persona}", url="/"
    )
    return reverse("notifications:open", args=[n.pk])


CASES = [
    Case(
        "notifications:list",
        "self",
        lambda w: reverse("notifications:list"),
        allow(roles=BUSINESS_ROLES),
    ),
    Case(
        "notifications:preferences",
        "self",
        lambda w: reverse("notifications:preferences"),
        allow(roles=BUSINESS_ROLES),
    ),
    Case(
        "notifications:mark_all_read",
        "self",
        lambda w: reverse("notifications:mark_all_read"),
        allow(roles=BUSINESS_ROLES, ok=302),
        method="post",
    ),
    # Somebody else's notification answers 404 to everyone but its owner.
    Case(
        "notifications:open",
        "other",
        lambda w: _note(w, "department:filler"),
        allow(only=("department:filler",), ok=302),
    ),
]
