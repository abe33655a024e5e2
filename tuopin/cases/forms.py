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
    region = region_prefix_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("业务类型"), choices=CaseKind.choices)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)

    def clean_members(self):
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
