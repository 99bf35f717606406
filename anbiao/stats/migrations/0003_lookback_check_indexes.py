"""Two small partial indexes on the counted look-backs, for the checks the statistics table runs
before trusting its grouped sums (``stats.consolidate``):

* ``checklist_stats_campaign_idx`` (campaign, date): which campaigns have counted look-backs in
  the period — one seek per campaign (a campaign a year), so the table sums its groups directly
  when there is one, and makes the look-backs distinct per organization first otherwise;
* ``checklist_stats_unfrozen_idx`` (date), only the counted look-backs without a frozen problem
  count (written without the submit service; normally none): whether their lines are counted.

As in ``0002_scope_indexes``, the conditions repeat what ``stats.columns._lookbacks`` filters on.
"""

from django.db import migrations, models
from django.db.models import Q

LOOKBACK = Q(purpose="lookback", status__in=["submitted", "accepted"])

INDEXES = [
    models.Index(
        fields=["campaign", "submitted_at"], condition=LOOKBACK, name="checklist_stats_campaign_idx"
    ),
    models.Index(
        fields=["submitted_at"],
        condition=LOOKBACK & Q(problem_count__isnull=True),
        name="checklist_stats_unfrozen_idx",
    ),
]


def add_indexes(apps, schema_editor):
    model = apps.get_model("checklists", "Checklist")
    for index in INDEXES:
        schema_editor.add_index(model, index)


def remove_indexes(apps, schema_editor):
    model = apps.get_model("checklists", "Checklist")
    for index in INDEXES:
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_scope_indexes")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
