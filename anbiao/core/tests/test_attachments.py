"""Evidence files and photos share one abstract base (anbiao.core.attachments.Attachment)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from anbiao.core.attachments import Attachment

SHARED = {"stored_file", "added_by", "added_at"}


def test_every_model_with_a_file_an_uploader_and_a_time_inherits_the_base() -> None:
    repeating = {
        m._meta.label
        for m in apps.get_models()
        if {f.name for f in m._meta.concrete_fields} >= SHARED
    }
    assert {
        "checklists.AnswerEvidence",
        "rectification.ProblemEvidence",
        "inspections.FindingPhoto",
    } <= repeating
    assert {m._meta.label for m in apps.get_models() if issubclass(m, Attachment)} == repeating


def test_the_inherited_columns_are_the_ones_the_tables_had() -> None:
    for label in (
        "checklists.AnswerEvidence",
        "rectification.ProblemEvidence",
        "inspections.FindingPhoto",
    ):
        model = apps.get_model(label)
        added_by = model._meta.get_field("added_by")
        assert added_by.null and added_by.column == "added_by_id"
        assert model._meta.get_field("stored_file").column == "stored_file_id"
        assert model._meta.get_field("added_at").auto_now_add
    # the photo keeps its own label for the watermarked copy
    photo = apps.get_model("inspections.FindingPhoto")._meta.get_field("stored_file")
    assert photo.verbose_name == "照片（带水印）"


@pytest.mark.django_db
def test_the_base_needs_no_migration() -> None:
    out = StringIO()
    for app in ("checklists", "rectification", "inspections", "core"):
        call_command("makemigrations", app, check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
