"""No English and no stock Django wording reaches a demo user (issue 16 item 11).

As one user of each kind of unit and set of roles in the demo: open every menu page and the
pages they link to, then submit every form on them twice, empty and with every field too long
(each inside a rolled-back savepoint, so the walk writes nothing). The visible text of every
answer (text, placeholders, titles, option labels, button captions) and the name of every
downloaded file must not contain a Latin-script word outside :data:`ALLOWED`, nor Django's own
message wording. The auditor's walk covers the audit trail, its filters and its export.
"""

from __future__ import annotations

import io
import re
from collections import deque
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from anbiao.accounts.models import User
from anbiao.core.menu import home_cards, nav_items
from anbiao.core.tests.visible_text import Form, latin_words, parse

pytestmark = pytest.mark.django_db

# Codes, units, formats and product names a Chinese government user reads as they are.
ALLOWED = {
    "uscc", "pdf", "excel", "wps", "api", "xlsx", "xls", "docx", "doc", "csv", "json", "zip",
    "png", "jpg", "jpeg", "ip", "id", "url", "http", "https", "www", "km", "kg", "mb", "kb", "gb",
    "word", "ppt", "qr", "totp", "ok", "gps", "app", "cn", "com", "sms", "wifi", "html", "vs",
    "ca", "aq", "kv", "mpa", "kw", "kva", "ofd", "pc", "ai",
    # authenticator apps named on the second-factor page; keys named in a hint
    "microsoft", "google", "authenticator", "freeotp", "mfa", "alt", "enter", "ctrl", "shift",
}  # fmt: skip
STOCK_WORDING = (
    "Select an option",
    "---------",
    "确保该变量",
    "确认小数点",
    "这个字段是必填项",
    "确保此值",
    "选择一个有效的选项",
    "输入一个有效的",
)
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/accounts/logout", "/django-admin", "/media/", "/api/")
PAGES_PER_USER = 60
TOO_LONG = "长" * 6000
FILENAME = re.compile(r"filename\*=UTF-8''(.+)$")


class _Rollback(Exception):
    pass


def _client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user, backend="anbiao.accounts.backends.UsernameOrMobileBackend")
    session = client.session
    session["anbiao_2fa_ok"] = True
    session.save()
    return client


def _one_user_per_role_set() -> list[User]:
    chosen: dict[tuple[str, tuple[str, ...]], User] = {}
    for user in User.objects.filter(is_active=True).select_related("organization").order_by("pk"):
        roles = tuple(sorted(user.memberships.values_list("role", flat=True)))
        chosen.setdefault((user.organization.kind if user.organization else "", roles), user)
    return list(chosen.values())


