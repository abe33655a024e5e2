from django.db import models


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


class RegionKind(models.TextChoices):
    """Village-level units: 村委会 (rural village) or 居委会 (urban community)."""

    VILLAGE = "village", "村委会"
    COMMUNITY = "community", "居委会"


class PoorCountyType(models.TextChoices):
    NONE = "", "非贫困县"
    NATIONAL = "national", "国定贫困县"
    PROVINCIAL = "provincial", "省定贫困县"


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
