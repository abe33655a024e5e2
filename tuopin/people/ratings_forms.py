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


class SchemeForm(forms.Form):
    year_from = forms.IntegerField(label=_("起始年度"), min_value=2014, max_value=2100)
    name = forms.CharField(label=_("方案名称"), max_length=100)
    stars = forms.CharField(
        label=_("星级（每行一颗：中文名|英文名|评定内容）"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)

    def clean_stars(self) -> list[tuple]:
        stars = []
        for number, line in enumerate(self.cleaned_data["stars"].splitlines(), start=1):
            parts = [part.strip() for part in line.replace("｜", "|").split("|")]
            if not parts[0]:
                continue
            if len(parts[0]) > 30:
                raise forms.ValidationError(_("第 %(n)s 行：星级名称过长") % {"n": number})
            english = parts[1] if len(parts) > 1 and parts[1] else f"Star {len(stars) + 1}"
            about = parts[2] if len(parts) > 2 else ""
            stars.append((f"s{len(stars) + 1}", parts[0], english[:60], about[:300]))
        if not stars:
            raise forms.ValidationError(_("方案至少要有一颗星"))
        return stars
