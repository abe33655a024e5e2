"""The upload form of a department spreadsheet."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.core.uploads import SpreadsheetUploadForm


class LedgerImportForm(SpreadsheetUploadForm):
    file = forms.FileField(label=_("表格文件（.xlsx、.xls 或 .csv）"))
    region = forms.ChoiceField(label=_("导入范围"))
    year = forms.IntegerField(
        label=_("年度（表中未填年度的行属于此年度）"),
        required=False,
        min_value=2014,
        max_value=2100,
    )
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        bootstrap(self)