def _form_data(form: Form, *, fill: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for c in form.controls:
        if c.type == "hidden":
            data[c.name] = c.value
        elif not fill:
            continue
        elif c.tag == "textarea" or c.type in ("text", "search", "email"):
            data[c.name] = TOO_LONG
        elif c.type in ("number", "tel"):
            data[c.name] = "1" * 25
        elif c.type == "date":
            data[c.name] = "2026-02-30"
        elif c.tag == "select":
            data[c.name] = c.value or next((o for o in c.options if o), "")
        elif c.type in ("checkbox", "radio") and c.checked:
            data.setdefault(c.name, c.value or "on")
    return data


def _form_key(path: str, form: Form) -> tuple[str, str, tuple[str, ...]]:
    shape = re.sub(r"/[0-9a-f-]{6,}|/\d+", "/#", urlsplit(path).path)
    return (form.method, shape, tuple(sorted(c.name for c in form.visible_inputs)))


class Walk:
    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed
        self.found: list[tuple[str, str, str, str]] = []
        self.pages = 0
        self.forms_sent = 0
        self.files: list[str] = []
        self.seen_forms: set[tuple[str, str, tuple[str, ...]]] = set()

    def check(self, who: str, path: str, response: Any) -> list[Form]:
        self.pages += 1
        if response.status_code >= 500:
            self.found.append((who, path, "HTTP", str(response.status_code)))
            return []
        disposition = response.get("Content-Disposition", "")
        if disposition:
            m = FILENAME.search(disposition)
            name = unquote(m.group(1)) if m else disposition
            self.files.append(name)
            stem = re.sub(r"[_\-.]", " ", name.rsplit(".", 1)[0])
            for word, ctx in latin_words([stem], self.allowed):
                self.found.append((who, path, word, f"文件名 {ctx}"))
            return []
        if "text/html" not in response.get("Content-Type", ""):
            return []
        html = response.content.decode()
        page = parse(html)
        for word, ctx in latin_words(page.texts, self.allowed):
            self.found.append((who, path, word, ctx))
        text = " ".join(page.texts)
        for stock in STOCK_WORDING:
            if stock in text:
                self.found.append((who, path, stock, "Django 原文"))
        return page.forms

    def submit_forms(self, who: str, client: Client, path: str, forms: list[Form]) -> None:
        for form in forms:
            target = form.action or path
            if not target.startswith("/") or target.startswith(SKIP) or not form.visible_inputs:
                continue
            key = _form_key(target, form)
            if key in self.seen_forms:
                continue
            self.seen_forms.add(key)
            for fill in (False, True):
                data = _form_data(form, fill=fill)
                try:
                    with transaction.atomic():
                        if form.method == "post":
                            response = client.post(target, data, HTTP_REFERER=path)
                        else:
                            sep = "&" if "?" in target else "?"
                            response = client.get(f"{target}{sep}{urlencode(data)}")
                        self.forms_sent += 1
                        self.check(who, f"{form.method.upper()} {target}", response)
                        raise _Rollback
                except _Rollback:
                    pass


def test_no_latin_word_or_stock_django_wording_reaches_a_demo_user() -> None:
    call_command("load_builtin", verbosity=0)
    call_command("seed_demo", quiet_logins=True, verbosity=0)
    users = _one_user_per_role_set()
    assert len(users) >= 10
    allowed = ALLOWED | {
        w.lower() for u in User.objects.all() for w in re.findall(r"[A-Za-z]+", u.username)
    }
    walk = Walk(allowed)
    visited: set[str] = set()
    for user in users:
        who = user.username
        client = _client(user)
        starts = ["/"] + [i.url for i in nav_items(user)] + [c.url for c in home_cards(user)]
        todo: deque[tuple[str, int]] = deque((u, 0) for u in starts if u)
        done: set[str] = set()
        while todo and len(done) < PAGES_PER_USER:
            path, depth = todo.popleft()
            if path in done or path.startswith(SKIP):
                continue
            done.add(path)
            response = client.get(path)
            forms = walk.check(who, path, response)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                walk.submit_forms(who, client, path, forms)
                if depth < 1:
                    for link in LINK.findall(response.content.decode()):
                        todo.append((link.replace("&amp;", "&"), depth + 1))
        visited |= {urlsplit(p).path for p in done}
    assert walk.pages > 300
    assert walk.forms_sent > 40
    assert "/audit/" in visited, sorted(visited)
    assert any(p.startswith("/audit/") and p != "/audit/" for p in visited)
    assert walk.files, "the walk downloaded no file"
    report = sorted({word: (ctx, who, path) for who, path, word, ctx in walk.found}.items())
    assert report == [], "\n".join(f"{w} | {c} | {u} {p}" for w, (c, u, p) in report)
    _audit_export_names_actions_in_chinese()


def _audit_export_names_actions_in_chinese() -> None:
    from anbiao.accounts.models import Role

    auditor = User.objects.filter(memberships__role=Role.AUDITOR, is_active=True).first()
    assert auditor is not None
    response = _client(auditor).get("/audit/export.xlsx")
    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    wb = load_workbook(io.BytesIO(content), read_only=True)
    cells = [str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v]
    assert len(cells) > 50
    assert [c for c in cells if c.startswith("anbiao.")] == []
