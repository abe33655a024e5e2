import django.db.migrations.operations.special
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


from importlib import import_module

_0002 = import_module("tuopin.policy.migrations.0002_ship_henan_2018")


class Migration(migrations.Migration):

    replaces = [('policy', '0001_initial'), ('policy', '0002_ship_henan_2018'), ('policy', '0003_run_data_as_of'), ('policy', '0004_householdresult_fewer_indexes')]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('regions', '0002_alter_historicalregion_level_alter_region_level'),
        ('registry', '0009_helper_account'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalCountyIndicator',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('wrong_exit_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='错退率（%）')),
                ('missed_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='漏评率（%）')),
                ('approval', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='群众认可度（%）')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('county', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regions.region', verbose_name='县（市、区）')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical 贫困县退出指标',
                'verbose_name_plural': 'historical 贫困县退出指标',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalVillageIndicator',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('road', models.BooleanField(blank=True, null=True, verbose_name='通硬化路')),
                ('bus', models.BooleanField(blank=True, null=True, verbose_name='通客车')),
                ('water', models.BooleanField(blank=True, null=True, verbose_name='饮水安全')),
                ('electricity', models.BooleanField(blank=True, null=True, verbose_name='生产生活用电')),
                ('radio_tv', models.BooleanField(blank=True, null=True, verbose_name='广播电视户户通')),
                ('culture_centre', models.BooleanField(blank=True, null=True, verbose_name='综合性文化服务中心')),
                ('clinic', models.BooleanField(blank=True, null=True, verbose_name='标准化卫生室')),
                ('doctor', models.BooleanField(blank=True, null=True, verbose_name='合格村医')),
                ('broadband', models.BooleanField(blank=True, null=True, verbose_name='宽带网络')),
                ('collective_income', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='村集体经济收入（元）')),
                ('industry', models.CharField(blank=True, max_length=100, verbose_name='主导产业')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('village', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regions.region', verbose_name='行政村')),
            ],
            options={
                'verbose_name': 'historical 贫困村退出指标',
                'verbose_name_plural': 'historical 贫困村退出指标',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PolicyVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=40, verbose_name='标准代码')),
                ('version', models.PositiveIntegerField(verbose_name='版本号')),
                ('title', models.CharField(max_length=100, verbose_name='名称')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], default='draft', max_length=10, verbose_name='状态')),
                ('parameters', models.JSONField(default=dict, verbose_name='参数')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='修订说明')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                ('based_on', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='policy.policyversion', verbose_name='修订自')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
            ],
            options={
                'verbose_name': '退出标准版本',
                'verbose_name_plural': '退出标准版本',
                'ordering': ['code', '-version'],
                'constraints': [models.UniqueConstraint(fields=('code', 'version'), name='policy_unique_version'), models.UniqueConstraint(condition=models.Q(('status', 'draft')), fields=('code',), name='policy_one_draft')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPolicyVersion',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(max_length=40, verbose_name='标准代码')),
                ('version', models.PositiveIntegerField(verbose_name='版本号')),
                ('title', models.CharField(max_length=100, verbose_name='名称')),
                ('status', models.CharField(choices=[('draft', '草稿'), ('published', '已发布')], default='draft', max_length=10, verbose_name='状态')),
                ('parameters', models.JSONField(default=dict, verbose_name='参数')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='修订说明')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='创建时间')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('based_on', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policy.policyversion', verbose_name='修订自')),
            ],
            options={
                'verbose_name': 'historical 退出标准版本',
                'verbose_name_plural': 'historical 退出标准版本',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalClause',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('level', models.CharField(choices=[('household', '户'), ('village', '村'), ('county', '县')], max_length=10, verbose_name='对象')),
                ('code', models.CharField(max_length=40, verbose_name='条款代码')),
                ('title', models.CharField(max_length=100, verbose_name='条款')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('expression', models.JSONField(verbose_name='规则')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('policy', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policy.policyversion', verbose_name='标准版本')),
            ],
            options={
                'verbose_name': 'historical 退出标准条款',
                'verbose_name_plural': 'historical 退出标准条款',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='EvaluationRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('household', '户'), ('village', '村'), ('county', '县')], max_length=10, verbose_name='对象')),
                ('year', models.PositiveSmallIntegerField(verbose_name='评估年度')),
                ('as_of', models.DateField(verbose_name='评估日期')),
                ('engine', models.CharField(choices=[('db', '业务数据库'), ('duckdb', 'DuckDB 分析副本')], max_length=10, verbose_name='引擎')),
                ('status', models.CharField(choices=[('running', '运行中'), ('done', '已完成'), ('failed', '失败')], default='running', max_length=10, verbose_name='状态')),
                ('parameters', models.JSONField(default=dict, verbose_name='参数取值')),
                ('clause_codes', models.JSONField(default=list, verbose_name='条款顺序')),
                ('seen_keys', models.JSONField(default=list, verbose_name='记录的事实')),
                ('counts', models.JSONField(default=dict, verbose_name='统计')),
                ('timings', models.JSONField(default=dict, verbose_name='耗时（秒）')),
                ('error', models.TextField(blank=True, verbose_name='错误')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='开始时间')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='范围')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='policy.policyversion', verbose_name='标准版本')),
                ('data_as_of', models.DateTimeField(blank=True, null=True, verbose_name='数据截至')),
            ],
            options={
                'verbose_name': '评估运行',
                'verbose_name_plural': '评估运行',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['level', 'year', 'status'], name='policy_eval_level_5fd178_idx')],
            },
        ),
        migrations.CreateModel(
            name='Clause',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('household', '户'), ('village', '村'), ('county', '县')], max_length=10, verbose_name='对象')),
                ('code', models.CharField(max_length=40, verbose_name='条款代码')),
                ('title', models.CharField(max_length=100, verbose_name='条款')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('expression', models.JSONField(verbose_name='规则')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='顺序')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clauses', to='policy.policyversion', verbose_name='标准版本')),
            ],
            options={
                'verbose_name': '退出标准条款',
                'verbose_name_plural': '退出标准条款',
                'ordering': ['level', 'position'],
                'constraints': [models.UniqueConstraint(fields=('policy', 'level', 'code'), name='clause_unique_code')],
            },
        ),
        migrations.CreateModel(
            name='VillageIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('road', models.BooleanField(blank=True, null=True, verbose_name='通硬化路')),
                ('bus', models.BooleanField(blank=True, null=True, verbose_name='通客车')),
                ('water', models.BooleanField(blank=True, null=True, verbose_name='饮水安全')),
                ('electricity', models.BooleanField(blank=True, null=True, verbose_name='生产生活用电')),
                ('radio_tv', models.BooleanField(blank=True, null=True, verbose_name='广播电视户户通')),
                ('culture_centre', models.BooleanField(blank=True, null=True, verbose_name='综合性文化服务中心')),
                ('clinic', models.BooleanField(blank=True, null=True, verbose_name='标准化卫生室')),
                ('doctor', models.BooleanField(blank=True, null=True, verbose_name='合格村医')),
                ('broadband', models.BooleanField(blank=True, null=True, verbose_name='宽带网络')),
                ('collective_income', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='村集体经济收入（元）')),
                ('industry', models.CharField(blank=True, max_length=100, verbose_name='主导产业')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('village', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='行政村')),
            ],
            options={
                'verbose_name': '贫困村退出指标',
                'verbose_name_plural': '贫困村退出指标',
                'constraints': [models.UniqueConstraint(fields=('village', 'year'), name='village_indicator_unique')],
            },
        ),
        migrations.CreateModel(
            name='CountyIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('wrong_exit_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='错退率（%）')),
                ('missed_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='漏评率（%）')),
                ('approval', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='群众认可度（%）')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('county', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='县（市、区）')),
            ],
            options={
                'verbose_name': '贫困县退出指标',
                'verbose_name_plural': '贫困县退出指标',
                'constraints': [models.UniqueConstraint(fields=('county', 'year'), name='county_indicator_unique'), models.CheckConstraint(condition=models.Q(models.Q(('wrong_exit_rate__isnull', True), ('wrong_exit_rate__gte', 0), _connector='OR'), models.Q(('missed_rate__isnull', True), ('missed_rate__gte', 0), _connector='OR'), models.Q(('approval__isnull', True), models.Q(('approval__gte', 0), ('approval__lte', 100)), _connector='OR')), name='county_indicator_rates_in_range')],
            },
        ),
        migrations.CreateModel(
            name='AreaResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('result', models.CharField(max_length=8, verbose_name='结果')),
                ('clauses', models.CharField(max_length=64, verbose_name='各条款')),
                ('seen', models.TextField(blank=True, verbose_name='取值')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='区划')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policy.evaluationrun', verbose_name='评估运行')),
            ],
            options={
                'verbose_name': '村县评估结果',
                'verbose_name_plural': '村县评估结果',
                'indexes': [models.Index(fields=['run', 'region'], name='policy_area_run_id_0ff89e_idx')],
            },
        ),
        migrations.CreateModel(
            name='HouseholdResult',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('household_number', models.CharField(max_length=32, verbose_name='户编号')),
                ('village_code', models.CharField(max_length=12, verbose_name='行政村')),
                ('result', models.CharField(max_length=8, verbose_name='结果')),
                ('clauses', models.CharField(max_length=64, verbose_name='各条款')),
                ('seen', models.TextField(blank=True, verbose_name='取值')),
                ('household', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.household', verbose_name='贫困户')),
                ('run', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='policy.evaluationrun', verbose_name='评估运行')),
            ],
            options={
                'verbose_name': '户评估结果',
                'verbose_name_plural': '户评估结果',
                'indexes': [models.Index(fields=['run', 'village_code'], name='policy_hous_run_id_c7683b_idx'), models.Index(fields=['household', 'run'], name='policy_hous_househo_771df8_idx')],
            },
        ),
        migrations.RunPython(
            code=_0002.ship,
            reverse_code=django.db.migrations.operations.special.RunPython.noop,
        ),
    ]
