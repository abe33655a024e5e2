"""The project library of the demo (`tuopin demo`): about forty projects of the demo
county at every stage of the flow, taken there by the services (each step filed), some
with beneficiary households of the demo registry, so that each role has work waiting:
the village (朱寨) a returned project to re-apply, the township one to review (and one
whose notice still runs), 行业部门 (e.g. sector_education) and the county office one to
appraise, the county office one to approve, one to enter, one in the library to plan,
one implementing whose progress the village reports."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from tuopin.accounts.roles import Department
from tuopin.projects.library_services import (
    beneficiary_add,
    project_act,
    project_apply,
    project_progress_report,
)
from tuopin.projects.lifecycle import ACTIONS, appraising_department
from tuopin.projects.models import Project
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.models import Household

DEMO_VILLAGE = "411421101201"
FLOW = ["review", "appraise", "approve", "enter", "plan", "start", "accept", "announce"]
WHO = {
    "review": "township",
    "approve": "county",
    "enter": "county",
    "plan": "county",
    "start": "county",
    "accept": "county",
    "announce": "county",
}
# (name, category, amount 万元, how far in the flow; "" applied only) for the demo village.
VILLAGE_PROJECTS = [
    ("朱寨村生产道路硬化", "infrastructure", 45, "returned"),
    ("朱寨村小型农田水利", "infrastructure", 30, ""),
    ("朱寨村文化广场", "public_service", 12, "running"),
    ("朱寨村雨露计划培训", "education", 6, "review"),
    ("朱寨村光伏电站", "industry", 80, "appraise"),
    ("朱寨村安全饮水改造", "infrastructure", 25, "approve"),
    ("朱寨村扶贫车间", "employment", 50, "enter"),
    ("朱寨村危房改造", "housing", 36, "start"),
    ("朱寨村养殖合作社", "industry", 40, "accept"),
    ("朱寨村村卫生室", "health", 18, "announce"),
    ("朱寨村电商服务站", "industry", 8, "removed"),
]
OTHER_NAMES = [
    ("生产道路", "infrastructure"),
    ("葡萄种植基地", "industry"),
    ("饮水安全巩固", "infrastructure"),
    ("小额信贷贴息", "finance"),
    ("雨露计划培训", "education"),
    ("公益岗位", "employment"),
    ("村级光伏", "industry"),
    ("危房改造", "housing"),
    ("农村电网改造", "infrastructure"),
    ("标准化卫生室", "health"),
]
STAGES = ["", "review", "appraise", "approve", "enter", "plan", "start", "accept", "announce"]


def _users() -> dict:
    names = {"village", "township", "county", "sector", *(f"sector_{d}" for d in Department)}
    found = get_user_model().objects.filter(username__in=names, is_active=True)
    return {user.username: user for user in found}


def _who(users: dict, project, action: str):
    """The demo user who takes the step: the appraisal by the demo user of the project's
    department (`sector` is 人社局's), or by the county office when no department has
    the project's category."""
    if action != "appraise":
        return users.get(WHO[action])
    department = appraising_department(project)
    if department is None:
        return users.get("county")
    return users.get(
        "sector" if department == Department.HUMAN_RESOURCES else f"sector_{department}"
    )


def _apply(users, village: Region, name, category, wan, rng, *, days_ago=30, **extra):
    amount = Decimal(wan * 10000)
    central = (amount * Decimal("0.6")).quantize(Decimal("1"))
    return project_apply(
        acting_user=users.get("village") if village.code == DEMO_VILLAGE else None,
        region_code=village.code,
        year=date.today().year,
        name=name,
        category=category,
        nature="new",
        unit=f"{village.name}村民委员会"
        if not village.name.endswith("村")
        else f"{village.name}委会",
        person=rng.choice("王李张刘陈杨赵黄") + rng.choice("建国秀英明华志强"),
        phone="",
        tasks=f"{name}：按设计实施，{wan} 万元",
        amount=amount,
        fundings=[("central", "special", central), ("county", "special", amount - central)],
        targets=f"完成{name}，带动贫困户增收",
        mechanism="优先吸纳贫困户务工，收益用于贫困户分红",
        participation="村民代表大会议定，群众监督",
        households_planned=rng.randint(10, 60),
        applied_on=date.today() - timedelta(days=days_ago),
        **extra,
    )


def _walk(users, project, until: str):
    if not until:
        return project
    for action in FLOW:
        if project.stage == ACTIONS[until].target:
            break  # there already
        if project.stage not in ACTIONS[action].sources:
            continue  # taken already
        who = _who(users, project, action) if project.region_id == DEMO_VILLAGE else None
        project = project_act(
            action=action,
            project=project,
            acting_user=who,
            note="同意" if action in ("review", "appraise") else "",
            document=f"民扶组〔{date.today().year}〕{project.pk}号"
            if action in ("approve", "enter")
            else "",
        )
        if action == until:
            break
    return project


def library_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    county = region_code[:6]
    if Project.objects.filter(county_id=county.ljust(12, "0")).exists():
        return  # the demo's projects are there (a second run adds none)
    rng = random.Random(seed)
    users = _users()
    village = Region.objects.filter(code=DEMO_VILLAGE).first() or (
        Region.objects.filter(code__startswith=county, level=RegionLevel.VILLAGE)
        .order_by("code")
        .first()
    )
    if village is None:
        return
    made = 0
    households = list(
        Household.objects.filter(village=village)
        .order_by("number")
        .values_list("number", flat=True)[:12]
    )
    for name, category, wan, until in VILLAGE_PROJECTS:
        running = until == "running"
        project = _apply(users, village, name, category, wan, rng, days_ago=3 if running else 30)
        if until == "returned":
            project = project_act(
                action="return",
                project=project,
                acting_user=users.get("township"),
                note="投资估算依据不足，请补充后重新申报",
            )
        elif until == "removed":
            project = _walk(users, project, "enter")
            project = project_act(
                action="remove",
                project=project,
                acting_user=users.get("county"),
                note="群众意愿变化，项目不再实施",
            )
        elif until in ("start", "accept", "announce"):
            project = _walk(users, project, "start")
            for number in households[:4]:
                beneficiary_add(acting_user=None, project=project, household=number, how="务工")
            households = households[4:]
            project_progress_report(
                acting_user=None,
                project=project,
                percent=40 if until == "start" else 100,
                note="主体工程施工中" if until == "start" else "主体工程完工",
                reported_on=date.today(),
            )
            project = _walk(users, project, until)
        elif not running:
            project = _walk(users, project, until)
        made += 1
    others = list(
        Region.objects.filter(code__startswith=county, level=RegionLevel.VILLAGE)
        .exclude(code=village.code)
        .order_by("code")
    )
    rng.shuffle(others)
    for number, other in enumerate(others[:29]):
        label, category = OTHER_NAMES[number % len(OTHER_NAMES)]
        project = _apply(users, other, f"{other.name}{label}", category, rng.randint(5, 90), rng)
        _walk(users, project, STAGES[number % len(STAGES)])
        made += 1
    say(f"项目库：{made} 个项目（各环节均有）")
