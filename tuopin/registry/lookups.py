"""What an ID number registered in another household may tell the person who typed it.

Inside the user's region the household (village, number and the person's name) is
named, so the office can resolve the double registration. Outside it, only the county
where the number is registered, so that the two offices can talk: neither the village,
the household nor the person. Each such look-up is logged, and a user gets a bounded
number of them per hour (setting TUOPIN_ELSEWHERE_LOOKUPS_PER_HOUR): typing numbers into
a form must not become a way to locate people across the city.
"""

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from tuopin.audit.models import AccessKind, AccessLog
from tuopin.audit.services import access_log_record
from tuopin.core.errors import TuopinError
from tuopin.regions.models import Region


class LookupsExhausted(TuopinError):
    status = 429


@lru_cache(maxsize=64)
def _county_name(county_code: str) -> str:
    return Region.objects.filter(code=county_code).values_list("name", flat=True).first() or ""


def holder_message(
    *, village_code: str, village_name: str, household_number: str, person: str, visible: bool
) -> tuple[str, str]:
    """(Chinese, English) of "this number is registered in ..." as much as the user may see."""
    if visible:
        return (
            f"证件号码已登记在 {village_name} 户编号 {household_number}（{person}）",
            f"the ID number is registered in household {household_number} of "
            f"{village_code} ({person})",
        )
    county = village_code[:6].ljust(12, "0")
    name = _county_name(county)
    return (
        f"证件号码已在{name}（{county[:6]}）登记为建档立卡人员，请与该县扶贫办核实",
        f"the ID number is registered in another county, {name} ({county[:6]}); "
        "resolve it with that county's office",
    )


def elsewhere_lookups_check(acting_user) -> None:
    """Refuse, before anything is said about a number registered elsewhere, a user who
    has spent the hour's allowance of such look-ups."""
    if acting_user is None:
        return  # the command line, run by whoever administers the server
    limit = settings.TUOPIN_ELSEWHERE_LOOKUPS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    spent = AccessLog.objects.filter(
        user=acting_user, kind=AccessKind.LOOKUP, at__gte=since
    ).count()
    if spent >= limit:
        raise LookupsExhausted(
            "elsewhere_lookups_exhausted",
            f"一小时内查询其他区域已登记证件号码的次数已达上限（{limit} 次），请稍后再试",
            f"you have looked up numbers registered elsewhere {limit} times this hour; "
            "try again later",
            field="id_number",
        )


def elsewhere_lookup_record(*, acting_user, count: int, source: str, request=None) -> None:
    """Log that `count` numbers were found registered outside the user's region."""
    if acting_user is None or not count:
        return
    access_log_record(
        kind=AccessKind.LOOKUP,
        user=acting_user,
        request=request,
        object_type="id_number",
        detail=f"{source}：{count} 个证件号码已在其他区域登记",
    )
