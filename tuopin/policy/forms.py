import json

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.core.uploads import SpreadsheetUploadForm
from tuopin.policy.models import Engine, Level, PolicyStatus, PolicyVersion

YES_NO_UNKNOWN = [("", _("未填报")), ("1", _("是")), ("0", _("否"))]


class RunForm(forms.Form):
    policy = forms.ModelChoiceField(
        label=_("退出标准"),
        queryset=PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED),
        empty_label=None,
    )
    level = forms.ChoiceField(label=_("对象"), choices=Level.choices)
    year = forms.IntegerField(label=_("评估年度"), min_value=2011, max_value=2030, initial=2018)
    as_of = forms.DateField(
        label=_("评估日期"),
        required=False,
        help_text=_("默认该年 12 月 31 日"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    region = forms.ChoiceField(label=_("范围"))
    engine = forms.ChoiceField(label=_("引擎"), choices=Engine.choices)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        bootstrap(self, small=True)


class JsonField(forms.CharField):
    widget = forms.Textarea

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("不是有效的 JSON：第 %(line)s 行 %(error)s"),
                params={"line": error.lineno, "error": error.msg},
            ) from error

    def prepare_value(self, value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value


class PolicyEditForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=100)
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)
    parameters = JsonField(label=_("参数（JSON）"), widget=forms.Textarea(attrs={"rows": 16}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ClauseForm(forms.Form):
    level = forms.ChoiceField(label=_("对象"), choices=Level.choices)
    code = forms.CharField(label=_("条款代码"), max_length=40)
    title = forms.CharField(label=_("条款"), max_length=100)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    expression = JsonField(label=_("规则（JSON）"), widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class VillageIndicatorForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2011, max_value=2030, initial=2018)
    road = forms.ChoiceField(label=_("通硬化路"), choices=YES_NO_UNKNOWN, required=False)
    bus = forms.ChoiceField(label=_("通客车"), choices=YES_NO_UNKNOWN, required=False)
    water = forms.ChoiceField(label=_("饮水安全"), choices=YES_NO_UNKNOWN, required=False)
    electricity = forms.ChoiceField(label=_("生产生活用电"), choices=YES_NO_UNKNOWN, required=False)
    radio_tv = forms.ChoiceField(label=_("广播电视户户通"), choices=YES_NO_UNKNOWN, required=False)
    culture_centre = forms.ChoiceField(
        label=_("综合性文化服务中心"), choices=YES_NO_UNKNOWN, required=False
    )
    clinic = forms.ChoiceField(label=_("标准化卫生室"), choices=YES_NO_UNKNOWN, required=False)
    doctor = forms.ChoiceField(label=_("合格村医"), choices=YES_NO_UNKNOWN, required=False)
    broadband = forms.ChoiceField(label=_("宽带网络"), choices=YES_NO_UNKNOWN, required=False)
    collective_income = forms.DecimalField(
        label=_("村集体经济收入（元）"), required=False, min_value=0, decimal_places=2
    )
    industry = forms.CharField(label=_("主导产业"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)

    def indicator_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("year")
        for name, value in data.items():
            if name not in ("collective_income", "industry"):
                data[name] = None if value == "" else value == "1"
        return data


class CountyIndicatorForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2011, max_value=2030, initial=2018)
    wrong_exit_rate = forms.DecimalField(
        label=_("错退率（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    missed_rate = forms.DecimalField(
        label=_("漏评率（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    approval = forms.DecimalField(
        label=_("群众认可度（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)


class IndicatorImportForm(SpreadsheetUploadForm):
    file = forms.FileField(label=_("指标表（xlsx 或 csv）"))
    year = forms.IntegerField(label=_("年度"), min_value=2011, max_value=2030, initial=2018)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
