from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.registry.enums import HouseholdAttribute, PovertyCause, PovertyStatus


def _with_all(choices):
    return [("", _("全部")), *choices]


class HouseholdFilter(forms.Form):
    q = forms.CharField(label=_("户编号、姓名或证件号码"), required=False, max_length=40)
    region = forms.CharField(label=_("区划代码前缀"), required=False, max_length=12)
    status = forms.ChoiceField(
        label=_("脱贫状态"), required=False, choices=_with_all(PovertyStatus.choices)
    )
    attribute = forms.ChoiceField(
        label=_("贫困户属性"), required=False, choices=_with_all(HouseholdAttribute.choices)
    )
    main_cause = forms.ChoiceField(
        label=_("主要致贫原因"), required=False, choices=_with_all(PovertyCause.choices)
    )
    identified_year = forms.IntegerField(
        label=_("识别年度"), required=False, min_value=2000, max_value=2100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean_region(self):
        region = self.cleaned_data["region"].strip()
        if region and not region.isdigit():
            raise forms.ValidationError(_("区划代码只能是数字。"))
        return region
