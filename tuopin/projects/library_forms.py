"""Forms of the project library's pages: the application, a step, progress, beneficiary."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.projects.enums import ProjectCategory, ProjectNature, SourceLevel


class ApplicationForm(forms.Form):
    region = forms.ChoiceField(label=_("申报村"))
    year = forms.IntegerField(label=_("申报年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    category = forms.ChoiceField(label=_("项目类别"), choices=ProjectCategory.choices)
    nature = forms.ChoiceField(label=_("建设性质"), choices=ProjectNature.choices)
    villages = forms.MultipleChoiceField(
        label=_("实施地点（行政村）"), required=False, widget=forms.SelectMultiple
    )
    location = forms.CharField(label=_("实施地点说明"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("计划开工日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("计划完工日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    unit = forms.CharField(label=_("实施单位"), max_length=100)
    person = forms.CharField(label=_("责任人"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    tasks = forms.CharField(label=_("建设任务"), widget=forms.Textarea(attrs={"rows": 3}))
    subsidy_standard = forms.CharField(label=_("补助标准"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("项目总投资（元）"), min_value=0, decimal_places=2)
    targets = forms.CharField(
        label=_("绩效目标（入库必填）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    mechanism = forms.CharField(
        label=_("带贫减贫机制（入库必填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    participation = forms.CharField(
        label=_("群众参与机制"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    households_planned = forms.IntegerField(
        label=_("计划带动贫困户数"), min_value=0, required=False
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.code, v.name) for v in villages]
        self.fields["region"].choices = choices
        self.fields["villages"].choices = choices
        # 资金来源: one amount per source level (元; blank: none from that level).
        for level, label in SourceLevel.choices:
            self.fields[f"funding_{level}"] = forms.DecimalField(
                label=_("%(level)s资金（元）") % {"level": label},
                min_value=0,
                decimal_places=2,
                required=False,
            )

    def fundings(self) -> list[tuple[str, str, object]]:
        return [
            (level, "special", self.cleaned_data[f"funding_{level}"])
            for level in SourceLevel.values
            if self.cleaned_data.get(f"funding_{level}")
        ]


class StepForm(forms.Form):
    acted_on = forms.DateField(
        label=_("办理日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.CharField(label=_("文号或会议纪要"), max_length=100, required=False)
    note = forms.CharField(
        label=_("意见或原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    plan_year = forms.IntegerField(label=_("计划年度"), required=False)


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("形象进度（%）"), min_value=0, max_value=100)
    reported_on = forms.DateField(
        label=_("报告日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BeneficiaryForm(forms.Form):
    household = forms.CharField(label=_("户编号或家庭成员身份证号"), max_length=32)
    how = forms.CharField(label=_("受益方式"), max_length=100, required=False)
