from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.accounts.roles import Department, Role
from tuopin.core.forms import bootstrap
from tuopin.core.regioncodes import expand_code
from tuopin.regions.models import Region


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class AssignmentForm(BootstrapForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.CharField(
        label=_("区划代码"),
        max_length=12,
        help_text=_("12 位代码或其前 4/6/9 位，例如 411421 = 民权县"),
    )
    organisation = forms.CharField(label=_("单位"), max_length=128, required=False)
    department = forms.ChoiceField(
        label=_("行业部门"),
        choices=[("", "—"), *Department.choices],
        required=False,
        help_text=_("仅“行业部门”角色：其维护和查看的行业台账"),
    )

    def clean_region(self) -> Region:
        text = self.cleaned_data["region"]
        code = expand_code(text)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise forms.ValidationError(_("区划代码不存在。"))
        return region


class UserCreateForm(AssignmentForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=8)

    field_order = [
        "username",
        "full_name",
        "password",
        "role",
        "region",
        "department",
        "organisation",
    ]
