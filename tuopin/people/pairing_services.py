"""Writes of cadres (registry.Helper rows) and their pairings with households.

Every service checks the HELPERS topic (access.may_keep) for the region of the row:
no right at all is PermissionDenied, a row or region outside is OutOfScope (404).
The household's open pairing and `Household.helper` are kept equal: the registry shows
and exports the latter; `pairings_sync` makes the pairings follow it after the registry
import wrote it (set-based, a few statements whatever the size)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from simple_history.utils import bulk_update_with_history

from tuopin.accounts.roles import Role
from tuopin.accounts.selectors import user_assignments
from tuopin.core.bulk import insert_with_history
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.people import access
from tuopin.people.models import Pairing, PairingEndReason
from tuopin.regions.models import Region
from tuopin.registry.enums import UnitLevel
from tuopin.registry.idnumbers import canonical_id_number, check_id_number
from tuopin.registry.models import Helper, Household

CADRE_FIELDS = ("name", "id_number", "work_unit", "unit_level", "post", "phone")


def _check_keep(user, topic: str, region_code: str) -> None:
    if user is None:  # a command run by the operator
        return
    if not access.may_keep(user, topic):
        raise PermissionDenied("没有权限：维护帮扶力量数据 (you may not keep this data)")
    if not access.may_keep(user, topic, region_code):
        raise OutOfScope("region", region_code)


def county_of(code: str) -> str:
    return code[:6].ljust(12, "0")


def may_keep_cadre(user, helper: Helper) -> bool:
    """The county's keepers, and a township keeper of a household the cadre is paired with."""
    if access.may_keep(user, access.HELPERS, helper.region_id):
        return True
    if not access.may_keep(user, access.HELPERS):
        return False
    return (
        Pairing.objects.filter(helper=helper)
        .filter(access.keep_q(user, access.HELPERS, "region_code"))
        .exists()
    )


_UNIT_LEVELS = frozenset(UnitLevel.values)
_UNIT_LEVEL_LABELS: dict[str, dict[str, str]] = {}


def _unit_level_labels() -> dict[str, str]:
    """The unit levels by label in the active language: made once per language, not per
    cadre (a helpers file names thousands of cadres by the label 县直; translating the
    five labels for each was a sixth of that import's checking)."""
    language = translation.get_language()
    labels = _UNIT_LEVEL_LABELS.get(language)
    if labels is None:
        labels = {str(label): value for value, label in UnitLevel.choices}
        _UNIT_LEVEL_LABELS[language] = labels
    return labels


def cadre_clean(values: dict) -> dict:
    """The cadre's fields checked and cleaned; a TuopinError names the first bad field."""
    cleaned = {name: str(values.get(name) or "").strip() for name in CADRE_FIELDS}
    if not cleaned["name"]:
        raise TuopinError("cadre_name_empty", "姓名不能为空", "the name is empty", field="name")
    if len(cleaned["name"]) > 50:
        raise TuopinError(
            "cadre_name_long", "姓名不能超过50个字", "the name is over 50 characters", field="name"
        )
    if cleaned["id_number"]:
        check = check_id_number(cleaned["id_number"])
        if not check.valid:
            problem = check.errors[0]
            raise TuopinError(
                "cadre_id_invalid",
                f"身份证号无效：{problem.message_zh}",
                f"invalid ID number: {problem.message_en}",
                field="id_number",
            )
        cleaned["id_number"] = canonical_id_number(check.normalised)
    if cleaned["unit_level"] and cleaned["unit_level"] not in _UNIT_LEVELS:
        labels = _unit_level_labels()
        if cleaned["unit_level"] in labels:
            cleaned["unit_level"] = labels[cleaned["unit_level"]]
        else:
            raise TuopinError(
                "cadre_unit_level",
                f"单位级别“{cleaned['unit_level']}”无效：应为省直、市直、县直、乡镇或村级",
                f"invalid unit level '{cleaned['unit_level']}'",
                field="unit_level",
            )
    for name, limit in (("work_unit", 100), ("post", 50), ("phone", 30)):
        if len(cleaned[name]) > limit:
            raise TuopinError(
                f"cadre_{name}_long",
                f"{Helper._meta.get_field(name).verbose_name}不能超过{limit}个字",
                f"{name} is over {limit} characters",
                field=name,
            )
    return cleaned


