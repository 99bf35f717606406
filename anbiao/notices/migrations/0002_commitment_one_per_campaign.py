"""The signed 承诺书 as a document of its own (Commitment), one per enterprise, kind and campaign,
and the campaign of each notice. The commitments signed so far become Commitment rows (their
notices had no campaign: one per enterprise and kind; a second signature of the same kind is
kept on its delivery and the delivery points to the first commitment)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


def commitments_from_deliveries(apps, schema_editor):
    from anbiao.notices.commitments import commitment_text, commitment_title

    Delivery = apps.get_model("notices", "NoticeDelivery")
    Commitment = apps.get_model("notices", "Commitment")
    signed = (
        Delivery.objects.filter(signed_at__isnull=False, commitment_file__isnull=False)
        .select_related("notice", "enterprise__organization", "signed_by")
        .order_by("signed_at", "pk")
    )
    made = {}
    for d in signed.iterator():
        key = (d.enterprise_id, d.notice.kind, d.notice.campaign_id)
        if key not in made:
            user = d.signed_by
            made[key] = Commitment.objects.create(
                enterprise_id=d.enterprise_id,
                kind=d.notice.kind,
                campaign_id=d.notice.campaign_id,
                title=commitment_title(d.notice.kind),
                text=commitment_text(d.notice.kind),
                enterprise_name=d.enterprise.organization.name,
                credit_code=d.enterprise.credit_code or "",
                sign_method=d.sign_method or "canvas",
                signature_file_id=d.commitment_file_id,
                signer_name=(user.full_name or user.username) if user else "",
                signed_by_id=d.signed_by_id,
                signed_at=d.signed_at,
            )
        Delivery.objects.filter(pk=d.pk).update(commitment_id=made[key].pk)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_initial'),
        ('core', '0003_stored_file'),
        ('notices', '0001_initial'),
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notice',
            name='campaign',
            field=models.ForeignKey(blank=True, help_text='下发时进行中的专项行动；同一专项行动中同一种告知书，企业只签一份承诺书', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='campaigns.campaign', verbose_name='专项行动'),
        ),
        migrations.CreateModel(
            name='Commitment',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('standardization', '关于自主加强安全生产标准化建设告知书'), ('responsibility', '关于落实全员安全生产责任制告知书')], max_length=20, verbose_name='告知书种类')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('text', models.TextField(help_text='签订时的承诺书正文（此后不随模板改变）', verbose_name='承诺内容')),
                ('enterprise_name', models.CharField(max_length=200, verbose_name='签订时的企业名称')),
                ('credit_code', models.CharField(blank=True, max_length=18, verbose_name='统一社会信用代码')),
                ('sign_method', models.CharField(choices=[('canvas', '主要负责人手写签名'), ('scan', '上传签字盖章扫描件')], max_length=10, verbose_name='签订方式')),
                ('signer_name', models.CharField(max_length=100, verbose_name='签订人')),
                ('signed_at', models.DateTimeField(verbose_name='签订时间')),
                ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='campaigns.campaign', verbose_name='专项行动')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='orgs.enterprise', verbose_name='企业')),
                ('signature_file', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='签名/扫描件')),
                ('signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='签订账号')),
            ],
            options={
                'verbose_name': '承诺书',
                'verbose_name_plural': '承诺书',
                'ordering': ['-signed_at'],
            },
        ),
        migrations.AddField(
            model_name='noticedelivery',
            name='commitment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='notices.commitment', verbose_name='承诺书'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.UniqueConstraint(condition=models.Q(('campaign__isnull', False)), fields=('enterprise', 'kind', 'campaign'), name='commitment_one_per_campaign'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.UniqueConstraint(condition=models.Q(('campaign__isnull', True)), fields=('enterprise', 'kind'), name='commitment_one_without_campaign'),
        ),
        migrations.RunPython(commitments_from_deliveries, migrations.RunPython.noop),
    ]
