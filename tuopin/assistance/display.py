"""A ledger row's values as pages, downloads and the API show them.

Codes become their labels, unknown (NULL) is 「未填报」 (never 0 or 否), and personal
numbers are masked: the ID number, a disability certificate, a bank or card account.
"""

import re
from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from tuopin.assistance.enums import AidItem, DisabilitySubsidy, PaymentKind, PvDistributionMode
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account

# A payment's `item` is a code of the list its kind uses.
ITEM_CHOICES = {
    PaymentKind.STUDENT_AID: dict(AidItem.choices),
    PaymentKind.PV_INCOME: dict(PvDistributionMode.choices),
    PaymentKind.DISABILITY_SUBSIDY: dict(DisabilitySubsidy.choices),
}
MASKED = {
    "id_number": mask_id_number,
    "certificate_number": mask_id_number,
    "account": mask_bank_account,
}


PERIOD = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<month>\d{2})|S(?P<term>[12]))?$")


def period_label(period: str) -> str:
    """A payment's period as people say it: 2018S1 is the spring term of 2018."""
    found = PERIOD.match(period or "")
    if not found:
        return period or "—"
    year = found["year"]
    if found["quarter"]:
        return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": found["quarter"]}
    if found["month"]:
        return _("%(year)s年%(month)s月") % {"year": year, "month": int(found["month"])}
    if found["term"]:
        if found["term"] == "1":
            return _("%(year)s年春季学期") % {"year": year}
        return _("%(year)s年秋季学期") % {"year": year}
    return _("%(year)s年") % {"year": year}


def raw_value(entry, name: str):
    """The value of field `name` (or a dotted path through the row's parent)."""
    value = entry
    for part in name.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def shown(entry, field: models.Field):
    """The text of one field of a row, for a person to read."""
    value = getattr(entry, field.name, None)
    if field.name in MASKED:
        return MASKED[field.name](value) if value else "—"
    if value is None:
        return _("未填报")
    if field.name == "period":
        return period_label(value)
    if field.name == "item" and hasattr(entry, "kind"):
        return str(ITEM_CHOICES.get(entry.kind, {}).get(value, value)) if value else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) if value != "" else "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if field.decimal_places == 2 else str(value.normalize())
    if isinstance(value, models.Model):
        return str(value)
    return str(value) if value != "" else "—"


def field_of(model, name: str) -> models.Field:
    return model._meta.get_field(name)


def cells(entry, names: list[str]) -> list[str]:
    model = type(entry)
    return [shown(entry, field_of(model, name)) for name in names]


def headers(model, names: list[str]) -> list[str]:
    return [str(field_of(model, name).verbose_name) for name in names]


def api_value(entry, field: models.Field):
    """A field's value for the API: codes as codes, amounts and dates as text, personal
    numbers masked, unknown as null."""
    value = getattr(entry, field.attname, None)
    if field.name in MASKED:
        return MASKED[field.name](value) if value else value
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value
