"""The form that posts a notice from the data (公告公示)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.years import DEFAULT_YEAR, YEARS
from tuopin.projects.disclosure_posting import POSTED_KINDS, subsidy_items
from tuopin.projects.enums import DisclosureKind


class DisclosurePostForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("公示类型"),
        choices=[(k, DisclosureKind(k).label) for k in POSTED_KINDS],
    )
    year = forms.TypedChoiceField(
        label=_("年度"), choices=[(y, y) for y in YEARS], coerce=int, initial=DEFAULT_YEAR
    )
    item = forms.ChoiceField(label=_("补助项目（补助发放名单）"), required=False)
    project = forms.TypedChoiceField(
        label=_("项目（项目完成情况公告）"), required=False, coerce=int, empty_value=None
    )
    starts_on = forms.DateField(
        label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("公示截止日期"),
        required=False,
        help_text=_("不填则按最短公示期计算"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    title = forms.CharField(
        label=_("标题"), max_length=200, required=False, help_text=_("不填则自动生成")
    )
    place = forms.CharField(
        label=_("公示地点"),
        max_length=200,
        required=False,
        help_text=_("不填则为本区划政务（村务）公开栏"),
    )
    contact = forms.CharField(
        label=_("监督电话"),
        max_length=60,
        required=False,
        help_text=_("不填则为县里设置的异议受理电话"),
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—"), *subsidy_items()]
        self.fields["project"].choices = [("", "—"), *[(p.pk, p.name) for p in projects]]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
