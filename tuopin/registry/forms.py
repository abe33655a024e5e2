from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.forms import bootstrap, region_prefix_field
from tuopin.core.uploads import SpreadsheetUploadForm
from tuopin.registry.enums import HouseholdAttribute, MemberEventKind, PovertyCause, PovertyStatus
from tuopin.registry.models import Member
from tuopin.registry.personal import MASKS


def _with_all(choices):
    return [("", _("全部")), *choices]


class HouseholdFilter(forms.Form):
    q = forms.CharField(label=_("户编号、姓名或证件号码"), required=False, max_length=40)
    region = region_prefix_field()
    status = forms.ChoiceField(
        label=_("脱贫状态"),
        required=False,
        choices=_with_all(
            [
                *PovertyStatus.choices,
                ("exited", _("已脱贫（两种合计）")),
                ("poor", _("未脱贫、返贫、预脱贫合计")),
            ]
        ),
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
    exit_year = forms.IntegerField(
        label=_("脱贫年度"), required=False, min_value=2000, max_value=2100
    )
    planned_exit_year = forms.IntegerField(
        label=_("计划脱贫年度"), required=False, min_value=2000, max_value=2100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ImportForm(SpreadsheetUploadForm):
    file = forms.FileField(label=_("表格文件（.xlsx、.xls 或 .csv）"))
    region = forms.ChoiceField(label=_("导入范围"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入全部行都正确的户"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        bootstrap(self)


# Status and its years change only through the exit/return procedures (cases), not here.
HOUSEHOLD_EDITABLE = [
    "identification_standard",
    "attribute",
    "main_cause",
    "phone",
    "bank_name",
    "bank_account",
    "is_military_family",
    "is_only_child_family",
    "is_two_daughters_family",
    "is_relocated",
    "relocation_mode",
    "relocation_place",
    "relocation_year",
    "relocation_moved_in",
    "farmland_mu",
    "irrigated_mu",
    "forest_mu",
    "returned_forest_mu",
    "orchard_mu",
    "pasture_mu",
    "water_surface_mu",
    "in_cooperative",
    "has_production_power",
    "has_household_power",
    "has_radio_tv",
    "road_distance_km",
    "road_type",
    "housing_area_m2",
    "housing_grade",
    "owns_house",
    "water_safe",
    "water_difficult",
    "main_fuel",
    "has_sanitary_toilet",
    "food_secure",
    "clothing_secure",
]


class MaskedPersonalFields:
    """An edit form never carries a full ID number, bank account or phone: the stored
    value is shown masked, and a field left as shown keeps the stored value. To correct
    a number, the editor reveals it on the household page (logged) and types it anew."""

    def _mask_personal_fields(self) -> None:
        self._shown_masked = {}
        for name, mask in MASKS.items():
            stored = getattr(self.instance, name, "") if name in self.fields else ""
            if stored:
                self.initial[name] = self._shown_masked[name] = mask(stored)
                self.fields[name].help_text = _("已隐藏；不修改请保持原样，修改请输入完整号码")

    def clean(self):
        cleaned = super().clean()
        for name, shown in self._shown_masked.items():
            if cleaned.get(name) == shown:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class HouseholdEditForm(MaskedPersonalFields, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        from tuopin.registry.models import Household

        model = Household
        fields = HOUSEHOLD_EDITABLE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mask_personal_fields()
        bootstrap(self, small=True)


MEMBER_EDITABLE = [
    f.name
    for f in Member._meta.concrete_fields
    if f.name not in ("id", "household", "status", "version")
]  # the status changes by events only
ARRIVALS = (MemberEventKind.BIRTH, MemberEventKind.MARRIAGE_IN, MemberEventKind.MOVE_IN)


class MemberEditForm(MaskedPersonalFields, forms.ModelForm):
    """One member's facts; `version` refuses a stale edit (someone saved meanwhile)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Member
        fields = MEMBER_EDITABLE
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._mask_personal_fields()
        bootstrap(self, small=True)

    def _get_validation_exclusions(self):
        # The ID number's constraint is left to the services: a registered number, in
        # any of its forms, is refused with a message naming the household holding it.
        return {*super()._get_validation_exclusions(), "id_number"}


class MemberAddForm(MemberEditForm):
    """A new member arrives by birth, marriage or moving in, on a date."""

    event = forms.ChoiceField(label=_("变动类型"))
    event_date = forms.DateField(
        label=_("变动日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.fields["event"].choices = [(k.value, k.label) for k in ARRIVALS]
        self.order_fields(["event", "event_date"])


class MemberEventForm(forms.Form):
    member = forms.ChoiceField(label=_("成员"))
    kind = forms.ChoiceField(label=_("变动类型"))
    date = forms.DateField(label=_("变动日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.name) for m in members]
        # A birth adds a member (新增成员); a return by marriage or moving in is an event.
        self.fields["kind"].choices = [
            (value, label) for value, label in MemberEventKind.choices if value != "birth"
        ]
        bootstrap(self, small=True)
