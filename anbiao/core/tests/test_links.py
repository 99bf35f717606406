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
        ("checklists:detail", uuid.UUID("5b0f6a34-8f0e-4c1d-9a51-3f7c2f1d9e01")),
        ("checklist_exports:docx", uuid.UUID("0d9c1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f")),
        ("worklog:record_detail", "9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"),
    ],
)
def test_links_equal_reverse(name: str, pk: object) -> None:
    assert link(name, pk) == reverse(name, args=None if pk is None else [pk])


def test_links_follow_the_script_prefix() -> None:
    pk = uuid.UUID("5b0f6a34-8f0e-4c1d-9a51-3f7c2f1d9e01")
    try:
        set_script_prefix("/anbiao/")
        assert link("checklists:detail", pk) == f"/anbiao/checklists/{pk}/"
    finally:
        set_script_prefix("/")
    assert link("checklists:detail", pk) == f"/checklists/{pk}/"
