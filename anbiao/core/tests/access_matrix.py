from django.urls import reverse

from anbiao.core.tests.matrix import Case, allow

CASES = [
    Case("core:home", "all", lambda w: reverse("core:home"), allow()),
    Case("core:healthz", "public", lambda w: reverse("core:healthz"), allow(anon=200)),
]
