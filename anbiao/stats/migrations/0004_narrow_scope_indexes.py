"""The look-backs' and reports' scope indexes (``0002_scope_indexes``) hold only what the
statistics table sums: (department, town, date[, frozen problem count]). Without the
organization and the campaign their entries are about half as wide, and the city table reads
them a quarter faster; the few rows without a stamp (read by organization) and the rare
per-organization recount read the table for the organization."""

from django.db import migrations, models
from django.db.models import Q

LOOKBACK = Q(purpose="lookback", status__in=["submitted", "accepted"])
FINALIZED = Q(counted_version__isnull=False, first_finalized_at__isnull=False)


def _indexes(wide: bool) -> dict[tuple[str, str], list[models.Index]]:
    looks = ["submitted_at", "problem_count", *(["campaign", "organization"] if wide else [])]
    reports = ["first_finalized_at", *(["organization"] if wide else [])]
    return {
        ("checklists", "Checklist"): [
            models.Index(
                fields=["scope_department", "scope_town", *looks],
                condition=LOOKBACK,
                name="checklist_stats_dept_idx",
            ),
            models.Index(
                fields=["scope_town", "scope_department", *looks],
                condition=LOOKBACK,
                name="checklist_stats_town_idx",
            ),
        ],
        ("reports", "Report"): [
            models.Index(
                fields=["scope_department", "scope_town", *reports],
                condition=FINALIZED,
                name="report_stats_dept_idx",
            ),
            models.Index(
                fields=["scope_town", "scope_department", *reports],
                condition=FINALIZED,
                name="report_stats_town_idx",
            ),
        ],
    }


def _replace(apps, schema_editor, *, wide: bool) -> None:
    for (app, name), indexes in _indexes(wide).items():
        model = apps.get_model(app, name)
        for old, new in zip(_indexes(not wide)[app, name], indexes, strict=True):
            schema_editor.remove_index(model, old)
            schema_editor.add_index(model, new)


def narrow(apps, schema_editor):
    _replace(apps, schema_editor, wide=False)


def widen(apps, schema_editor):
    _replace(apps, schema_editor, wide=True)


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_lookback_check_indexes")]

    operations = [migrations.RunPython(narrow, widen)]
