"""The helpers part of `tuopin demo`: the demo county's households paired with their
registry helpers, visits in the last months (some overdue), one helper over the limit,
and households of the demo village still to visit (for the village and workteam users)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tuopin.core.bulk import insert_with_history
from tuopin.people.models import Pairing, Visit
from tuopin.people.pairing_services import cadre_account_link, pairing_start, pairings_sync
from tuopin.registry.models import Helper, Household

DEMO_VILLAGE = "411421101201"
TITLES = [
    ("了解家庭收入和务工情况", "推荐到扶贫车间务工"),
    ("查看住房安全", "申请危房改造"),
    ("了解孩子上学和资助情况", "核实雨露计划补助"),
    ("了解就医和慢病卡办理", "协助办理门诊慢性病卡"),
    ("宣讲扶贫政策", "按时参加产业培训"),
]


def helpers_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    county = region_code[:6]
    if Visit.objects.filter(region_code__startswith=county).exists():  # a second run adds none
        say("帮扶责任人与走访：已有数据，跳过")
        _helper_login(say)
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        ended, opened = pairings_sync(county)
        # One helper over the limit: six more households of the demo township.
        busiest = (
            Pairing.objects.filter(region_code__startswith=county, ended_on__isnull=True)
            .order_by("helper_id")
            .values_list("helper_id", flat=True)
            .first()
        )
        if busiest is not None:
            helper = Helper.objects.get(pk=busiest)
            extra = (
                Household.objects.filter(village__code__startswith=DEMO_VILLAGE[:9])
                .exclude(helper_id=busiest)
                .order_by("pk")[:6]
            )
            for household in extra:
                pairing_start(
                    acting_user=None,
                    household=household,
                    helper=helper,
                    started_on=today - datetime.timedelta(days=rng.randint(60, 400)),
                )
        paired = list(
            Pairing.objects.filter(region_code__startswith=county, ended_on__isnull=True)
            .order_by("household_id")
            .values_list("household_id", "helper_id", "region_code")[:3000]
        )
        rows = []
        for household_id, helper_id, village in paired:
            if village == DEMO_VILLAGE and rng.random() < 0.3:
                continue  # still to visit: the village cadre and work team record these
            last = rng.choice([5, 12, 20, 26, 45, 75]) if rng.random() < 0.85 else 50
            for back in range(last, last + 120, 30):
                title, agreed = rng.choice(TITLES)
                rows.append(
                    {
                        "household_id": household_id,
                        "helper_id": helper_id,
                        "region_code": village,
                        "visited_on": today - datetime.timedelta(days=back),
                        "title": title,
                        "agreed": agreed,
                        "content": "",
                        "followed_up": "",
                        "token": "",
                    }
                )
        insert_with_history(Visit, rows, reason="demo")
    say(
        f"帮扶责任人与走访：结对 {opened} 户（结束 {ended}），走访记录 {len(rows)} 条，"
        "一名帮扶责任人超过结对上限"
    )
    _helper_login(say)


def _helper_login(say) -> None:
    """The demo login `helper` (role 帮扶责任人) is the cadre paired with the most
    households of the demo village, so that it has households to visit."""
    account = get_user_model().objects.filter(username="helper").first()
    if account is None or Helper.objects.filter(account=account).exists():
        return
    top = (
        Pairing.objects.filter(region_code=DEMO_VILLAGE, ended_on__isnull=True)
        .values("helper_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "helper_id")
        .first()
    )
    if top is None:
        return
    cadre = Helper.objects.get(pk=top["helper_id"])
    cadre_account_link(acting_user=None, helper=cadre, username=account.username)
    say(f"帮扶责任人演示账号 helper：干部{cadre.name}，结对 {top['n']} 户")
