"""The demo with work in it (`tuopin demo`, `make run`): every demo user finds something to do.

After the registry (`seed`) and the exit evaluations (`seed_exit`), the demo users play
the last few weeks of the procedures through the real services (`case_propose`,
`case_act`, ...), so every case has a true history of who did what:

- 朱寨村委会 (the village user's village) gets extra households, some still poor that meet
  the exit standard (left for the village user to propose), becomes a poor village with its
  exit indicators entered by the county, and has exit cases waiting at each step: the
  household's consent, a notice running, a notice ended (for the village cadre to close),
  the township review, the county approval, an objection; one exit approved (its
  announcement runs); a return case at the village check; a monitoring case waiting for
  the county's confirmation and one confirmed 35 days ago without a new measure;
- 民权县 applies for its county exit, waiting for the city's first review;
- two ID numbers are revealed (the access log), the quality counts are refreshed.

Dates are counted back from today, so notices run or have ended whatever day the demo is
set up. A second village cadre (`workteam`, the work team) proposes the cases: the
proposer may not close a notice or decide a step of their own proposal, and the village
user must be able to. Deterministic: the same seed gives the same households and cases.
"""

import datetime
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tuopin.accounts.demo import DEMO_COUNTY, DEMO_VILLAGE, demo_users_ensure
from tuopin.accounts.services import region_attributes_change
from tuopin.cases.enums import Action, CaseKind
from tuopin.cases.models import Case, CaseEvent, Objection
from tuopin.cases.selectors import monitoring_candidates
from tuopin.cases.services import case_act, case_propose, county_setting_update
from tuopin.core.regioncodes import significant_prefix
from tuopin.policy.results import stored_results
from tuopin.policy.runs import evaluation_run
from tuopin.policy.selectors import current_policy
from tuopin.policy.services import village_indicator_record
from tuopin.regions.services import regions_load
from tuopin.registry.enums import EXITED, STILL_POOR, Relation
from tuopin.registry.models import Household, Member
from tuopin.registry.quality_snapshot import quality_refresh
from tuopin.registry.seed import CITY_CODE, seed_registry
from tuopin.registry.services import member_id_reveal

DEMO_YEAR = 2018
# Households added to the demo village, and the share of its 未脱贫 ones ready to exit.
VILLAGE_HOUSEHOLDS = 48
READY_SHARE = 0.7
# Exit cases the demo opens in the village, and passing households left to propose.
EXIT_CASES = 7
LEFT_TO_PROPOSE = 3
DEMO_PHONE = "0370-7812317"  # the county objection line its notices print (made up)


class DemoError(Exception):
    pass


def demo_setup(
    *,
    region_code: str = DEMO_COUNTY,
    households: int = 2000,
    seed: int = 1,
    year: int = DEMO_YEAR,
    if_empty: bool = False,
    say: Callable[[str], None] = lambda text: None,
) -> dict:
    """Divisions, demo users, registry, evaluations and the demo's work, on a migrated database.

    With ``if_empty`` each part is skipped when its data are there (a second `make run`).
    Returns the logins and what was done."""
    clock = _Clock(say)
    report = regions_load()
    clock.done(f"区划：新增 {report.created}，未变 {report.unchanged} (divisions)")
    logins = demo_users_ensure()
    clock.done(f"演示用户 {len(logins)} 个 (demo users)")
    prefix = region_code[:6]
    if not (if_empty and Household.objects.filter(village__code__startswith=prefix).exists()):
        totals = seed_registry(
            households=households, region_code=region_code, seed=seed, year=year, previous_year=True
        )
        clock.done(
            f"贫困户 {totals['households']:,} 户，{totals['members']:,} 人，"
            f"两年收入 (households, two years of income)"
        )
    fresh = not (if_empty and Case.objects.exists())
    if fresh:
        _demo_village(seed, year)
        clock.done("朱寨村委会：新增演示户，设为贫困村并录入退出指标 (the demo village)")
    args = ["--region", region_code, "--year", str(year), "--seed", str(seed)]
    call_command("seed_exit", *args, *(["--if-empty"] if if_empty else []), stdout=_Say(say))
    clock.done("退出评估 (exit evaluations)")
    work = _demo_work(year) if fresh else {}
    for text in work.values():
        say(text)
    if fresh:
        clock.done("演示待办 (the demo users' work)")
    return {"logins": logins, "work": work}