def cadre_save(*, acting_user, region_code: str, values: dict, helper: Helper | None = None):
    """Create (helper None) or change a cadre of the county of `region_code`. A cadre is
    one person per ID number within a county."""
    county = county_of(helper.region_id if helper is not None else region_code)
    if helper is None:
        _check_keep(acting_user, access.HELPERS, region_code)
    elif acting_user is not None and not may_keep_cadre(acting_user, helper):
        if not access.may_keep(acting_user, access.HELPERS):
            raise PermissionDenied("没有权限：维护帮扶力量数据 (you may not keep this data)")
        raise OutOfScope("helper", str(helper.pk))
    cleaned = cadre_clean(values)
    if not Region.objects.filter(code=county).exists():
        raise TuopinError(
            "cadre_region", "所属县（区）不存在", "the county does not exist", field="region"
        )
    if cleaned["id_number"]:
        same = Helper.objects.filter(region_id=county, id_number=cleaned["id_number"])
        if helper is not None:
            same = same.exclude(pk=helper.pk)
        if same.exists():
            raise TuopinError(
                "cadre_id_taken",
                "本县（区）已有该身份证号的干部",
                "a cadre of the county already has this ID number",
                field="id_number",
            )
    with transaction.atomic():
        if helper is None:
            helper = Helper(region_id=county)
        elif all(getattr(helper, k) == v for k, v in cleaned.items()):
            return helper
        for name, value in cleaned.items():
            setattr(helper, name, value)
        helper._history_user = acting_user
        helper.save()
    return helper


def _set_household_helper(household: Household, helper_id, user) -> None:
    if household.helper_id == helper_id:
        return
    household.helper_id = helper_id
    household.version += 1
    household._history_user = user
    household._change_reason = "帮扶结对"
    household.save(update_fields=["helper", "version", "updated_at"])


def pairing_start(
    *,
    acting_user,
    household: Household,
    helper: Helper,
    started_on: datetime.date | None,
    reason: str = PairingEndReason.REPLACED,
) -> Pairing:
    """Pair the household with the helper from `started_on` (None: not known). An open
    pairing with another helper ends that day; with the same helper nothing changes."""
    _check_keep(acting_user, access.HELPERS, household.village_id)
    if county_of(helper.region_id) != county_of(household.village_id):
        raise TuopinError(
            "pairing_other_county",
            "帮扶责任人不属于本户所在县（区）",
            "the helper is not of the household's county",
            field="helper",
        )
    today = timezone.localdate()
    if started_on is not None and started_on > today:
        raise TuopinError(
            "pairing_future", "结对日期不能晚于今天", "the start is after today", field="started_on"
        )
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        current = Pairing.objects.filter(household=household, ended_on__isnull=True).first()
        if current is not None and current.helper_id == helper.pk:
            _set_household_helper(household, helper.pk, acting_user)
            return current
        if current is not None:
            end = started_on or today
            if current.started_on is not None and end < current.started_on:
                raise TuopinError(
                    "pairing_before_current",
                    "结对日期早于现任帮扶责任人的结对日期",
                    "the start is before the current pairing's start",
                    field="started_on",
                )
            current.ended_on, current.ended_reason = end, reason
            current._history_user = acting_user
            current.save()
        pairing = Pairing(
            helper=helper,
            household=household,
            region_code=household.village_id,
            started_on=started_on,
        )
        pairing._history_user = acting_user
        pairing.save()
        _set_household_helper(household, helper.pk, acting_user)
    return pairing


