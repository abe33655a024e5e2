"""The evaluation service: run a published standard over a region and store every result."""

import datetime
import time
from collections import Counter

from django.db.models import Count
from django.utils import timezone

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import access_region, require_permission
from tuopin.core.errors import TuopinError
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy import deltas
from tuopin.policy.engine import areas, db, duck
from tuopin.policy.engine import python as pyengine
from tuopin.policy.models import (
    AreaResult,
    Engine,
    EvaluationRun,
    Level,
    PolicyVersion,
    RunStatus,
)
from tuopin.policy.plans import build_plan
from tuopin.policy.results import stored_results
from tuopin.policy.rules.params import ymd
from tuopin.policy.storage import (
    PARTS,
    parts_possible,
    store_query,
    store_query_in_parts,
    store_results,
)
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.analytic.analytic_copy import analytic_connection


def default_as_of(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def evaluation_run(
    *,
    acting_user,
    policy: PolicyVersion,
    year: int,
    region_code: str,
    level: str = Level.HOUSEHOLD,
    as_of: datetime.date | None = None,
    engine: str = Engine.DB,
    progress=None,
    bring_current: bool = True,
    full: bool = False,
) -> EvaluationRun:
    """Evaluate and store. `acting_user` None means the command line (the operator).

    A DuckDB run first brings the analytic copy current; with `bring_current` False it
    refuses a copy older than the data of its region instead (analytic_copy). It stores
    only its differences from a base run when there is one (deltas.py), unless `full`."""
    region = _scope_region(acting_user, region_code)
    if not policy.is_published:
        raise TuopinError(
            "policy_not_published",
            f"{policy} 尚未发布，不能用于评估",
            f"{policy} is not published and cannot be used for evaluations",
        )
    if level == Level.COUNTY and region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise TuopinError(
            "county_run_scope",
            "县级评估的范围须为市或县",
            "a county evaluation needs a city or county",
        )
    as_of = as_of or default_as_of(year)
    plan = build_plan(policy, level, year, as_of)
    run = EvaluationRun.objects.create(
        policy=policy,
        level=level,
        year=year,
        as_of=as_of,
        region=region,
        engine=engine if level == Level.HOUSEHOLD else Engine.DB,
        parameters=plan.params,
        clause_codes=[code for code, _node in plan.clauses],
        seen_keys=[list(item) for item in plan.seen],
        created_by=acting_user,
    )
    report = progress or (lambda percent, message="": None)
    prefix = significant_prefix(region.code)
    try:
        if level == Level.HOUSEHOLD:
            timings = _run_households(run, plan, prefix, report, bring_current, full)
        else:
            timings = _run_areas(run, plan, prefix, report, bring_current)
        if not run.counts:  # a delta run counted its own from its base's
            started = time.perf_counter()
            run.counts = run_counts(run)
            timings["count"] = round(time.perf_counter() - started, 3)
    except Exception as error:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    run.timings = timings
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "timings", "status", "finished_at", "data_as_of", "base"])
    report(100, "完成 (done)")
    return run


def _scope_region(acting_user, region_code: str) -> Region:
    if acting_user is None:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise TuopinError(
                "region_unknown", f"区划代码 {region_code} 不存在", f"unknown region {region_code}"
            )
        return region
    region = access_region(acting_user, region_code)
    require_permission(acting_user, Permission.EVALUATION_RUN, region.code)
    return region


def _run_households(
    run: EvaluationRun, plan, prefix: str, report, bring_current: bool, full: bool
) -> dict:
    as_of_ymd = ymd(run.as_of)
    timings = {}
    if run.engine == Engine.DUCKDB:
        base = None if full else deltas.base_for(run)
        report(10, "正在更新分析副本 (bringing the analytic copy current)")
        with analytic_connection(prefix, bring_current=bring_current) as copy:
            timings.update(copy.timings)
            run.data_as_of = copy.reflects
            report(40, "正在评估 (evaluating)")
            started = time.perf_counter()
            changed = copy.changed_since(base.data_as_of) if base else None
            if base and deltas.worth_a_delta(base, changed):
                copy.narrow_to_changed()
            else:
                base = None
            table = copy.connection.sql(duck.household_sql(plan, as_of_ymd)).to_arrow_table()
            timings["evaluate"] = round(time.perf_counter() - started, 3)
        report(70, "正在保存结果 (storing results)")
        started = time.perf_counter()
        if base:
            run.base = base
            table, run.counts = deltas.differences(base, table, changed)
        store_results(run, table)
        timings["store"] = round(time.perf_counter() - started, 3)
    else:
        report(20, "正在评估并保存 (evaluating and storing)")
        started = time.perf_counter()
        run.data_as_of = timezone.now()
        if parts_possible(run):
            queries = [
                db.household_sql(plan, prefix, as_of_ymd, id_range=id_range)
                for id_range in db.id_ranges(prefix, PARTS)
            ]
            run.counts = counts_of_patterns(run, store_query_in_parts(run, queries))
        else:
            sql, params = db.household_sql(plan, prefix, as_of_ymd)
            store_query(run, sql, params)
        timings["evaluate_and_store"] = round(time.perf_counter() - started, 3)
    report(90, "正在统计 (counting)")
    return timings


def _run_areas(run: EvaluationRun, plan, prefix: str, report, bring_current: bool) -> dict:
    started = time.perf_counter()
    report(20, "正在汇总指标 (gathering indicators)")
    with analytic_connection(prefix, bring_current=bring_current) as copy:
        run.data_as_of = copy.reflects
        if run.level == Level.VILLAGE:
            rows = areas.village_facts(prefix, run.year, copy)
        else:
            rows = areas.county_facts(prefix, run.year, copy)
    results = []
    for facts in rows:
        outcome = pyengine.evaluate(plan, facts, [])
        results.append(
            AreaResult(
                run=run,
                region_id=facts["code"],
                result=outcome["result"],
                clauses="".join(LETTER[outcome["clauses"][code]] for code, _node in plan.clauses),
                seen=pyengine.encode_seen(plan.seen, outcome["seen"]),
            )
        )
    AreaResult.objects.bulk_create(results, batch_size=2000)
    return {"evaluate_and_store": round(time.perf_counter() - started, 3)}


LETTER = {value: letter for letter, value in pyengine.LETTERS.items()}


def run_counts(run: EvaluationRun) -> dict:
    """Subjects by result and, per clause, by pass/fail/unknown."""
    if run.level == Level.HOUSEHOLD:
        rows = stored_results(run)
    else:
        rows = AreaResult.objects.filter(run=run)
    patterns = Counter()
    for row in rows.values("result", "clauses").annotate(n=Count("id")).order_by():
        patterns[(row["result"], row["clauses"])] += row["n"]
    return counts_of_patterns(run, patterns)


def counts_of_patterns(run: EvaluationRun, patterns: Counter) -> dict:
    """`run_counts` from the number of subjects of each (result, letters) pattern."""
    results = Counter()
    by_clause = {code: Counter() for code in run.clause_codes}
    for (result, letters), n in patterns.items():
        results[result] += n
        for code, letter in zip(run.clause_codes, letters, strict=True):
            by_clause[code][pyengine.LETTERS[letter]] += n
    return {
        "total": sum(results.values()),
        "results": {key: results.get(key, 0) for key in ("pass", "fail", "unknown")},
        "clauses": {
            code: {key: counter.get(key, 0) for key in ("pass", "fail", "unknown")}
            for code, counter in by_clause.items()
        },
    }
