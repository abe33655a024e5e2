"""Form helpers every app's forms share."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from tuopin.core.regioncodes import filter_prefix


def bootstrap(form: forms.BaseForm, *, small: bool = False) -> None:
    """Give each widget its Bootstrap 5 class: check boxes, selects, or text inputs."""
    suffix = " form-select-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + suffix
        else:
            css = "form-control" + (" form-control-sm" if small else "")
        widget.attrs.setdefault("class", css)


class RegionPrefixField(forms.CharField):
    """Digits of a region filter, cleaned by `filter_prefix`."""

    def clean(self, value):
        return filter_prefix(super().clean(value))


def region_prefix_field() -> forms.CharField:
    """A filter by region code or its significant prefix (digits only)."""
    return RegionPrefixField(
        label=_("区划代码前缀"),
        required=False,
        max_length=12,
        validators=[RegexValidator(r"^\d*$", _("区划代码只能是数字。"))],
    )
