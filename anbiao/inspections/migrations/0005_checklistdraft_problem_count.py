"""The number of 存在问题 lines of each held checklist answer, so that lists count a draft
inspection's problems in SQL (filled from the text for the answers held today)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Draft = apps.get_model("inspections", "ChecklistDraft")
    for d in Draft.objects.exclude(problems="").iterator():
        n = sum(1 for t in d.problems.splitlines() if t.strip())
        Draft.objects.filter(pk=d.pk).update(problem_count=n)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0004_inspection_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='checklistdraft',
            name='problem_count',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='存在问题条数'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
