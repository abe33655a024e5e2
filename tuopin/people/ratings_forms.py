"""Forms of the star-rating pages: a proposal (one yes/no/unknown choice per star of the
scheme in force), a review (confirm or return with a reason), a payment."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.core.uploads import SpreadsheetUploadForm

AWARDED_CHOICES = [("", _("未填报")), ("1", _("是")), ("0", _("否"))]
AWARDED = {"": None, "1": True, "0": False}


class ProposalForm(forms.Form):
    year = forms.IntegerField(label=_("评定年度"), min_value=2014, max_value=2100)
    rated_on = forms.DateField(label=_("评定日期"), required=False)

    def __init__(self, *args, stars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stars = list(stars)
        for star in self.stars:
            self.fields[f"star_{star.pk}"] = forms.ChoiceField(
                label=_(star.name_zh), choices=AWARDED_CHOICES, required=False
            )
        self.fields["rated_on"].widget = forms.DateInput(attrs={"type": "date"})
        bootstrap(self, small=True)

    def star_values(self) -> dict[str, bool | None]:
        return {
            star.code: AWARDED[self.cleaned_data.get(f"star_{star.pk}") or ""]
            for star in self.stars
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("奖补金额（元）"), max_digits=12, decimal_places=2, min_value=0.01
    )
    paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("奖补事由"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = datetime.date.today()
        bootstrap(self, small=True)


class RatingImportForm(SpreadsheetUploadForm):
    file = forms.FileField(label=_("表格文件（.xlsx、.xls 或 .csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
