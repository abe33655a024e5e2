"""How a notice names a village: its place (朱寨村) and its committee (朱寨村委会), from the
official name of the village-level unit, which already ends in 村委会 or 居委会."""

from tuopin.regions.enums import RegionLevel

VILLAGE_SUFFIXES = ("村民委员会", "村委会")
COMMUNITY_SUFFIXES = ("社区居民委员会", "居民委员会", "居委会")


def place_name(region) -> str:
    """朱寨村委会 → 朱寨村: a village as a sentence names it, never 朱寨村委会村."""
    name = region.name
    if region.level != RegionLevel.VILLAGE:
        return name
    for suffix in VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + ("" if name[: -len(suffix)].endswith("村") else "村")
    for suffix in COMMUNITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith("社区") else base + "社区"
    return name


def committee_name(region) -> str:
    """The village's committee, the office that posts its notice: 朱寨村委会, 东关社区居委会."""
    place = place_name(region)
    if place.endswith("社区"):
        return place + "居委会"
    return place + "委会" if place.endswith("村") else place
