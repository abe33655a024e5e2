"""Reads of the policy app, scoped to the user.

A run covers a region; a user sees the runs inside their scope and the runs of the
regions above it (a city run), but of any run only the results of their own region.
"""

import datetime
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr

from tuopin.accounts.selectors import UNRESTRICTED, scope_prefixes, scope_q
from tuopin.core.errors import OutOfScope
from tuopin.core.labels import label_for
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.engine import python as pyengine
from tuopin.policy.engine.areas import villages_by_county
from tuopin.policy.explain import Explainer
from tuopin.policy.models import (
    AreaResult,
    EvaluationRun,
    HouseholdResult,
    Level,
    PolicyStatus,
    PolicyVersion,
    RunStatus,
)
from tuopin.policy.plans import build_plan, parsed_clauses
from tuopin.policy.results import household_results, results_q, stored_results
from tuopin.policy.rules.facts import LEVEL_FACTS
from tuopin.policy.rules.sqlcompile import Plan
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.analytic import sources
from tuopin.registry.enums import STILL_POOR, MemberStatus, Relation
from tuopin.registry.models import Household, Measure, Member, RegionTotal, RegionYearTotal

# The city's 2018 work plan (domain.md §1).
TARGETS_2018 = {"people": 182_000, "villages": 351, "counties": 6}

# A ledger's runs: each run with the 6-digit prefixes of the counties it serves, or with
# the region's own prefix when one run serves the whole region (`ledger_runs`).
Parts = list[tuple[EvaluationRun, list[str]]]


def policy_list() -> QuerySet:
    return PolicyVersion.objects.annotate(clause_count=Count("clauses")).order_by(
        "code", "-version"
    )


def current_policy(code: str = "henan-2018") -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(code=code, status=PolicyStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def _ancestors(prefix: str) -> list[str]:
    return [prefix[:n].ljust(12, "0") for n in (2, 4, 6, 9) if n < len(prefix)]


def run_list_for_user(user) -> QuerySet:
    runs = EvaluationRun.objects.select_related("policy", "region", "created_by")
    prefixes = scope_prefixes(user)
    if prefixes is UNRESTRICTED:
        return runs
    if not prefixes:
        return runs.none()
    visible = [
        Q(region__code__startswith=prefix) | Q(region_id__in=_ancestors(prefix))
        for prefix in prefixes
    ]
    return runs.filter(reduce(or_, visible))


def access_run(user, run_id: int) -> EvaluationRun:
    run = run_list_for_user(user).filter(pk=run_id).first()
    if run is None:
        raise OutOfScope("evaluation_run", str(run_id))
    return run


def latest_run(user, level: str, region_code: str, year: int | None = None):
    """The newest finished run of `level` that covers `region_code`."""
    prefix = significant_prefix(region_code)
    runs = run_list_for_user(user).filter(level=level, status=RunStatus.DONE)
    runs = runs.filter(region_id__in=[*_ancestors(prefix), prefix.ljust(12, "0")])
    if year:
        runs = runs.filter(year=year)
    return runs.order_by("-id").first()


def run_results(user, run: EvaluationRun, region_code: str | None = None) -> QuerySet:
    """The run's household results that the user may see, optionally under a region."""
    results = stored_results(run).filter(scope_q(user, "village_code"))
    if region_code:
        results = results.filter(village_code__startswith=significant_prefix(region_code))
    return results


def area_results(user, run: EvaluationRun) -> QuerySet:
    return (
        AreaResult.objects.filter(run=run)
        .filter(scope_q(user, "region__code"))
        .select_related("region")
        .order_by("region_id")
    )


def ledger_areas(user, parts: Parts, region_code: str) -> QuerySet:
    """The village (or county) results of the runs and parts given, in one query."""
    return (
        AreaResult.objects.filter(parts_q(parts, "region__code"))
        .filter(scope_q(user, "region__code"))
        .filter(region__code__startswith=significant_prefix(region_code))
        .select_related("region")
        .order_by("region_id")
    )


def parts_columns(parts: Parts) -> tuple[list[str], dict[str, str]]:
    """The clause codes of the runs in order (a code first met first) and their titles;
    runs of different standards may differ. One query per run."""
    codes: list[str] = []
    titles: dict[str, str] = {}
    for run, _keys in parts:
        codes += [code for code in run.clause_codes if code not in codes]
        titles = {**clause_titles(run), **titles}
    return codes, titles


def clause_titles(run: EvaluationRun) -> dict[str, str]:
    return dict(run.policy.clauses.filter(level=run.level).values_list("code", "title"))


def decoded(run: EvaluationRun, letters: str) -> dict[str, str]:
    return {
        code: pyengine.LETTERS[letter]
        for code, letter in zip(run.clause_codes, letters, strict=True)
    }


def seen_values(run: EvaluationRun, text: str) -> dict:
    return pyengine.decode_seen([tuple(item) for item in run.seen_keys], text)


def ledger_runs(user, level: str, region_code: str, year: int | None = None) -> Parts:
    """The runs a ledger of `region_code` rests on, each with the part it serves.

    The newest run covering the region serves all of it (`latest_run`), unless the region
    lies above a county and a county under it ran its own evaluation later: then each
    county takes its newest run (`latest_runs_by_county`, as the county summary counts),
    so a city whose counties each ran their own evaluation sees all of them. Without a
    year, the year of the newest of these runs. A county no run covers is left out."""
    prefix = significant_prefix(region_code)
    single = latest_run(user, level, region_code, year)
    if len(prefix) >= 6:  # a county or below: one run covers it
        return [(single, [prefix])] if single else []
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix)
    counties = list(counties.filter(scope_q(user, "code")))
    if year is None:
        own = (
            run_list_for_user(user)
            .filter(level=level, status=RunStatus.DONE, region_id__in=[c.code for c in counties])
            .order_by("-id")
            .first()
        )
        newest = max((run for run in (single, own) if run), key=lambda run: run.pk, default=None)
        if newest is None:
            return []
        year = newest.year
    chosen = latest_runs_by_county(user, level, counties, year)
    if single is not None and {run.pk for run in chosen.values()} <= {single.pk}:
        return [(single, [prefix])]
    return sorted(_by_run(chosen), key=lambda part: sorted(part[1]))


