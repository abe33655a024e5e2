"""Finding a row's village: by its 12-digit code, or by county + township + village names.

Files usually drop the official suffixes (朱寨村 for 朱寨村委会, 人和 for 人和镇), and 346
village names repeat within a Shangqiu county, so the township is always part of the key.
"""

import re

from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.interchange.values import key

VILLAGE_SUFFIX = re.compile(
    r"(社区居民委员会|社区居委会|村民委员会|居民委员会|村委会|居委会|社区|村)$"
)
TOWNSHIP_SUFFIX = re.compile(r"(街道办事处|街道办|街道|镇|乡)$")
COUNTY_SUFFIX = re.compile(r"(自治县|县|市|区)$")


def stem(name: str, suffix: re.Pattern) -> str:
    """The name without its official suffixes, stripped until none is left, on both the
    file's and the registry's side: 东村村委会 and a file's 东村 both come to 东."""
    word = key(name)
    while (stripped := suffix.sub("", word)) != word and stripped:
        word = stripped
    return word


class VillageResolver:
    """One query loads every village-level unit under the prefix; look-ups are dict hits."""

    def __init__(self, prefix: str = ""):
        regions = list(
            Region.objects.filter(code__startswith=prefix).values_list(
                "code", "name", "level", "parent_id"
            )
        )
        names = {code: name for code, name, _, _ in regions}
        self.villages = {code for code, _, level, _ in regions if level == RegionLevel.VILLAGE}
        self.by_names: dict[tuple[str, str, str], list[str]] = {}
        self.in_any_county: dict[tuple[str, str], list[str]] = {}  # a file without counties
        self.counties: dict[str, list[str]] = {}
        # The county of a township's or village's import lies above the prefix, and its
        # files name it all the same.
        for code, name in Region.objects.filter(
            level=RegionLevel.COUNTY, code__startswith=prefix[:6]
        ).values_list("code", "name"):
            self.counties.setdefault(stem(name, COUNTY_SUFFIX), []).append(code)
        for code, name, level, parent in regions:
            if level != RegionLevel.VILLAGE:
                continue
            township = names.get(parent, "")
            entry = (code[:6], stem(township, TOWNSHIP_SUFFIX), stem(name, VILLAGE_SUFFIX))
            self.by_names.setdefault(entry, []).append(code)
            self.in_any_county.setdefault(entry[1:], []).append(code)

    def resolve(
        self, *, code: str, county: str, township: str, village: str
    ) -> tuple[str | None, str | None, str | None]:
        """(village code, error zh, error en)."""
        if code:
            if code in self.villages:
                return code, None, None
            return (
                None,
                f"行政区划代码 {code} 不是本系统中的行政村（社区）",
                (f"{code} is not a known village code"),
            )
        if not (township and village):
            return (
                None,
                "缺少行政区划代码，且乡镇、村名称不全",
                ("no village code, and the township or village name is missing"),
            )
        names = (stem(township, TOWNSHIP_SUFFIX), stem(village, VILLAGE_SUFFIX))
        if not county:  # no county column: the township and village must say it alone
            found = self.in_any_county.get(names, [])
            if len({code[:6] for code in found}) > 1:
                return (
                    None,
                    f"多个县都有“{township}{village}”，请填写县（市、区）或行政区划代码",
                    f"'{village}' in '{township}' exists in several counties: give the county "
                    "or the village code",
                )
        else:
            counties = self.counties.get(stem(county, COUNTY_SUFFIX), [])
            if len(counties) != 1:
                return None, f"找不到县（市、区）“{county}”", f"unknown county '{county}'"
            found = self.by_names.get((counties[0][:6], *names), [])
        if not found:
            return (
                None,
                f"在{county}{township}下找不到村“{village}”",
                f"no village '{village}' in {township}" + (f", {county}" if county else ""),
            )
        if len(found) > 1:
            return (
                None,
                f"{township}下有多个名为“{village}”的村，请填写行政区划代码",
                (f"several villages named '{village}' in {township}: give the village code"),
            )
        return found[0], None, None
