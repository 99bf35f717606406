"""A later approved star rating supersedes the earlier one of the same enterprise: the ratings
approved so far are chained in the order they were decided, the last one stays in force."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def chain(apps, schema_editor):
    App = apps.get_model("worklog", "StarApplication")
    approved = App.objects.filter(status="approved").order_by(
        "enterprise_id", "decided_at", "created_at"
    )
    previous = None
    for app in approved.iterator():
        if previous is not None and previous.enterprise_id == app.enterprise_id:
            App.objects.filter(pk=previous.pk).update(
                superseded_by_id=app.pk, superseded_at=app.decided_at
            )
        previous = app


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_stored_file'),
        ('orgs', '0001_initial'),
        ('worklog', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='starapplication',
            name='superseded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='取代时间'),
        ),
        migrations.AddField(
            model_name='starapplication',
            name='superseded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supersedes', to='worklog.starapplication', verbose_name='被后续评定取代'),
        ),
        migrations.AddIndex(
            model_name='starapplication',
            index=models.Index(condition=models.Q(('status', 'approved'), ('superseded_by__isnull', True)), fields=['enterprise', 'decided_level'], name='star_current_idx'),
        ),
        migrations.RunPython(chain, migrations.RunPython.noop),
    ]
