"""Drop the indexes that migrations 0002–0004 created with RunPython on the look-backs' and the
reports' tables: the indexes the statistics read are now declared in those models' ``Meta``
(``checklists/0004``, ``reports/0003``), visible to ``makemigrations``. The indexes as they
stood after 0004 are recreated when unapplied."""

from django.db import migrations, models
from django.db.models import Q

LOOKBACK = Q(purpose="lookback", status__in=["submitted", "accepted"])
FINALIZED = Q(counted_version__isnull=False, first_finalized_at__isnull=False)
LOOKS = ["submitted_at", "problem_count"]

INDEXES = {
    ("checklists", "Checklist"): [
        models.Index(
            fields=["scope_department", "scope_town", *LOOKS],
            condition=LOOKBACK,
            name="checklist_stats_dept_idx",
        ),
        models.Index(
            fields=["scope_town", "scope_department", *LOOKS],
            condition=LOOKBACK,
            name="checklist_stats_town_idx",
        ),
        models.Index(
            fields=["campaign", "submitted_at"],
            condition=LOOKBACK,
            name="checklist_stats_campaign_idx",
        ),
        models.Index(
            fields=["submitted_at"],
            condition=LOOKBACK & Q(problem_count__isnull=True),
            name="checklist_stats_unfrozen_idx",
        ),
    ],
    ("reports", "Report"): [
        models.Index(
            fields=["scope_department", "scope_town", "first_finalized_at"],
            condition=FINALIZED,
            name="report_stats_dept_idx",
        ),
        models.Index(
            fields=["scope_town", "scope_department", "first_finalized_at"],
            condition=FINALIZED,
            name="report_stats_town_idx",
        ),
    ],
}


def drop(apps, schema_editor):
    for (app, name), indexes in INDEXES.items():
        model = apps.get_model(app, name)
        for index in indexes:
            schema_editor.remove_index(model, index)


def recreate(apps, schema_editor):
    for (app, name), indexes in INDEXES.items():
        model = apps.get_model(app, name)
        for index in indexes:
            schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("stats", "0005_submission_chain")]

    operations = [migrations.RunPython(drop, recreate)]
