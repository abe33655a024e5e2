"""Facts of villages and counties: grouped counts over the registry plus entered indicators.

A city has a few thousand villages and a handful of counties, so the facts are
gathered with one grouped query each and the clauses evaluated by the Python
evaluator (the same semantics as the SQL engines, proven by the parity tests).
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from tuopin.policy.models import CountyIndicator, VillageIndicator
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import STILL_POOR, MemberStatus

VILLAGE_INDICATORS = (
    "road",
    "bus",
    "water",
    "electricity",
    "radio_tv",
    "culture_centre",
    "clinic",
    "doctor",
    "broadband",
)


def poor_remaining(copy, digits: int) -> dict[str, int]:
    """Current members of households not yet exited, by the first `digits` of the village code.

    Read from the analytic copy (`copy` an open analytic_connection of the region): the
    city's 764,000 members are grouped there, in DuckDB, instead of joined to their
    households in the database that serves the screens (figures in docs/benchmarks.md).
    """
    still_poor = ", ".join(f"'{status}'" for status in STILL_POOR)
    rows = copy.connection.execute(
        f"SELECT substr(h.village_code, 1, {int(digits)}) AS area, count(*) "
        "FROM m JOIN h ON h.id = m.household_id "
        f"WHERE m.status = '{MemberStatus.NORMAL}' AND h.status IN ({still_poor}) "
        "GROUP BY area"
    ).fetchall()
    return dict(rows)


def incidence(remaining: int, population) -> float | None:
    return remaining * 100 / population if population else None


def village_facts(prefix: str, year: int, copy) -> list[dict]:
    """One row per poor village (贫困村) in scope."""
    remaining = poor_remaining(copy, 12)
    indicators = {
        row["village_id"]: row
        for row in VillageIndicator.objects.filter(
            year=year, village__code__startswith=prefix
        ).values("village_id", "collective_income", *VILLAGE_INDICATORS)
    }
    villages = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=prefix, is_poor_village=True
    ).order_by("code")
    rows = []
    for village in villages.values("code", "name", "registered_population"):
        entered = indicators.get(village["code"], {})
        count = remaining.get(village["code"], 0)
        income = entered.get("collective_income")
        rows.append(
            {
                "code": village["code"],
                "name": village["name"],
                "poor_remaining": count,
                "registered_population": village["registered_population"],
                "incidence": incidence(count, village["registered_population"]),
                "collective_income": None if income is None else float(income),
                **{name: entered.get(name) for name in VILLAGE_INDICATORS},
            }
        )
    return rows


def county_facts(prefix: str, year: int, copy) -> list[dict]:
    """One row per county in scope (a city scope covers all of its counties)."""
    remaining = poor_remaining(copy, 6)
    poor_villages = villages_by_county(prefix, Q(is_poor_village=True))
    exited = villages_by_county(
        prefix, Q(is_poor_village=True, poor_exited_year__isnull=False, poor_exited_year__lte=year)
    )
    village_population = _village_population_by_county(prefix)
    indicators = {
        row["county_id"][:6]: row
        for row in CountyIndicator.objects.filter(
            year=year, county__code__startswith=prefix[:6]
        ).values("county_id", "wrong_exit_rate", "missed_rate", "approval")
    }
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix[:6])
    rows = []
    for county in counties.order_by("code").values("code", "name", "registered_population"):
        key = county["code"][:6]
        population = county["registered_population"] or village_population.get(key)
        poor, done = poor_villages.get(key, 0), exited.get(key, 0)
        entered = indicators.get(key, {})
        rows.append(
            {
                "code": county["code"],
                "name": county["name"],
                "poor_remaining": remaining.get(key, 0),
                "registered_population": population,
                "incidence": incidence(remaining.get(key, 0), population),
                "poor_villages": poor,
                "villages_exited": done,
                # A county without poor villages has nothing left to exit.
                "villages_exited_share": done * 100 / poor if poor else 100.0,
                **{
                    name: None if entered.get(name) is None else float(entered[name])
                    for name in ("wrong_exit_rate", "missed_rate", "approval")
                },
            }
        )
    return rows


def villages_by_county(prefix: str, condition: Q) -> dict[str, int]:
    rows = (
        Region.objects.filter(condition, level=RegionLevel.VILLAGE, code__startswith=prefix[:6])
        .annotate(county=Substr("code", 1, 6))
        .values("county")
        .annotate(n=Count("code"))
        .order_by()
    )
    return {row["county"]: row["n"] for row in rows}


def _village_population_by_county(prefix: str) -> dict[str, int]:
    """The sum of village populations, only where every village of the county has one."""
    rows = (
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=prefix[:6])
        .annotate(county=Substr("code", 1, 6))
        .values("county")
        .annotate(
            total=Count("code"),
            known=Count("registered_population"),
            population=Sum("registered_population"),
        )
        .order_by()
    )
    return {row["county"]: row["population"] for row in rows if row["known"] == row["total"]}