def parts_q(parts: Parts, field: str, of_run=lambda run: Q(run_id=run.pk)) -> Q:
    """Rows of each run under the prefixes it serves: one condition, one query.
    `of_run` selects a run's rows (household results: `results.results_q`)."""
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, (of_run(run) & _under(field, keys) for run, keys in parts))


def ledger_rows(user, parts: Parts, region_code: str, *, passing: bool) -> QuerySet:
    """Shortfall ledger (failing or unknown) or exit list (passing), with head and helper,
    of the runs and parts given (`ledger_runs`), in one query."""
    results = HouseholdResult.objects.filter(parts_q(parts, "village_code", results_q))
    results = results.filter(scope_q(user, "village_code"))
    results = results.filter(village_code__startswith=significant_prefix(region_code))
    results = results.filter(result="pass") if passing else results.exclude(result="pass")
    head = Member.objects.filter(
        household=OuterRef("household_id"), status=MemberStatus.NORMAL, relation=Relation.HEAD
    ).values("name")[:1]
    size = (
        Member.objects.filter(household=OuterRef("household_id"), status=MemberStatus.NORMAL)
        .values("household")
        .annotate(n=Count("id"))
        .values("n")
    )
    helper = Household.objects.filter(pk=OuterRef("household_id"))
    return results.annotate(
        head_name=Subquery(head),
        size=Subquery(size),
        helper_name=Subquery(helper.values("helper__name")[:1]),
        helper_phone=Subquery(helper.values("helper__phone")[:1]),
        village_name=Subquery(
            Region.objects.filter(code=OuterRef("village_code")).values("name")[:1]
        ),
    ).order_by("village_code", "household_number")


def measures_by_household(household_ids, year: int) -> dict[int, list[str]]:
    """Measures up to the year, as short Chinese labels, for one page of a ledger."""
    found: dict[int, list[str]] = {}
    rows = Measure.objects.filter(household_id__in=household_ids, year__lte=year).order_by("year")
    for measure in rows:
        label = f"{measure.year} {measure.get_category_display()}"
        found.setdefault(measure.household_id, []).append(
            f"{label}：{measure.content}" if measure.content else label
        )
    return found


def run_comparison(user, before: EvaluationRun, after: EvaluationRun, limit: int = 500) -> dict:
    """Households whose result changed between two runs, and the clauses that changed it."""
    if before.level != after.level or before.level != Level.HOUSEHOLD:
        return {"rows": [], "total": 0, "transitions": {}}
    old = run_results(user, before).filter(household_id=OuterRef("household_id"))
    changed = (
        run_results(user, after)
        .annotate(
            old_result=Subquery(old.values("result")[:1]),
            old_clauses=Subquery(old.values("clauses")[:1]),
        )
        .exclude(old_result=None)
        .exclude(result=F("old_result"))
    )
    transitions = {
        (row["old_result"], row["result"]): row["n"]
        for row in changed.values("old_result", "result").annotate(n=Count("id")).order_by()
    }
    rows = []
    titles = clause_titles(after)
    for row in changed.order_by("village_code", "household_number")[:limit]:
        rows.append(
            {
                "household_id": row.household_id,
                "household_number": row.household_number,
                "village_code": row.village_code,
                "before": row.old_result,
                "after": row.result,
                "clauses": _changed_clauses(before, after, row.old_clauses, row.clauses, titles),
            }
        )
    names = dict(  # the villages by name, not by code
        Region.objects.filter(code__in={r["village_code"] for r in rows}).values_list(
            "code", "name"
        )
    )
    for row in rows:
        row["village_name"] = names.get(row["village_code"], "")
    return {"rows": rows, "total": sum(transitions.values()), "transitions": transitions}