class _Clock:
    """Says how long each part took (docs/benchmarks.md records the whole)."""

    def __init__(self, say):
        self.say, self.last = say, time.monotonic()

    def done(self, text: str) -> None:
        now = time.monotonic()
        self.say(f"{text}：{now - self.last:.1f} 秒")
        self.last = now


class _Say:
    """A stdout for call_command that hands each line to `say`."""

    def __init__(self, say):
        self.say = say

    def write(self, text: str) -> None:
        if text.strip():
            self.say(text.rstrip("\n"))

    def flush(self) -> None:
        pass


def _users() -> dict:
    users = get_user_model().objects.filter(
        username__in=["county", "township", "village", "workteam"]
    )
    return {user.username: user for user in users}


def _demo_village(seed: int, year: int) -> None:
    """Households for the village user, and 朱寨 as a poor village with its indicators."""
    seed_registry(
        households=VILLAGE_HOUSEHOLDS,
        region_code=DEMO_VILLAGE,
        seed=seed,
        year=year,
        previous_year=True,
        ready_share=READY_SHARE,
    )
    county = _users()["county"]
    region_attributes_change(
        acting_user=county,
        region_code=DEMO_VILLAGE,
        is_poor_village=True,
        poor_identified_year=2014,
    )
    # Everything but broadband: the village's shortfall is one indicator, as often in 2018.
    village_indicator_record(
        acting_user=county,
        village_code=DEMO_VILLAGE,
        year=year,
        road=True,
        bus=True,
        water=True,
        electricity=True,
        radio_tv=True,
        culture_centre=True,
        clinic=True,
        doctor=True,
        broadband=False,
        collective_income=32000,
        industry="花生种植、食用菌",
    )


