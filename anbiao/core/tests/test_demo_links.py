"""Every page a demo user reaches by following links (home, then two clicks deep) answers: no
link on a page leads to a 404 or a server error. Catches a menu item, button or chart link
offered to a role whose rule refuses the page, across every app at once."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.core.management import call_command
from django.test import Client

from anbiao.accounts.models import User

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout", "/django-admin")
PER_USER = 40


def test_no_link_a_demo_user_can_follow_answers_404_or_500() -> None:
    call_command("load_builtin", verbosity=0)
    call_command("seed_demo", quiet_logins=True, verbosity=0)
    bad: list[tuple[str, str, int]] = []
    fetched = 0
    users = list(User.objects.filter(is_active=True).order_by("username"))
    assert len(users) >= 15
    for user in users:
        client = Client(raise_request_exception=False)
        client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
        session = client.session
        session["anbiao_2fa_ok"] = True  # the admins' second factor, as after its check
        session.save()
        todo: deque[tuple[str, int]] = deque([("/", 0)])
        done: set[str] = set()
        while todo and len(done) < PER_USER:
            path, depth = todo.popleft()
            if path in done:
                continue
            done.add(path)
            response = client.get(path)
            fetched += 1
            if response.status_code not in (200, 302):
                bad.append((user.username, path, response.status_code))
                continue
            if depth < 2 and "text/html" in response.get("Content-Type", ""):
                for link in LINK.findall(response.content.decode()):
                    link = link.replace("&amp;", "&")
                    if not link.startswith(SKIP):
                        todo.append((link, depth + 1))
    assert fetched > 500
    assert bad == []
    _make_run_prints_one_login_a_line()


def _make_run_prints_one_login_a_line() -> None:
    """The Python that `make run` gives `manage.py shell -c` to print the demo logins."""
    import contextlib
    import io
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text(encoding="utf-8")
    snippet = re.search(r'manage\.py shell -c "([^"]*print_logins[^"]*)"', makefile)
    assert snippet is not None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(snippet.group(1), {})  # noqa: S102 — our own Makefile's command
    lines = out.getvalue().splitlines()
    assert any(line.split()[:2] == ["city_admin", "13800000001"] for line in lines), lines[:5]
    assert sum("Anbiao@2024" in line for line in lines) == 1
