import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


from importlib import import_module

_0002 = import_module("tuopin.audit.migrations.0002_access_log_append_only")
_0004 = import_module("tuopin.audit.migrations.0004_access_log_no_delete_on_sqlite")


class Migration(migrations.Migration):

    replaces = [('audit', '0001_initial'), ('audit', '0002_access_log_append_only'), ('audit', '0003_access_kind_lookup'), ('audit', '0004_access_log_no_delete_on_sqlite'), ('audit', '0005_access_kind_photo')]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccessLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                ('username', models.CharField(blank=True, db_index=True, max_length=150, verbose_name='用户名')),
                ('kind', models.CharField(choices=[('login', '登录'), ('login_failed', '登录失败'), ('locked_out', '账号锁定'), ('logout', '退出登录'), ('denied', '越权访问被拒'), ('export', '导出'), ('reveal', '查看完整身份证号'), ('lookup', '查询他区已登记证件号码'), ('photo', '查看走访照片')], db_index=True, max_length=16, verbose_name='类型')),
                ('region_code', models.CharField(blank=True, db_index=True, max_length=12, verbose_name='区划代码')),
                ('object_type', models.CharField(blank=True, max_length=64, verbose_name='对象类型')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='对象编号')),
                ('detail', models.CharField(blank=True, max_length=500, verbose_name='说明')),
                ('path', models.CharField(blank=True, max_length=300, verbose_name='地址')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP 地址')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '访问日志',
                'verbose_name_plural': '访问日志',
                'ordering': ['-id'],
            },
        ),
        migrations.RunPython(
            code=_0002.install,
            reverse_code=_0002.remove,
        ),
        migrations.RunPython(
            code=_0004.install,
            reverse_code=_0004.remove,
        ),
    ]
