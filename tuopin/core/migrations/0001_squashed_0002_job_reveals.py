import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('core', '0001_initial'), ('core', '0002_job_reveals')]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=64, verbose_name='任务类型')),
                ('region_code', models.CharField(db_index=True, max_length=12, verbose_name='区划代码')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='参数')),
                ('status', models.CharField(choices=[('queued', '排队中'), ('running', '运行中'), ('succeeded', '已完成'), ('failed', '失败')], db_index=True, default='queued', max_length=16, verbose_name='状态')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度')),
                ('message', models.CharField(blank=True, max_length=255, verbose_name='进度说明')),
                ('result_file', models.CharField(blank=True, max_length=255, verbose_name='结果文件')),
                ('result_name', models.CharField(blank=True, max_length=255, verbose_name='结果文件名')),
                ('result', models.JSONField(blank=True, default=dict, verbose_name='结果摘要')),
                ('error', models.TextField(blank=True, verbose_name='错误')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                ('worker_id', models.CharField(blank=True, max_length=128, verbose_name='执行进程')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='最近心跳')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='jobs', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                ('reveals', models.BooleanField(default=False, verbose_name='结果含完整个人信息')),
            ],
            options={
                'verbose_name': '后台任务',
                'verbose_name_plural': '后台任务',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='core_job_status_38dcf0_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='job_progress_at_most_100'), models.CheckConstraint(condition=django.db.models.lookups.Exact(django.db.models.functions.text.Length('region_code'), 12), name='job_region_code_12_digits')],
            },
        ),
    ]
