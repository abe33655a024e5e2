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


class ImportForm(forms.Form):
    file = forms.FileField(label=_("表格文件（.xlsx 或 .csv）"))
    region = forms.ChoiceField(label=_("导入范围"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入全部行都正确的户"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        self.fields["file"].widget.attrs["class"] = "form-control"
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.fields["region"].widget.attrs["class"] = "form-select"
        for name in ("dry_run", "partial"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件。"))
        return upload
