"""The indexes that the statistics table (附件3) reads on look-backs and reports.

Partial indexes over the counted rows only (submitted look-backs, finalized reports), led by the
stamped scope (``anbiao.stats.scope``):

* ``*_stats_dept_idx`` (department, town, date, …): the consolidated city table reads it in
  (department, town) order and aggregates each pair without hashing; one department's table
  reads its range;
* ``*_stats_town_idx`` (town, department, date, …): one town's table reads its range.

They belong to the statistics, not to the checklists or reports apps, so this app creates them
(with the schema editor, on the tables of the models at this point of their history); they are
not in those models' ``Meta`` and so not in the migration state. The conditions repeat what
``stats.columns._lookbacks`` and ``reports.selectors.finalized_reports`` filter on (a test checks
that the planner uses them).
"""

from django.db import migrations, models
from django.db.models import Q

LOOKBACK = Q(purpose="lookback", status__in=["submitted", "accepted"])
FINALIZED = Q(counted_version__isnull=False, first_finalized_at__isnull=False)

INDEXES = {
    ("checklists", "Checklist"): [
        models.Index(
            fields=[
                *("scope_department", "scope_town", "submitted_at"),
                *("problem_count", "campaign", "organization"),
            ],
            condition=LOOKBACK,
            name="checklist_stats_dept_idx",
        ),
        models.Index(
            fields=[
                *("scope_town", "scope_department", "submitted_at"),
                *("problem_count", "campaign", "organization"),
            ],
            condition=LOOKBACK,
            name="checklist_stats_town_idx",
        ),
    ],
    ("reports", "Report"): [
        models.Index(
            fields=["scope_department", "scope_town", "first_finalized_at", "organization"],
            condition=FINALIZED,
            name="report_stats_dept_idx",
        ),
        models.Index(
            fields=["scope_town", "scope_department", "first_finalized_at", "organization"],
            condition=FINALIZED,
            name="report_stats_town_idx",
        ),
    ],
}


def add_indexes(apps, schema_editor):
    for (app, name), indexes in INDEXES.items():
        model = apps.get_model(app, name)
        for index in indexes:
            schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    for (app, name), indexes in INDEXES.items():
        model = apps.get_model(app, name)
        for index in indexes:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0003_checklist_stat_scope"),
        ("reports", "0002_report_stat_scope"),
        ("stats", "0001_submissions"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
