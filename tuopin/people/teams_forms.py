"""Forms of the work-team pages: errors in Chinese, labels from the code lists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.core.uploads import SpreadsheetUploadForm
from tuopin.people.enums import PostingRole
from tuopin.registry.enums import UnitLevel


class TeamForm(forms.Form):
    village = forms.ChoiceField(label=_("行政村"))
    sending_unit = forms.CharField(label=_("派出单位"), max_length=100)
    started_on = forms.DateField(
        label=_("进驻日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [
            (v.code, f"{v.parent.name if v.parent else ''} {v.name}") for v in villages
        ]
        bootstrap(self)


class PostingForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=22, required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    unit_level = forms.ChoiceField(
        label=_("单位级别"), choices=[("", "—")] + list(UnitLevel.choices), required=False
    )
    post = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("队内职务"), choices=PostingRole.choices)
    started_on = forms.DateField(
        label=_("进驻日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=_("期满日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("期满日期早于进驻日期。"))
        return data


class RosterImportForm(SpreadsheetUploadForm):
    file = forms.FileField(label=_("表格文件（.xlsx、.xls 或 .csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
