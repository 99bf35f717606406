import uuid

import pytest
from django.urls import reverse, set_script_prefix

from anbiao.core.links import link


@pytest.mark.parametrize(
    ("name", "pk"),
    [
        ("core:home", None),
        ("accounts:logout", None),
        ("checklists:mine", None),
        ("checklists:detail", uuid.uuid4()),
        ("checklist_exports:docx", uuid.uuid4()),
        ("worklog:record_detail", str(uuid.uuid4())),
    ],
)
def test_links_equal_reverse(name: str, pk: object) -> None:
    assert link(name, pk) == reverse(name, args=None if pk is None else [pk])


def test_links_follow_the_script_prefix() -> None:
    pk = uuid.uuid4()
    try:
        set_script_prefix("/anbiao/")
        assert link("checklists:detail", pk) == f"/anbiao/checklists/{pk}/"
    finally:
        set_script_prefix("/")
    assert link("checklists:detail", pk) == f"/checklists/{pk}/"