def pairing_end(*, acting_user, pairing: Pairing, ended_on: datetime.date, reason: str) -> Pairing:
    _check_keep(acting_user, access.HELPERS, pairing.region_code)
    if pairing.ended_on is not None:
        raise TuopinError("pairing_ended", "该结对已结束", "the pairing has ended already")
    if reason not in PairingEndReason.values:
        raise TuopinError("pairing_reason", "结束原因无效", "invalid reason", field="ended_reason")
    if ended_on > timezone.localdate() or (
        pairing.started_on is not None and ended_on < pairing.started_on
    ):
        raise TuopinError(
            "pairing_end_date",
            "结束日期应在结对日期之后且不晚于今天",
            "the end must be after the start and not after today",
            field="ended_on",
        )
    with transaction.atomic():
        pairing.ended_on, pairing.ended_reason = ended_on, reason
        pairing._history_user = acting_user
        pairing.save()
        household = Household.objects.select_for_update().get(pk=pairing.household_id)
        if household.helper_id == pairing.helper_id:
            _set_household_helper(household, None, acting_user)
    return pairing


def pairings_sync(prefix: str = "") -> tuple[int, int]:
    """Make the open pairings under `prefix` follow `Household.helper` (after a registry
    import, which writes that column): one statement ends the open pairings whose
    household's helper changed or was cleared (today, 建档立卡信息变更), one inserts an
    open pairing (start unknown) for each household whose helper has none.
    Returns (ended, opened). Cheap when nothing changed: two indexed reads."""
    today = timezone.localdate()
    with transaction.atomic():
        stale = Pairing.objects.filter(
            ended_on__isnull=True, region_code__startswith=prefix
        ).filter(Q(household__helper__isnull=True) | ~Q(household__helper_id=F("helper_id")))
        gone = list(Pairing.objects.filter(pk__in=stale.values("pk")))
        for pairing in gone:
            pairing.ended_on, pairing.ended_reason = today, PairingEndReason.REGISTRY
        if gone:
            bulk_update_with_history(
                gone,
                Pairing,
                ["ended_on", "ended_reason"],
                batch_size=2000,
                default_change_reason="registry import",
            )
        ended = len(gone)
        open_same = Pairing.objects.filter(household_id=OuterRef("pk"), ended_on__isnull=True)
        missing = (
            Household.objects.filter(village__code__startswith=prefix, helper__isnull=False)
            .exclude(Exists(open_same))
            .values_list("pk", "helper_id", "village__code")
        )
        now = timezone.now()
        rows = [
            {
                "household_id": pk,
                "helper_id": helper_id,
                "region_code": village,
                "started_on": None,
                "ended_on": None,
                "ended_reason": "",
                "created_at": now,
            }
            for pk, helper_id, village in missing
        ]
        insert_with_history(Pairing, rows, reason="registry import")
    return ended, len(rows)


def cadre_account_link(*, acting_user, helper: Helper, username: str) -> Helper:
    """Give the cadre their own login (a user of role 帮扶责任人 in the cadre's county), or
    take it away (blank username). One login is one cadre."""
    if acting_user is not None and not may_keep_cadre(acting_user, helper):
        raise PermissionDenied("没有权限：维护该帮扶责任人 (you may not keep this helper)")
    username = (username or "").strip()
    account = None
    if username:
        account = get_user_model().objects.filter(username=username, is_active=True).first()
        county = county_of(helper.region_id)
        if account is None or not any(
            a.role == Role.HELPER and county_of(a.region_id) == county
            for a in user_assignments(account)
        ):
            raise TuopinError(
                "cadre_account_unknown",
                f"本县（区）没有角色为“帮扶责任人”的账号“{username}”",
                f"the county has no helper login '{username}'",
                field="username",
            )
        taken = Helper.objects.filter(account=account).exclude(pk=helper.pk).first()
        if taken is not None:
            raise TuopinError(
                "cadre_account_taken",
                f"账号“{username}”已关联干部{taken.name}",
                f"the login '{username}' belongs to the cadre {taken.name}",
                field="username",
            )
    if helper.account_id == (account.pk if account else None):
        return helper
    helper.account = account
    helper._history_user = acting_user
    helper.save(update_fields=["account"])
    return helper