def _changed_clauses(before, after, old_letters: str, new_letters: str, titles) -> list[dict]:
    old = decoded(before, old_letters)
    new = decoded(after, new_letters)
    return [
        {
            "code": code,
            "title": titles.get(code, code),
            "before": old.get(code, "—"),
            "after": value,
        }
        for code, value in new.items()
        if old.get(code) != value
    ]


def household_evaluation(household: Household, year: int, policy: PolicyVersion | None = None):
    """The household's evaluation now, clause by clause in plain Chinese (Python evaluator)."""
    policy = policy or current_policy()
    if policy is None:
        return None
    as_of = datetime.date(year, 12, 31)
    plan = build_plan(policy, Level.HOUSEHOLD, year, as_of)
    rows = sources.base_rows(household.village_id, [household.pk], names=True)
    facts, members = next(pyengine.household_facts(rows, year, as_of.year * 10000 + 1231))
    outcome = pyengine.evaluate(plan, facts, members)
    explainer = Explainer(LEVEL_FACTS[Level.HOUSEHOLD], policy.parameters, plan.params)
    clauses = policy.clauses.filter(level=Level.HOUSEHOLD).order_by("position", "id")
    nodes = dict(plan.clauses)
    return {
        "policy": policy,
        "year": year,
        "as_of": as_of,
        "result": outcome["result"],
        "verdict": label_for("result", outcome["result"]),
        "clauses": [
            {
                "code": clause.code,
                "title": clause.title,
                "description": clause.description,
                "value": outcome["clauses"][clause.code],
                "verdict": label_for("result", outcome["clauses"][clause.code]),
                "sentences": explainer.clause(nodes[clause.code], facts, members),
            }
            for clause in clauses
        ],
    }


def stored_household_results(user, household: Household, limit: int = 5) -> list[dict]:
    """The household's results in the latest runs, newest first; the newest explained."""
    rows = household_results(household.pk, rows=scope_q(user, "village_code"))[:limit]
    return [
        {
            "run": row.run,
            "result": row.result,
            "verdict": label_for("result", row.result),
            "clauses": stored_explanation(row.run, row) if index == 0 else None,
        }
        for index, row in enumerate(rows)
    ]


def stored_explanation(run: EvaluationRun, row) -> list[dict]:
    """A stored result explained from the values the run saw (not today's data)."""
    plan = Plan(run.level, parsed_clauses(run.policy, run.level), run.parameters)
    facts = seen_values(run, row.seen)
    counts = {
        quantifier: (facts.get(f"q{index}_t"), facts.get(f"q{index}_n"))
        for index, quantifier in enumerate(plan.quantifiers)
    }
    explainer = Explainer(LEVEL_FACTS[run.level], run.policy.parameters, run.parameters, counts)
    values = decoded(run, row.clauses)
    titles = clause_titles(run)
    return [
        {
            "code": code,
            "title": titles.get(code, code),
            "value": values[code],
            "verdict": label_for("result", values[code]),
            "sentences": explainer.clause(node, facts),
        }
        for code, node in plan.clauses
        if code in values
    ]


def latest_runs_by_county(user, level: str, counties, year: int) -> dict[str, EvaluationRun]:
    """Per county code: the newest finished run of `level` and `year` that covers the
    whole county: its own run, or a run of a region above it (the city's), whichever
    is newer. A run of a township covers no county. One query over the few runs."""
    codes = {county.code for county in counties}
    above = {code for county in counties for code in _ancestors(county.prefix)}
    runs = (
        run_list_for_user(user)
        .filter(level=level, status=RunStatus.DONE, year=year, region_id__in=codes | above)
        .order_by("-id")
    )
    chosen: dict[str, EvaluationRun] = {}
    for run in runs:
        prefix = significant_prefix(run.region_id)
        for code in codes - chosen.keys():
            if code.startswith(prefix):
                chosen[code] = run
        if len(chosen) == len(codes):
            break
    return chosen


def _by_run(chosen: dict[str, EvaluationRun]) -> list[tuple[EvaluationRun, list[str]]]:
    """The runs chosen, each with the 6-digit prefixes of the counties it serves."""
    grouped: dict[int, tuple[EvaluationRun, list[str]]] = {}
    for code, run in chosen.items():
        grouped.setdefault(run.pk, (run, []))[1].append(code[:6])
    return list(grouped.values())


