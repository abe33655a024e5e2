from functools import cache

from django import template
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from tuopin.registry.idnumbers import mask_id_number

register = template.Library()


@register.filter
def masked(number: str) -> str:
    return mask_id_number(number or "")


@register.filter
def fact(value) -> str:
    """A yes/no fact that may be unknown."""
    if value is None:
        return _("未填")
    return _("是") if value else _("否")


@register.filter
def amount(value) -> str:
    """A money amount that may be unknown: blank (NULL) is 未填报, never 0."""
    if value is None:
        return _("未填报")
    return str(value)


@register.filter
def health(member) -> str:
    flags = [
        (member.is_chronically_ill, _("长期慢性病")),
        (member.is_seriously_ill, _("患有大病")),
        (member.is_disabled, _("残疾")),
    ]
    if all(flag is None for flag, _label in flags):
        return _("未填")
    named = [label for flag, label in flags if flag]
    return "、".join(named) if named else pgettext("health status", "健康")


@cache
def _labels(model, field: str, language: str) -> dict:
    return {value: str(text) for value, text in model._meta.get_field(field).flatchoices}


@register.filter
def label(instance, field: str) -> str:
    """The label of a field with choices, like get_FOO_display but resolved once per
    language: get_FOO_display rebuilds the choices per call, a fifth of a list page."""
    value = getattr(instance, field)
    return _labels(type(instance), field, get_language() or "").get(value, value)
