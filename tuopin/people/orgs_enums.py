"""Choices of the weak branches, enterprises and workshops part (orgs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PairingForm(models.TextChoices):
    CO_BUILDING = "1", _("村企共建")
    INDUSTRY = "2", _("产业帮扶")
    EMPLOYMENT = "3", _("就业帮扶")
    DONATION = "4", _("公益捐赠")


class WorkshopType(models.TextChoices):
    FACTORY = "1", _("厂房")
    HOME = "2", _("居家")
    FARMING = "3", _("种养")
    OTHER = "9", _("其他")


class BeneficiaryKind(models.TextChoices):
    BENEFITS = "1", _("受益")
    EMPLOYED = "2", _("就业")
