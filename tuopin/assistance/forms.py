"""Forms of the ledger pages: the list filter, a typed row, a review."""

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from tuopin.assistance.enums import ReviewStatus
from tuopin.assistance.kinds import LedgerKind
from tuopin.assistance.selectors import ledger_model
from tuopin.assistance.services import editable_field_names
from tuopin.core.forms import bootstrap, region_prefix_field


class LedgerFilter(forms.Form):
    q = forms.CharField(label=_("姓名、身份证号或户编号"), required=False, max_length=40)
    region = region_prefix_field()
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    in_registry = forms.ChoiceField(
        label=_("建档立卡"),
        required=False,
        choices=[("", _("全部")), ("yes", _("在建档立卡库中")), ("no", _("不在建档立卡库中"))],
    )
    review_status = forms.ChoiceField(
        label=_("审核状态"),
        required=False,
        choices=[("", _("全部")), *ReviewStatus.choices, ("none", _("未审核（导入）"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "region_prefix": data["region"],
            "year": data["year"],
            "in_registry": {"yes": True, "no": False}.get(data["in_registry"]),
            "review_status": data["review_status"],
        }


class DateInput(forms.DateInput):
    input_type = "date"


class FactSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("未填报")), ("true", _("是")), ("false", _("否"))]


def entry_form_class(kind: LedgerKind, *, editing: bool = False) -> type[forms.ModelForm]:
    """A form of the ledger's own fields and the person it names; `region` is asked for
    a person outside the registry (the row is filed under it). An edit keeps the person's
    ID number (shown masked on the entry's page): another person is another row."""
    model = ledger_model(kind)
    names = editable_field_names(kind)
    if editing:
        names = [name for name in names if name != "id_number"]
    base = modelform_factory(
        model,
        fields=names,
        formfield_callback=_formfield,
    )

    class EntryForm(base):
        region = forms.CharField(
            label=_("所属区划代码（不在建档立卡库中的人员填写）"),
            required=False,
            max_length=12,
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bootstrap(self)

    return EntryForm


def _formfield(field, **kwargs):
    if field.get_internal_type() == "DateField":
        kwargs["widget"] = DateInput(format="%Y-%m-%d")
    if field.get_internal_type() == "BooleanField" and field.null:
        # Unknown stays unknown: 未填报 / 是 / 否, never a box left unticked meaning 否.
        return forms.NullBooleanField(
            label=field.verbose_name,
            required=False,
            widget=FactSelect(),
        )
    return field.formfield(**kwargs)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"), choices=[("approve", _("审核通过")), ("return", _("退回"))]
    )
    reason = forms.CharField(label=_("退回原因"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


def child_form_class(model, fields: list[str]) -> type[forms.ModelForm]:
    """The form of a row under a ledger row (a repayment, a check, a service)."""
    base = modelform_factory(model, fields=fields, formfield_callback=_formfield)

    class ChildForm(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bootstrap(self, small=True)

    return ChildForm
