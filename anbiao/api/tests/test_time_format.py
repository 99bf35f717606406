"""Times in the API are Asia/Shanghai with their +08:00 offset, like the handover files (16.14).

Dates stay plain dates (``YYYY-MM-DD``). The OpenAPI document shows the form in an example for
every date-time field, so a new schema with a bare ``datetime`` fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from anbiao.api.tests.test_domains import first_clause, get, send, token_for
from anbiao.checklists.tests.helpers import start
from anbiao.orgs.tests.factories import make_user
from anbiao.rectification import services as rectification
from anbiao.rectification.tests.helpers import plan, problem

pytestmark = pytest.mark.django_db

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def _times(doc: Any) -> dict[str, str]:
    return {p: v for p, v in _strings(doc) if DATETIME.match(v)}


def test_every_time_the_api_returns_carries_the_shanghai_offset(apiworld) -> None:  # noqa: ANN001
    from anbiao.accounts.models import Role

    ent_filler = make_user(apiworld.ent.organization, Role.FILLER, username="tz_filler")
    as_ent = token_for(ent_filler)
    checklist = start(apiworld.ent.organization, ent_filler)
    answer = first_clause(checklist)
    saved = send(
        "put",
        f"/api/v1/checklists/{checklist.pk}/answers/{answer.clause_id}",
        {"result": "conform", "problems": [], "remarks": "", "version": answer.version},
        as_ent,
    )
    assert saved.status_code == 200, saved.content
    p = problem(apiworld.ent.organization)
    rectification.problem_plan_save(by=ent_filler, problem=p, data=plan())
    p.refresh_from_db()
    moved = send(
        "post",
        f"/api/v1/problems/{p.pk}/transitions",
        {"action": "start", "lock_version": p.lock_version},
        as_ent,
    )
    assert moved.status_code == 200, moved.content

    docs = {
        "answer": saved.json(),
        "transition": moved.json(),
        "checklist": get(f"/api/v1/checklists/{checklist.pk}", as_ent).json(),
        "checklists": get("/api/v1/checklists", as_ent).json(),
        "problem": get(f"/api/v1/problems/{p.pk}", as_ent).json(),
        "enterprise": get(f"/api/v1/enterprises/{apiworld.ent.pk}", as_ent).json(),
        "enterprises": get("/api/v1/enterprises", apiworld.auth()).json(),
    }
    times = {f"{name}{path}": v for name, doc in docs.items() for path, v in _times(doc).items()}
    # the fields that must be there: updated, recorded, the timeline's moments
    for needed in ("problem.recorded_at", "problem.timeline[0].at", "enterprise.updated_at"):
        assert needed in times, sorted(times)
    wrong = {p: v for p, v in times.items() if not LOCAL.match(v)}
    assert wrong == {}, wrong
    # a date stays a date
    assert DATE.match(docs["problem"]["deadline"]), docs["problem"]["deadline"]


def test_the_openapi_document_shows_the_offset_for_every_date_time_field(client) -> None:  # noqa: ANN001
    schema = client.get("/api/v1/openapi.json").json()
    found: list[tuple[str, Any]] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            options = [o for o in node.get("anyOf", [node]) if isinstance(o, dict)]
            for option in options:
                if option.get("format") == "date-time":
                    found.append((where, option.get("examples") or [""]))
                    return
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    walk(schema["components"]["schemas"], "")
    assert len(found) >= 10
    bare = [
        where
        for where, example in found
        if not example
        or not str(example[0] if isinstance(example, list) else example).endswith("+08:00")
    ]
    assert bare == [], bare
