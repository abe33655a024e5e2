from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.cases.enums import CaseKind, CaseStatus
from tuopin.core.forms import bootstrap, region_prefix_field
from tuopin.registry.enums import MemberEventKind, Relation, Sex


def _with_all(choices):
    return [("", _("全部")), *choices]


class CaseFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("业务类型"), required=False, choices=_with_all(CaseKind.choices)
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=_with_all(CaseStatus.choices)
    )
    step = forms.ChoiceField(label=_("当前步骤"), required=False)
    region = region_prefix_field()

    def __init__(self, *args, steps: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = _with_all(steps)
        bootstrap(self, small=True)


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# The fields each kind of case asks for, beside year, reason and date (ProposeForm).
KIND_FIELDS = {
    CaseKind.EXIT: ("household",),
    CaseKind.RETURN: ("household",),
    CaseKind.MONITORING: ("household",),
    CaseKind.MEMBER_CHANGE: ("household", "member", "event", "date"),
    CaseKind.IDENTIFICATION: ("region", "number", "members"),
    CaseKind.VILLAGE_EXIT: ("region",),
    CaseKind.COUNTY_EXIT: ("region",),
}
COMMON_FIELDS = ("kind", "year", "reason", "occurred_on")


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("业务类型"), choices=CaseKind.choices, widget=forms.HiddenInput
    )
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2030, initial=2018)
    household = forms.IntegerField(
        label=_("贫困户（编号 ID）"), required=False, widget=forms.HiddenInput
    )
    region = forms.CharField(
        label=_("区划代码（村、县退出；识别申请的村）"), required=False, max_length=12
    )
    reason = forms.CharField(label=_("事由"), max_length=300, required=False)
    member = forms.IntegerField(label=_("变更的成员"), required=False, widget=forms.HiddenInput)
    event = forms.ChoiceField(
        label=_("变更类型"), required=False, choices=[("", "—"), *MemberEventKind.choices]
    )
    date = forms.DateField(
        label=_("变更日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.CharField(label=_("户编号（识别申请）"), required=False, max_length=32)
    members = forms.CharField(
        label=_("家庭成员（识别申请，每行：姓名,证件号码,与户主关系,性别）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    occurred_on = _date(
        _("实际发起日期（补录）"), _("在纸面上已办理、事后录入时填写；留空为今天。")
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        """Only the fields of `kind` (KIND_FIELDS) stay on the form."""
        super().__init__(*args, **kwargs)
        wanted = set(COMMON_FIELDS) | set(KIND_FIELDS.get(kind, ()))
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if kind in (CaseKind.VILLAGE_EXIT, CaseKind.COUNTY_EXIT) and "region" in self.fields:
            self.fields["region"].label = _("区划代码（退出的村或县）")
            self.fields["region"].required = True
        elif kind == CaseKind.IDENTIFICATION:
            self.fields["region"].label = _("区划代码（申请户所在的村）")
            self.fields["region"].required = True
        bootstrap(self, small=True)

    def _members(self):
        relations = {str(label): value for value, label in Relation.choices}
        sexes = {str(label): value for value, label in Sex.choices}
        people = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("，", ",").split(",")]
            if len(parts) != 4 or parts[2] not in relations or parts[3] not in sexes:
                raise forms.ValidationError(
                    _(
                        "第 %(n)s 行应为：姓名,证件号码,与户主关系,性别（如 王建国,41142119680501xxxx,户主,男）"
                    ),
                    params={"n": number},
                )
            people.append(
                {
                    "name": parts[0],
                    "id_number": parts[1],
                    "relation": relations[parts[2]],
                    "sex": sexes[parts[3]],
                }
            )
        return people

    def clean_members(self):
        return self._members() if "members" in self.fields else []

    def payload(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == CaseKind.MEMBER_CHANGE:
            return {
                "member": data["member"],
                "event": data["event"],
                "date": data["date"].isoformat() if data["date"] else "",
            }
        if data["kind"] == CaseKind.IDENTIFICATION:
            return {"number": data["number"], "members": data["members"]}
        return {}


class ActForm(forms.Form):
    """What comes with an action on a case page (the action itself is the button)."""

    comment = forms.CharField(max_length=500, required=False)
    override_reason = forms.CharField(max_length=300, required=False)
    occurred_on = _date(_("实际办理日期（补录）"))
    notice_starts = _date(_("公示实际张贴日期"))
    notice_ends = _date(_("公示实际截止日期"))
