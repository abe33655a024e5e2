"""Forms of cadres, pairings and visits (Chinese labels and field errors)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap
from tuopin.people.models import PairingEndReason
from tuopin.registry.enums import UnitLevel


class CadreForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=22, required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    unit_level = forms.ChoiceField(
        label=_("单位级别"), choices=[("", _("未填报")), *UnitLevel.choices], required=False
    )
    post = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class PairingForm(forms.Form):
    helper = forms.TypedChoiceField(label=_("帮扶责任人"), coerce=int)
    started_on = forms.DateField(
        label=_("结对日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].choices = [
            (h.pk, f"{h.name}（{h.work_unit or _('未填报')}）") for h in helpers
        ]
        bootstrap(self)


class PairingEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ended_reason = forms.ChoiceField(label=_("结束原因"), choices=PairingEndReason.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """0–N files (the view checks their content through the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("走访日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    title = forms.CharField(label=_("走访发现"), max_length=200)
    content = forms.CharField(
        label=_("走访内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreed = forms.CharField(
        label=_("商定事项"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    followed_up = forms.CharField(
        label=_("跟进措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.TypedMultipleChoiceField(
        label=_("跟进的帮扶措施"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultipleFileField(
        label=_("照片（jpg 或 png 图片，每张不超过 5 兆）"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
        ),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = [
            (m.pk, f"{m.year} {m.get_category_display()} {m.content}") for m in measures
        ]
        for name, field in self.fields.items():
            if name not in ("measures", "token"):
                field.widget.attrs.setdefault("class", "form-control")


class HelpersImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("表格"),
        choices=[("helpers", _("帮扶责任人结对表")), ("visits", _("入户走访记录表"))],
    )
    file = forms.FileField(label=_("文件（xlsx、xls 或 csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入没有错误的行"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
