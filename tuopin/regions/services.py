"""Writes of the regions app."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tuopin.regions.enums import LEVEL_DEPTH, RegionLevel
from tuopin.regions.loader import (
    DEFAULT_FILE,
    check_tree,
    read_division_file,
    read_poor_counties,
)
from tuopin.regions.models import Region

TRACKED_FIELDS = ("name", "level", "kind", "parent_id")


@dataclass
class LoadReport:
    created: int = 0
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)
    not_in_file: int = 0

    @property
    def updated(self) -> int:
        return len({change["code"] for change in self.changes})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_in_file": self.not_in_file,
            "changes": self.changes,
        }


def regions_load(*, path: Path | str | None = None, acting_user=None) -> LoadReport:
    """Load a division file: create new divisions, update changed ones, leave the rest.

    Divisions missing from the file are kept (households and users refer to them)
    and only counted. Nothing is written unless the whole file is valid.
    """
    rows = read_division_file(path or DEFAULT_FILE)
    existing = {region.code: region for region in Region.objects.all()}
    check_tree(rows, {code: region.level for code, region in existing.items()})
    poor_counties = read_poor_counties()
    report = LoadReport()
    to_create: list[Region] = []
    to_update: list[Region] = []
    for row in sorted(rows, key=lambda row: (LEVEL_DEPTH[RegionLevel(row.level)], row.code)):
        wanted = {
            "name": row.name,
            "level": row.level,
            "kind": row.kind,
            "parent_id": row.parent_code if row.level != RegionLevel.CITY else None,
        }
        region = existing.get(row.code)
        if region is None:
            region = Region(code=row.code, **wanted)
            seed = poor_counties.get(row.code)
            if seed and row.level == RegionLevel.COUNTY:
                region.poor_county_type = seed["poor_county_type"]
                region.poor_identified_year = int(seed["identified_year"])
                region.poor_exited_year = int(seed["exited_year"])
            to_create.append(region)
            continue
        changed = [name for name in TRACKED_FIELDS if getattr(region, name) != wanted[name]]
        if not changed:
            report.unchanged += 1
            continue
        for name in changed:
            report.changes.append(
                {
                    "code": row.code,
                    "field": name.removesuffix("_id"),
                    "old": getattr(region, name),
                    "new": wanted[name],
                }
            )
            setattr(region, name, wanted[name])
        to_update.append(region)
    reason = f"regions load {Path(path).name if path else DEFAULT_FILE.name}"
    with transaction.atomic():
        # Parents come first in `to_create`, so foreign keys hold row by row.
        bulk_create_with_history(
            to_create,
            Region,
            batch_size=1000,
            default_user=acting_user,
            default_change_reason=reason,
        )
        if to_update:
            bulk_update_with_history(
                to_update,
                Region,
                list(TRACKED_FIELDS),
                batch_size=1000,
                default_user=acting_user,
                default_change_reason=reason,
            )
    report.created = len(to_create)
    report.not_in_file = len(set(existing) - {row.code for row in rows})
    return report


def region_update_attributes(*, acting_user, region: Region, **attributes) -> Region:
    """Change a region's poverty attributes (poor village, years, population).

    No scope check here (regions sit below accounts): users go through
    `accounts.services.region_attributes_change`.
    """
    allowed = {
        "is_poor_village",
        "is_deeply_poor_village",
        "poor_identified_year",
        "poor_exited_year",
        "registered_population",
        "poor_county_type",
    }
    unknown = set(attributes) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in attributes.items():
        setattr(region, name, value)
    region._history_user = acting_user
    with transaction.atomic():
        region.full_clean()
        region.save()
    return region