def _under(field: str, prefixes: list[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in prefixes))


def county_summary(user, year: int, region_code: str) -> dict:
    """Per county: people, villages and the county itself against the 2018 targets.

    Each county's results come from the newest run covering it (`latest_runs_by_county`),
    so a city whose counties each ran their own evaluation sums them all. People come
    from the stored region totals (`RegionTotal`, `RegionYearTotal`), not the registry;
    only the people of passing households are counted from a run's results."""
    prefix = significant_prefix(region_code)
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix[:6])
    counties = list(counties.filter(scope_q(user, "code")).order_by("code"))
    runs = {
        level: latest_runs_by_county(user, level, counties, year)
        for level in (Level.HOUSEHOLD, Level.VILLAGE, Level.COUNTY)
    }
    registered, remaining, planned = _stored_people_by_county(prefix, year)
    passing_people: dict[str, int] = {}
    for run, keys in _by_run(runs[Level.HOUSEHOLD]):
        passing = run_results(user, run).filter(_under("village_code", keys), result="pass")
        found = _people_by_county(user, prefix, Q(household_id__in=passing.values("household_id")))
        passing_people.update({key: found.get(key, 0) for key in keys})
    poor_villages = villages_by_county(prefix, Q(is_poor_village=True))
    passing_villages: dict[str, int] = {}
    for run, keys in _by_run(runs[Level.VILLAGE]):
        for row in (
            area_results(user, run)
            .filter(_under("region__code", keys), result="pass")
            .annotate(county=Substr("region_id", 1, 6))
            .values("county")
            .annotate(n=Count("id"))
            .order_by()
        ):
            passing_villages[row["county"]] = row["n"]
    county_results = {}
    for run, keys in _by_run(runs[Level.COUNTY]):
        for row in area_results(user, run).filter(_under("region__code", keys)):
            county_results[row.region_id[:6]] = row.result
    rows = []
    for county in counties:
        key = county.code[:6]
        result = county_results.get(key)
        rows.append(
            {
                "county": county,
                "registered": registered.get(key, 0),
                "remaining": remaining.get(key, 0),
                "planned": planned.get(key, 0),
                "passing_people": passing_people.get(key, 0),
                "poor_villages": poor_villages.get(key, 0),
                "passing_villages": passing_villages.get(key, 0),
                "county_result": result,
                "poor_county": bool(county.poor_county_type),
                "runs": [(level, chosen.get(county.code)) for level, chosen in runs.items()],
            }
        )
    totals = {
        "passing_people": sum(r["passing_people"] for r in rows),
        "passing_villages": sum(r["passing_villages"] for r in rows),
        "passing_counties": sum(
            1 for r in rows if r["poor_county"] and r["county_result"] == "pass"
        ),
        "poor_counties": sum(1 for r in rows if r["poor_county"]),
    }
    return {
        "rows": rows,
        "totals": totals,
        "targets": TARGETS_2018,
        "runs": {
            level: sorted({run.pk: run for run in chosen.values()}.values(), key=lambda r: r.pk)
            for level, chosen in runs.items()
        },
    }


def _stored_people_by_county(prefix: str, year: int) -> tuple[dict, dict, dict]:
    """Current members per county: all, of households still poor, and of households
    planned to exit in `year`, summed from the township rows of the stored totals."""
    county = Substr("region_code", 1, 6)
    registered: dict[str, int] = defaultdict(int)
    remaining: dict[str, int] = defaultdict(int)
    for key, status, n in (
        RegionTotal.objects.filter(level=RegionLevel.TOWNSHIP, region_code__startswith=prefix)
        .annotate(county=county)
        .values_list("county", "status")
        .annotate(n=Sum("members"))
        .order_by()
    ):
        registered[key] += n or 0
        if status in STILL_POOR:
            remaining[key] += n or 0
    planned = dict(
        RegionYearTotal.objects.filter(
            level=RegionLevel.TOWNSHIP, year=year, region_code__startswith=prefix
        )
        .annotate(county=county)
        .values_list("county")
        .annotate(n=Sum("planned_members"))
        .order_by()
    )
    return registered, remaining, planned


def _people_by_county(user, prefix: str, condition: Q) -> dict[str, int]:
    rows = (
        Member.objects.filter(condition, status=MemberStatus.NORMAL)
        .filter(household__village__code__startswith=prefix)
        .filter(scope_q(user, "household__village__code"))
        .annotate(county=Substr("household__village_id", 1, 6))
        .values("county")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["county"]: row["n"] for row in rows}
