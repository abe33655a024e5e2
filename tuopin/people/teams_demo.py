"""The work teams of the demo (`tuopin demo`): a team in every poor village of the demo
county (in one village of ten when none is poor), a month of attendance, and planted
shortfalls for the checks to find: a team of two, a team without a leader, a posting
recalled early and a member short of days in the village. The workteam demo user is the
first secretary of the demo village's team; the county office and 组织部 keep the teams,
the village users sign attendance."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from tuopin.people.enums import AttendanceStatus, PostingRole
from tuopin.people.models import Attendance, Posting, WorkTeam
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.enums import UnitLevel
from tuopin.registry.idnumbers import make_id_number
from tuopin.registry.models import Helper

DEMO_VILLAGE = "411421101201"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
UNITS = ["县财政局", "县教育局", "县交通局", "县水利局", "县农业农村局", "县人社局", "县卫健委"]


def _last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def teams_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    county = region_code[:6]
    if WorkTeam.objects.filter(village__code__startswith=county).exists():
        return  # the demo's teams are there (a second run adds none)
    rng = random.Random(seed)
    villages = list(
        Region.objects.filter(
            level=RegionLevel.VILLAGE, code__startswith=county, is_poor_village=True
        ).order_by("code")
    )
    if not villages:
        every = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county)
        villages = list(every.order_by("code")[::10])
    demo_village = Region.objects.filter(code=DEMO_VILLAGE).first()
    if demo_village is not None and demo_village not in villages:
        villages.insert(0, demo_village)
    started = date(year - 1, 3, 1)
    workteam = get_user_model().objects.filter(username="workteam").first()
    sequence = iter(range(1, 100_000))
    with transaction.atomic():
        cadres, teams, plan = [], [], []
        for index, village in enumerate(villages):
            team = WorkTeam(village=village, sending_unit=rng.choice(UNITS), started_on=started)
            teams.append(team)
            roles = [PostingRole.FIRST_SECRETARY, PostingRole.LEADER, PostingRole.MEMBER]
            if index == 1:
                roles = roles[:2]  # planted: a team of two
            elif index == 2:
                roles = [PostingRole.MEMBER] * 3  # planted: no leader
            elif index == 3:
                roles = [*roles, "recalled"]  # planted: a member recalled a year early
            for role in roles:
                number = next(sequence)
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                if index == 0 and role == PostingRole.FIRST_SECRETARY and workteam is not None:
                    name = (workteam.get_full_name() or "").strip() or name
                cadres.append(
                    Helper(
                        region_id=region_code,
                        name=name,
                        work_unit=team.sending_unit,
                        unit_level=UnitLevel.COUNTY,
                        post="科员" if role == PostingRole.MEMBER else "副科长",
                        id_number=make_id_number(
                            county,
                            date(1975 + number % 20, 1 + number % 12, 1 + number % 28),
                            number % 500,
                            "1" if number % 2 else "2",
                        ),
                    )
                )
                plan.append((team, len(cadres) - 1, role))
        WorkTeam.objects.bulk_create(teams)
        Helper.objects.bulk_create(cadres)
        rows = []
        for team, i, role in plan:
            posting = Posting(team=team, cadre=cadres[i], role=role, started_on=started)
            if role == "recalled":
                posting.role = PostingRole.MEMBER
                posting.ended_on = date(year, 2, 28)
                posting.recalled_reason = "工作调整召回"
            rows.append(posting)
        Posting.objects.bulk_create(rows)
        attendance = _month_of_attendance(rng, rows)
        Attendance.objects.bulk_create(attendance, batch_size=2000)
    say(
        f"驻村工作队 {len(teams)} 支，队员 {len(rows)} 人，考勤 {len(attendance)} 条 "
        f"(work teams: {len(teams)}, members {len(rows)}, attendance {len(attendance)} days)"
    )


def _month_of_attendance(rng: random.Random, rows: list[Posting]) -> list[Attendance]:
    """Last month, Monday to Saturday: present mostly, a leave now and then; one member of
    the second team spends too few days in the village (planted)."""
    first, last = _last_month(date.today())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    working = [d for d in days if d.weekday() < 6]  # Monday to Saturday
    attendance = []
    for index, posting in enumerate(rows):
        if posting.ended_on is not None and posting.ended_on < first:
            continue
        short = index == 4  # the team of two's second member
        for day in working:
            if short and day.day > 10:
                status = AttendanceStatus.ABSENT
            else:
                status = AttendanceStatus.LEAVE if rng.random() < 0.04 else AttendanceStatus.PRESENT
            attendance.append(
                Attendance(
                    posting=posting,
                    day=day,
                    status=status,
                    reason="事假" if status == AttendanceStatus.LEAVE else "",
                )
            )
    return attendance