def _demo_work(year: int) -> dict:
    users = _users()
    today = timezone.localdate()

    def day(days_ago: int) -> datetime.date:
        return today - datetime.timedelta(days=days_ago)

    village, workteam = users["village"], users["workteam"]
    township, county = users["township"], users["county"]
    passing = _passing_households(year)
    if len(passing) < EXIT_CASES + LEFT_TO_PROPOSE:
        raise DemoError(
            f"演示村达标的未脱贫户只有 {len(passing)} 户，不够演示 "
            f"(only {len(passing)} passing households in the demo village)"
        )
    county_setting_update(acting_user=county, county_code=DEMO_COUNTY, objection_phone=DEMO_PHONE)
    p = iter(passing)
    exits = {}

    def propose(kind, household, by, days_ago, reason, **extra):
        case = case_propose(
            acting_user=by, kind=kind, year=year, household=household, reason=reason, **extra
        )
        _dated(case, day(days_ago))
        return case

    def act(case, by, action, days_ago, comment=""):
        case = case_act(
            acting_user=by, case=case, action=action, comment=comment, today=day(days_ago)
        )
        _dated(case, day(days_ago))
        if action == Action.OBJECT:
            Objection.objects.filter(case=case).update(recorded_at=_at(day(days_ago)))
        return case

    reason = f"经村民代表民主评议，{year} 年达到脱贫退出标准"
    # (name, proposed days ago, then the steps: (user, action, days ago, comment))
    plan = [
        ("consent", 1, []),
        ("notice_running", 3, [(village, Action.CONSENT, 2, "户主已签字")]),
        ("notice_ended", 10, [(village, Action.CONSENT, 9, "户主已签字")]),
        (
            "township_review",
            13,
            [(village, Action.CONSENT, 12, "户主已签字"), (village, Action.CLOSE_NOTICE, 4, "")],
        ),
        (
            "county_approval",
            17,
            [
                (village, Action.CONSENT, 16, "户主已签字"),
                (village, Action.CLOSE_NOTICE, 8, ""),
                (township, Action.APPROVE, 6, "入户核实，收入和“两不愁三保障”属实"),
            ],
        ),
        (
            "objection",
            4,
            [
                (village, Action.CONSENT, 3, "户主已签字"),
                (township, Action.OBJECT, 1, "村民反映该户子女在外务工收入未如实登记，请核实"),
            ],
        ),
        (
            "approved",
            32,
            [
                (village, Action.CONSENT, 31, "户主已签字"),
                (village, Action.CLOSE_NOTICE, 23, ""),
                (township, Action.APPROVE, 21, "入户核实属实"),
                (county, Action.APPROVE, 18, "同意退出"),
            ],
        ),
    ]
    for name, proposed, steps in plan:
        case = propose(CaseKind.EXIT, next(p), workteam, proposed, reason)
        for user, action, days_ago, comment in steps:
            case = act(case, user, action, days_ago, comment)
        exits[name] = case

    # Households other than the one just exited, each in one case only.
    taken = {case.household_id for case in exits.values()}
    candidates = [
        h
        for h in monitoring_candidates(county, DEMO_VILLAGE, year)
        if not h.monitored and h.pk not in taken
    ]
    taken |= {h.pk for h in candidates[:2]}
    exited = Household.objects.filter(village_id=DEMO_VILLAGE, status__in=EXITED)
    returning = exited.exclude(pk__in=taken).order_by("number").first()
    if len(candidates) < 2 or returning is None:
        raise DemoError("演示村没有足够的已脱贫户 (too few exited households in the demo village)")
    watch = propose(
        CaseKind.MONITORING,
        candidates[0],
        workteam,
        2,
        "人均纯收入低于扶贫标准 1.5 倍，脱贫不稳定",
    )
    watched = propose(
        CaseKind.MONITORING,
        candidates[1],
        village,
        40,
        "家庭成员患病，收入明显下降",
    )
    watched = act(watched, county, Action.APPROVE, 35, "确认为监测对象")
    returned = propose(
        CaseKind.RETURN, returning, workteam, 1, "户主患大病，医疗支出大，收入低于扶贫标准"
    )
    # 民权县's exit year comes from the reference file; in the demo the exit is under way, so
    # the county records it as not yet done and applies, and the city reviews it.
    region_attributes_change(acting_user=county, region_code=DEMO_COUNTY, poor_exited_year=None)
    county_exit = propose(
        CaseKind.COUNTY_EXIT,
        None,
        county,
        5,
        f"贫困发生率、错退率、漏评率和群众认可度均达到 {year} 年退出标准，申请退出",
        region_code=DEMO_COUNTY,
    )
    heads = Member.objects.filter(
        household__in=[exits["consent"].household, exits["township_review"].household],
        relation=Relation.HEAD,
    ).order_by("household__number")
    for head, user in zip(heads, (village, township), strict=False):
        member_id_reveal(acting_user=user, member=head, channel="演示")
    # The whole city, so that the inspector's city scorecard reads stored counts too.
    quality_refresh(prefix=significant_prefix(CITY_CODE), year=year)
    steps = "，".join(f"{EXIT_LABELS[name]} #{case.pk}" for name, case in exits.items())
    return {
        "exits": f"退出事项：{steps}",
        "monitoring": f"监测事项：待县确认 #{watch.pk}，监测中 #{watched.pk}",
        "return": f"返贫事项：待村核查 #{returned.pk}",
        "county_exit": f"贫困县退出：待市初审 #{county_exit.pk}",
        "left": f"达标、可由村干部申请退出的未脱贫户 {len(passing) - EXIT_CASES} 户",
    }


EXIT_LABELS = {
    "consent": "待户签字",
    "notice_running": "公示中",
    "notice_ended": "公示期满待结束",
    "township_review": "待乡镇审核",
    "county_approval": "待县审批",
    "objection": "有异议",
    "approved": "已批准（公告中）",
}


def _passing_households(year: int) -> list[Household]:
    """Still-poor households of the demo village that pass a fresh evaluation, by number."""
    run = evaluation_run(
        acting_user=None, policy=current_policy(), year=year, region_code=DEMO_VILLAGE
    )
    return list(
        Household.objects.filter(
            village_id=DEMO_VILLAGE,
            status__in=STILL_POOR,
            pk__in=stored_results(run).filter(result="pass").values("household_id"),
        )
        .exclude(identified_year=year)
        .exclude(returned_year=year)
        .order_by("number")
    )


def _dated(case: Case, day: datetime.date) -> None:
    """The step's history carries the day the demo plays it, not the moment of setup."""
    at = _at(day)
    last = case.events.order_by("-pk").values_list("pk", flat=True).first()
    CaseEvent.objects.filter(pk=last).update(at=at)
    fields = {"step_entered_at": at}
    if case.events.count() == 1:
        fields["created_at"] = at
    if case.finished_at:
        fields["finished_at"] = at
    Case.objects.filter(pk=case.pk).update(**fields)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
