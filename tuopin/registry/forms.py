import tempfile
from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from tuopin.core.errors import TuopinError
from tuopin.core.forms import bootstrap, region_prefix_field
from tuopin.core.uploads import check_file, csv_encoding, limits, refuse_size
from tuopin.registry.enums import HouseholdAttribute, MemberEventKind, PovertyCause, PovertyStatus
from tuopin.registry.models import Member
from tuopin.registry.personal import MASKS


def _with_all(choices):
    return [("", _("全部")), *choices]


class HouseholdFilter(forms.Form):
    q = forms.CharField(label=_("户编号、姓名或证件号码"), required=False, max_length=40)
    region = region_prefix_field()
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
        bootstrap(self)


UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("表格文件（.xlsx、.xls 或 .csv）"))
    region = forms.ChoiceField(label=_("导入范围"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)
    partial = forms.BooleanField(label=_("只写入全部行都正确的户"), required=False)

    def __init__(self, *args, regions=(), upload_refused: TuopinError | None = None, **kwargs):
        """`upload_refused`: why the upload handler dropped the file while receiving it
        (tuopin.core.uploads.BoundedUploadHandler), to be said instead of "required"."""
        super().__init__(*args, **kwargs)
        self.upload_refused = upload_refused
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        self.fields["file"].widget.attrs["accept"] = ",".join(UPLOAD_SUFFIXES)
        bootstrap(self)

    def clean_file(self):
        """The file's type, size and structure (zip directory, declared counts) are
        checked here, before it is saved or a job queued; what only reading the rows can
        tell (long cells, too many rows) fails the job, which writes nothing."""
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .csv 文件。"))
        most = limits().upload_bytes
        if upload.size > most:
            error = refuse_size(
                "file_too_large",
                "文件大小",
                "the file",
                upload.size,
                most,
                "TUOPIN_UPLOAD_MAX_BYTES",
            )
            raise forms.ValidationError(error.message, code=error.code)
        try:
            if hasattr(upload, "temporary_file_path"):
                _check_upload(Path(upload.temporary_file_path()), upload.name)
            else:  # under FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): held in memory
                with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                    handle.flush()
                    _check_upload(Path(handle.name), upload.name)
                upload.seek(0)
        except TuopinError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return upload

    def clean(self):
        if self.upload_refused is not None:
            self.errors.pop("file", None)  # "required": the file was dropped for its size
            self.add_error("file", self.upload_refused.message)
        return super().clean()


def _check_upload(path: Path, name: str) -> None:
    check_file(path, name)
    if name.lower().endswith(".csv"):
        csv_encoding(path)  # one pass, a chunk at a time: says "BOM but GBK" on the form


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
