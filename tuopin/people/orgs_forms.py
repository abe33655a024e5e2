"""Forms of the weak branches, enterprises and workshops pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.core.years import DEFAULT_YEAR, YEARS
from tuopin.people.orgs_enums import WorkshopType


class DateInput(forms.DateInput):
    input_type = "date"


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class BranchListForm(_Form):
    village = forms.CharField(
        label=_("行政村代码"),
        max_length=12,
        min_length=12,
        error_messages={"min_length": _("行政村代码应为 12 位数字。")},
    )
    year = forms.TypedChoiceField(
        label=_("年度"), coerce=int, choices=[(y, y) for y in YEARS], initial=DEFAULT_YEAR
    )
    reasons = forms.CharField(label=_("软弱涣散情形"), widget=forms.Textarea(attrs={"rows": 3}))
    listed_on = forms.DateField(label=_("列入日期"), required=False, widget=DateInput)


class BranchPlanForm(_Form):
    measures = forms.CharField(label=_("整顿措施"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("整顿时限"), required=False, widget=DateInput)
    leader = forms.TypedChoiceField(
        label=_("联系领导"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", _("未指定"))] + [
            (h.pk, f"{h.name}（{h.work_unit or h.post or '—'}）") for h in leaders
        ]


class BranchNoteForm(_Form):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    text = forms.CharField(label=_("整顿进展"), widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(_Form):
    date = forms.DateField(label=_("销号日期"), widget=DateInput)


class WorkshopFilter(_Form):
    q = forms.CharField(label=_("车间名称"), required=False, max_length=40)
    type = forms.ChoiceField(
        label=_("车间类型"), required=False, choices=[("", _("全部")), *WorkshopType.choices]
    )


class EnterpriseFilter(_Form):
    q = forms.CharField(label=_("企业名称或信用代码"), required=False, max_length=40)
    leading = forms.ChoiceField(
        label=_("带贫龙头企业"),
        required=False,
        choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))],
    )


class OrgsImportForm(_Form):
    what = forms.ChoiceField(
        label=_("表格"),
        choices=[("enterprises", _("帮扶企业与村企结对")), ("workshops", _("扶贫车间与务工人员"))],
    )
    file = forms.FileField(label=_("文件（xlsx、xls 或 csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)
