from django.urls import reverse

from anbiao.core.tests.matrix import Case, allow

AUDITOR = allow(only=("city:auditor",))


def _entry_url(w):
    from anbiao.core.audit import log_action

    entry = log_action(w.ent.organization, "anbiao.test.touched", user=w.users["enterprise:filler"])
    return reverse("core:audit_detail", args=[entry.pk])


CASES = [
    Case("core:home", "all", lambda w: reverse("core:home"), allow()),
    Case("core:healthz", "public", lambda w: reverse("core:healthz"), allow(anon=200)),
    Case("core:audit_list", "auditor", lambda w: reverse("core:audit_list"), AUDITOR),
    Case("core:audit_export", "auditor", lambda w: reverse("core:audit_export"), AUDITOR),
    Case("core:audit_detail", "any entry", _entry_url, AUDITOR),
    Case(
        "core:audit_detail",
        "missing",
        lambda w: reverse("core:audit_detail", args=[999999]),
        allow(only=()),
    ),
]
