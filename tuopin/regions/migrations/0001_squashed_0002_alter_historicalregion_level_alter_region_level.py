import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('regions', '0001_initial'), ('regions', '0002_alter_historicalregion_level_alter_region_level')]

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Region',
            fields=[
                ('code', models.CharField(max_length=12, primary_key=True, serialize=False, verbose_name='区划代码')),
                ('name', models.CharField(max_length=64, verbose_name='名称')),
                ('level', models.CharField(choices=[('city', '市'), ('county', '县（区）'), ('township', '乡镇/街道'), ('village', '村（社区）')], max_length=16, verbose_name='层级')),
                ('kind', models.CharField(blank=True, choices=[('village', '村委会'), ('community', '居委会')], max_length=16, verbose_name='村级类型')),
                ('poor_county_type', models.CharField(blank=True, choices=[('', '非贫困县'), ('national', '国定贫困县'), ('provincial', '省定贫困县')], default='', max_length=16, verbose_name='贫困县类型')),
                ('is_poor_village', models.BooleanField(default=False, verbose_name='贫困村')),
                ('is_deeply_poor_village', models.BooleanField(default=False, verbose_name='深度贫困村')),
                ('poor_identified_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='贫困识别年度')),
                ('poor_exited_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='贫困退出年度')),
                ('registered_population', models.PositiveIntegerField(blank=True, null=True, verbose_name='户籍人口')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='regions.region', verbose_name='上级区划')),
            ],
            options={
                'verbose_name': '行政区划',
                'verbose_name_plural': '行政区划',
                'ordering': ['code'],
                'indexes': [models.Index(fields=['level', 'kind'], name='regions_reg_level_91fd40_idx'), models.Index(fields=['name'], name='regions_reg_name_0bb589_idx')],
                'constraints': [models.CheckConstraint(condition=django.db.models.lookups.Exact(django.db.models.functions.text.Length('code'), 12), name='region_code_12_digits'), models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['village', 'community']), ('level', 'village')), models.Q(models.Q(('level', 'village'), _negated=True), ('kind', '')), _connector='OR'), name='region_kind_only_for_villages'), models.CheckConstraint(condition=models.Q(('poor_exited_year__isnull', True), ('poor_identified_year__isnull', True), ('poor_exited_year__gte', models.F('poor_identified_year')), _connector='OR'), name='region_exit_not_before_identification'), models.CheckConstraint(condition=models.Q(('poor_county_type', ''), ('level', 'county'), _connector='OR'), name='region_poor_county_type_only_for_counties'), models.CheckConstraint(condition=models.Q(models.Q(('is_deeply_poor_village', False), ('is_poor_village', False)), ('level', 'village'), _connector='OR'), name='region_poor_village_only_for_villages')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalRegion',
            fields=[
                ('code', models.CharField(db_index=True, max_length=12, verbose_name='区划代码')),
                ('name', models.CharField(max_length=64, verbose_name='名称')),
                ('level', models.CharField(choices=[('city', '市'), ('county', '县（区）'), ('township', '乡镇/街道'), ('village', '村（社区）')], max_length=16, verbose_name='层级')),
                ('kind', models.CharField(blank=True, choices=[('village', '村委会'), ('community', '居委会')], max_length=16, verbose_name='村级类型')),
                ('poor_county_type', models.CharField(blank=True, choices=[('', '非贫困县'), ('national', '国定贫困县'), ('provincial', '省定贫困县')], default='', max_length=16, verbose_name='贫困县类型')),
                ('is_poor_village', models.BooleanField(default=False, verbose_name='贫困村')),
                ('is_deeply_poor_village', models.BooleanField(default=False, verbose_name='深度贫困村')),
                ('poor_identified_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='贫困识别年度')),
                ('poor_exited_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='贫困退出年度')),
                ('registered_population', models.PositiveIntegerField(blank=True, null=True, verbose_name='户籍人口')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('parent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regions.region', verbose_name='上级区划')),
            ],
            options={
                'verbose_name': 'historical 行政区划',
                'verbose_name_plural': 'historical 行政区划',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
