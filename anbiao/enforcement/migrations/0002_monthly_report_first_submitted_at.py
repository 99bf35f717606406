"""A monthly case report keeps the time of its first submission: timeliness is judged on it, so
that correcting a report later no longer makes an on-time report late. Existing reports only
know their latest submission, which is taken as their first."""

from django.db import migrations, models


def copy_submitted_at(apps, schema_editor):
    MonthlyReport = apps.get_model("enforcement", "MonthlyReport")
    MonthlyReport.objects.filter(first_submitted_at__isnull=True).update(
        first_submitted_at=models.F("submitted_at")
    )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="monthlyreport",
            name="first_submitted_at",
            field=models.DateTimeField(null=True, verbose_name="首次报送时间"),
        ),
        migrations.RunPython(copy_submitted_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="monthlyreport",
            name="first_submitted_at",
            field=models.DateTimeField(
                help_text="是否按时以首次报送为准；之后修改报送内容不影响按时",
                verbose_name="首次报送时间",
            ),
        ),
        migrations.AlterField(
            model_name="monthlyreport",
            name="submitted_at",
            field=models.DateTimeField(help_text="最近一次报送（修改）的时间", verbose_name="报送时间"),
        ),
    ]
