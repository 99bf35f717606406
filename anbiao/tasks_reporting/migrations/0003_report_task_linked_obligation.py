"""A reporting task may be linked to a built-in obligation: the monthly typical-case report.

The 报送任务 “典型执法案例月报” and the 月度报送 of the enforcement module described the same
duty with two statuses. The enforcement module's report is the record; a task linked to it takes
no submissions and reads every status from it. Existing monthly tasks with that name are linked
here, and their periods fall due on the 25th like the report (附件1 item 15: 每月25日前); their
earlier submissions and files stay as they were.
"""

import datetime as dt

from django.db import migrations, models

TITLES = {"典型执法案例月报", "执法典型案例月报", "典型案例月报", "执法典型案例月度报送"}
DAY = 25


def link_monthly_case_tasks(apps, schema_editor):
    ReportTask = apps.get_model("reporting", "ReportTask")
    ReportPeriod = apps.get_model("reporting", "ReportPeriod")
    for task in ReportTask.objects.filter(recurrence_day__isnull=False):
        if task.title.strip() not in TITLES:
            continue
        task.linked = "case_month"
        task.recurrence_day = DAY
        if task.deadline.day != DAY:
            task.deadline = task.deadline.replace(day=DAY)
        task.save(update_fields=["linked", "recurrence_day", "deadline"])
        for period in ReportPeriod.objects.filter(task=task).exclude(deadline__day=DAY):
            period.deadline = dt.date(period.deadline.year, period.deadline.month, DAY)
            period.save(update_fields=["deadline"])


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_task_and_submission_versions")]

    operations = [
        migrations.AddField(
            model_name="reporttask",
            name="linked",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "本任务中报送（上传文件、填写文字答复）"),
                    ("case_month", "典型执法案例月报（在“执法案例 → 月度报送”中报送）"),
                ],
                default="",
                max_length=12,
                verbose_name="报送方式",
            ),
        ),
        migrations.RunPython(link_monthly_case_tasks, migrations.RunPython.noop),
    ]
