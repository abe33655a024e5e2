from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWNSHIP = "township", _("乡镇/街道")
    VILLAGE = "village", _("村（社区）")


class RegionKind(models.TextChoices):
    """Village-level units: 村委会 (rural village) or 居委会 (urban community)."""

    VILLAGE = "village", _("村委会")
    COMMUNITY = "community", _("居委会")


class PoorCountyType(models.TextChoices):
    NONE = "", _("非贫困县")
    NATIONAL = "national", _("国定贫困县")
    PROVINCIAL = "provincial", _("省定贫困县")


LEVEL_PARENT = {
    RegionLevel.CITY: None,
    RegionLevel.COUNTY: RegionLevel.CITY,
    RegionLevel.TOWNSHIP: RegionLevel.COUNTY,
    RegionLevel.VILLAGE: RegionLevel.TOWNSHIP,
}
LEVEL_DEPTH = {
    RegionLevel.CITY: 0,
    RegionLevel.COUNTY: 1,
    RegionLevel.TOWNSHIP: 2,
    RegionLevel.VILLAGE: 3,
}
