"""On-site photos: the original as the phone sent it, the SHA-256 of both files, the time and
the position (the photos stored before have the SHA-256 of their shown file only)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Photo = apps.get_model("inspections", "FindingPhoto")
    StoredFile = apps.get_model("core", "StoredFile")
    sha = StoredFile.objects.filter(pk=OuterRef("stored_file_id")).values("sha256")[:1]
    Photo.objects.filter(sha256="").update(sha256=Subquery(sha))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_stored_file'),
        ('inspections', '0005_checklistdraft_problem_count'),
    ]

    operations = [
        migrations.AddField(
            model_name='findingphoto',
            name='accuracy_m',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='定位精度（米）'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='latitude',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='纬度'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='longitude',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='经度'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='original_file',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='原始照片'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='original_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='原始照片 SHA-256'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='position_source',
            field=models.CharField(blank=True, choices=[('browser', '手机定位'), ('exif', '照片 GPS 信息')], max_length=10, verbose_name='位置来源'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='带水印照片 SHA-256'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='taken_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='拍摄时间'),
        ),
        migrations.AddField(
            model_name='findingphoto',
            name='taken_at_source',
            field=models.CharField(blank=True, choices=[('exif', '照片拍摄时间'), ('upload', '上传时间')], max_length=10, verbose_name='拍摄时间来源'),
        ),
        migrations.AlterField(
            model_name='findingphoto',
            name='stored_file',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='照片（带水印）'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
