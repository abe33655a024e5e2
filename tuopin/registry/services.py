"""Writes of the registry. Every write is scoped, validated whole, and leaves history."""

from datetime import date
from functools import wraps

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import access_region, in_scope, require_permission
from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region
from tuopin.registry.changes import registry_written
from tuopin.registry.enums import (
    EVENT_FOLLOWS,
    EVENT_STATUS,
    MemberEventKind,
    MemberStatus,
    PovertyCause,
)
from tuopin.registry.idnumbers import by_stored_form, canonical_id_number
from tuopin.registry.lookups import (
    elsewhere_lookup_record,
    elsewhere_lookups_check,
    holder_message,
)
from tuopin.registry.models import (
    Helper,
    Household,
    HouseholdCause,
    Income,
    Measure,
    Member,
    MemberEvent,
)
from tuopin.registry.totals import totals_refresh
from tuopin.registry.validation import (
    Problem,
    as_errors,
    clean_member,
    household_member_problems,
)

ELSEWHERE = "id_registered_elsewhere"  # a number held outside the user's region


class RegistryInvalid(TuopinError):
    """Input refused as a whole; `problems` lists every error (and warning) found."""

    def __init__(self, problems: list[Problem]):
        errors = [p for p in problems if not p.warning]
        first = errors[0]
        super().__init__(
            first.code,
            "；".join(p.message_zh for p in errors),
            "; ".join(p.message_en for p in errors),
            field=first.field,
        )
        self.problems = problems
        # Numbers found registered outside the user's region (logs_elsewhere_lookups).
        self.registered_elsewhere = sum(p.code == ELSEWHERE for p in problems)


class StaleEdit(TuopinError):
    status = 409

    def __init__(self, what_zh: str, what_en: str):
        super().__init__(
            "stale_edit",
            f"{what_zh}已被他人修改，您的修改未保存。请刷新后重新修改。",
            f"the {what_en} was changed by someone else; your edit was not saved. Reload "
            "and edit again.",
        )


def _full_clean(instance, **options) -> None:
    """Model validation (choices, lengths, constraints) reported like every other problem."""
    try:
        instance.full_clean(**options)
    except ValidationError as invalid:
        raise RegistryInvalid(
            [
                Problem(
                    field if field != NON_FIELD_ERRORS else "",
                    "invalid_value",
                    f"{_label(instance, field)}：{_in_language(error, 'zh-hans')}",
                    f"{field}: {_in_language(error, 'en')}",
                )
                for field, errors in invalid.error_dict.items()
                for error in errors
            ]
        ) from invalid


def _in_language(error: ValidationError, language: str) -> str:
    """Django's message in one language, whichever the request speaks."""
    with translation.override(language):
        return "；".join(str(message) for message in error)


def _label(instance, field: str) -> str:
    try:
        with translation.override("zh-hans"):
            return str(instance._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - a non-field error has no label
        return "数据"


def _raise_errors(problems: list[Problem]) -> None:
    """Typed input (forms, API): a suspect value is refused, not stored with a warning as
    an import stores it (validation.SUSPECT_CODES)."""
    problems = as_errors(problems)
    if any(not p.warning for p in problems):
        raise RegistryInvalid(problems)


def _writable_village(acting_user, village_code: str) -> Region:
    village = access_region(acting_user, village_code)
    require_permission(acting_user, Permission.REGISTRY_EDIT, village.code)
    if village.level != RegionLevel.VILLAGE:
        raise TuopinError(
            "household_not_in_village",
            "贫困户必须登记在行政村（社区）",
            "a household is registered in a village",
            field="village",
        )
    return village


def _id_owners(numbers: list[str], exclude_household: int | None = None) -> dict[str, Member]:
    """Number -> the member registered with it, in whichever form it was stored."""
    asked = by_stored_form(numbers)
    members = Member.objects.filter(id_number__in=asked).select_related("household__village")
    if exclude_household is not None:
        members = members.exclude(household_id=exclude_household)
    return {asked[m.id_number]: m for m in members}


def _duplicate_problems(
    cleaned: list[dict], exclude_household: int | None, acting_user
) -> list[Problem]:
    """The household holding each number, as much of it as the user's region allows
    (lookups.holder_message); a user past the hour's allowance of numbers found
    elsewhere learns nothing more."""
    owners = _id_owners([m["id_number"] for m in cleaned], exclude_household)
    problems = []
    for index, member in enumerate(cleaned):
        owner = owners.get(member["id_number"])
        if owner is not None:
            household = owner.household
            visible = in_scope(acting_user, household.village_id)
            zh, en = holder_message(
                village_code=household.village_id,
                village_name=household.village.name,
                household_number=household.number,
                person=owner.name,
                visible=visible,
            )
            code = "id_in_other_household" if visible else ELSEWHERE
            problems.append(Problem("id_number", code, zh, en, member=index))
    if any(p.code == ELSEWHERE for p in problems):
        elsewhere_lookups_check(acting_user)
    return problems


def logs_elsewhere_lookups(function):
    """Run a registry write in one transaction; numbers found registered elsewhere are
    logged after it, so the refusal that rolls the write back keeps its trace."""
    atomic = transaction.atomic(function)

    @wraps(function)
    def write(*args, acting_user, **kwargs):
        try:
            return atomic(*args, acting_user=acting_user, **kwargs)
        except TuopinError as invalid:
            found = getattr(invalid, "registered_elsewhere", 0)
            elsewhere_lookup_record(acting_user=acting_user, count=found, source=function.__name__)
            raise

    return write


def _clean_members(members: list[dict], today: date) -> tuple[list[dict], list[Problem]]:
    cleaned, problems = [], []
    for index, member in enumerate(members):
        data, found = clean_member(member, on=today)
        cleaned.append(data)
        problems += [
            Problem(p.field, p.code, p.message_zh, p.message_en, index, p.warning) for p in found
        ]
    return cleaned, problems


def _set_other_causes(household: Household, causes, acting_user) -> None:
    wanted = {c for c in causes if c and c != household.main_cause}
    unknown = wanted - set(PovertyCause.values)
    if unknown:
        raise TuopinError(
            "cause_unknown",
            f"未知的致贫原因：{sorted(unknown)}",
            f"unknown causes: {sorted(unknown)}",
            field="other_causes",
        )
    current = {c.cause: c for c in household.other_causes.all()}
    for cause in set(current) - wanted:
        current[cause]._history_user = acting_user
        current[cause].delete()
    for cause in wanted - set(current):
        link = HouseholdCause(household=household, cause=cause)
        link._history_user = acting_user
        link.save()


@logs_elsewhere_lookups
def household_register(
    *,
    acting_user,
    village_code: str,
    number: str,
    attributes: dict,
    members: list[dict],
    other_causes=(),
) -> Household:
    """Register a household with its members; every problem is reported at once."""
    village = _writable_village(acting_user, village_code)
    today = timezone.localdate()
    cleaned, problems = _clean_members(members, today)
    problems += household_member_problems(cleaned)
    problems += _duplicate_problems(cleaned, exclude_household=None, acting_user=acting_user)
    if Household.objects.filter(village=village, number=number).exists():
        problems.append(
            Problem(
                "number",
                "household_number_taken",
                f"{village.name} 已有户编号 {number}",
                f"{village.code} already has household {number}",
            )
        )
    _raise_errors(problems)
    household = Household(village=village, number=number, **attributes)
    household._history_user = acting_user
    _full_clean(household, exclude=["helper"])
    household.save()
    for data in cleaned:
        member = Member(household=household, **data)
        member._history_user = acting_user
        _full_clean(member, exclude=["household"], validate_constraints=False)
        member.save()
    _set_other_causes(household, other_causes, acting_user)
    totals_refresh(villages=[village.code])
    return household


def _lock_version(model, pk: int, version: int, what_zh: str, what_en: str) -> None:
    """Optimistic locking: the edit must start from the version now stored.

    `select_for_update` holds the row on PostgreSQL; SQLite's IMMEDIATE transactions
    (config/base.py) serialise writers, so the comparison cannot race there either.
    """
    current = model.objects.select_for_update().filter(pk=pk).values_list("version", flat=True)
    if current.first() != version:
        raise StaleEdit(what_zh, what_en)


@transaction.atomic
def household_update(
    *, acting_user, household: Household, version: int, attributes: dict, other_causes=None
) -> Household:
    """Change household facts; refused when someone saved a newer version meanwhile."""
    _writable_village(acting_user, household.village_id)
    _lock_version(Household, household.pk, version, "该户信息", "household")
    procedure = sorted(
        PROCEDURE_FIELDS & {k for k, v in attributes.items() if v != getattr(household, k)}
    )
    if procedure:
        raise TuopinError(
            "status_by_procedure",
            "脱贫状态及识别、脱贫、返贫年度只能通过动态管理流程（识别、退出、返贫）变更",
            "status and the identification, exit and return years change only through a case",
            field=procedure[0],
        )
    for name, value in attributes.items():
        setattr(household, name, value)
    _full_clean(household, exclude=["helper"])
    household.version = version + 1
    household._history_user = acting_user
    household.save()
    if other_causes is not None:
        _set_other_causes(household, other_causes, acting_user)
    totals_refresh(villages=[household.village_id])  # status or attribute may have changed
    return household


# Set only by an approved case (cases app), never by an ordinary edit.
PROCEDURE_FIELDS = frozenset({"status", "identified_year", "exit_year", "returned_year"})


@transaction.atomic
def household_procedure_apply(
    *, acting_user, household: Household, reason: str, **changes
) -> Household:
    """Apply an approved identification, exit or return to the registry, with history.

    The approval rights were checked by the case; here only the scope and the fields.
    """
    if not in_scope(acting_user, household.village_id):
        raise OutOfScope("household", str(household.pk))
    unknown = set(changes) - PROCEDURE_FIELDS
    if unknown:
        raise ValueError(f"not procedure fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(household, name, value)
    household.version += 1
    household._history_user = acting_user
    household._change_reason = reason
    household.save()
    totals_refresh(villages=[household.village_id])  # the status moved the household
    return household


@logs_elsewhere_lookups
def member_add(*, acting_user, household: Household, data: dict) -> Member:
    """A new member (birth, marriage in, moving in); the arrival is recorded as an event."""
    _writable_village(acting_user, household.village_id)
    arrival = data.pop("event", MemberEventKind.BIRTH)
    arrival_date = data.pop("event_date", None) or timezone.localdate()
    cleaned, problems = clean_member(data, on=timezone.localdate())
    others = [_member_dict(m) for m in household.members.all()]
    problems += [
        p
        for p in household_member_problems([*others, cleaned])
        if p.member == len(others) or p.member is None
    ]
    problems += _duplicate_problems([cleaned], exclude_household=None, acting_user=acting_user)
    _raise_errors(problems)
    member = Member(household=household, **cleaned)
    member._history_user = acting_user
    member.save()
    _record_event(acting_user, member, arrival, arrival_date, "")
    totals_refresh(villages=[household.village_id])
    return member


@logs_elsewhere_lookups
def member_update(*, acting_user, member: Member, version: int, data: dict) -> Member:
    household = member.household
    _writable_village(acting_user, household.village_id)
    _lock_version(Member, member.pk, version, "该成员信息", "member")
    cleaned, problems = clean_member({**_member_dict(member), **data}, on=timezone.localdate())
    others = [_member_dict(m) for m in household.members.exclude(pk=member.pk)]
    problems += [
        p
        for p in household_member_problems([*others, cleaned])
        if p.member == len(others) or p.member is None
    ]
    problems += _duplicate_problems(
        [cleaned], exclude_household=household.pk, acting_user=acting_user
    )
    _raise_errors(problems)
    for name, value in cleaned.items():
        setattr(member, name, value)
    member.version = version + 1
    member._history_user = acting_user
    member.save()
    totals_refresh(villages=[household.village_id])  # the status may have changed
    return member


def _member_dict(member: Member) -> dict:
    return {
        f.attname: getattr(member, f.attname)
        for f in Member._meta.concrete_fields
        if f.attname not in ("id", "household_id", "version")
    }


def _record_event(acting_user, member: Member, kind: str, when: date, note: str) -> MemberEvent:
    return MemberEvent.objects.create(
        member=member, kind=kind, date=when, note=note, recorded_by=acting_user
    )


@transaction.atomic
def member_record_event(
    *, acting_user, member: Member, kind: str, when: date, note: str = ""
) -> MemberEvent:
    """A dated change (death, marriage out, moving, prison, release) sets the member's status."""
    _writable_village(acting_user, member.household.village_id)
    if kind not in MemberEventKind.values:
        raise TuopinError(
            "event_kind_unknown", f"未知的变动类型：{kind}", f"unknown change: {kind}", field="kind"
        )
    if when > timezone.localdate():
        raise TuopinError(
            "event_in_future",
            "变动日期不能晚于今天",
            "the date of a change cannot be in the future",
            field="date",
        )
    _check_event_fits(member, kind, when)
    event = _record_event(acting_user, member, kind, when, note)
    member.status = EVENT_STATUS[kind]
    member.version += 1
    member._history_user = acting_user
    member.save(update_fields=["status", "version"])
    totals_refresh(villages=[member.household.village_id])
    return event


def _check_event_fits(member: Member, kind: str, when: date) -> None:
    """Events follow the member's life in order: from the status it is in, after its birth
    and after the member's latest event."""
    status = member.status or MemberStatus.NORMAL
    label = MemberEventKind(kind).label
    if status not in EVENT_FOLLOWS[kind]:
        raise TuopinError(
            "event_does_not_fit",
            f"{member.name}现为“{MemberStatus(status).label}”，不能登记“{label}”",
            f"{member.name} is {MemberStatus(status).name.lower()}: cannot record {kind}",
            field="kind",
        )
    if member.birth_date and when < member.birth_date:
        raise TuopinError(
            "event_before_birth",
            f"变动日期早于{member.name}的出生日期 {member.birth_date}",
            f"the date is before {member.name}'s birth ({member.birth_date})",
            field="date",
        )
    latest = member.events.order_by("-date").values_list("date", flat=True).first()
    if latest and when < latest:
        raise TuopinError(
            "event_before_latest",
            f"变动日期早于{member.name}上一次变动的日期 {latest}",
            f"the date is before {member.name}'s latest change ({latest})",
            field="date",
        )


@transaction.atomic
def income_record(*, acting_user, household: Household, year: int, amounts: dict) -> Income:
    """Create or replace one year's income of a household."""
    _writable_village(acting_user, household.village_id)
    negative = [
        name
        for name, value in amounts.items()
        if value is not None and value < 0 and name != "business"
    ]
    if negative:
        raise TuopinError(
            "income_negative",
            f"收入不能为负数：{', '.join(negative)}",
            f"amounts cannot be negative: {', '.join(negative)}",
            field=negative[0],
        )
    income = Income.objects.filter(household=household, year=year).first() or Income(
        household=household, year=year
    )
    for name, value in amounts.items():
        setattr(income, name, value)
    income._history_user = acting_user
    _full_clean(income, validate_unique=False)
    income.save()
    return income


@transaction.atomic
def measure_add(*, acting_user, household: Household, **fields) -> Measure:
    _writable_village(acting_user, household.village_id)
    measure = Measure(household=household, **fields)
    measure._history_user = acting_user
    _full_clean(measure)
    measure.save()
    return measure


@logs_elsewhere_lookups
def helper_assign(
    *,
    acting_user,
    household: Household,
    name: str,
    work_unit: str = "",
    post: str = "",
    phone: str = "",
    id_number: str = "",
) -> Helper:
    """Name the household's responsible helper; a registered poor person cannot be one."""
    _writable_village(acting_user, household.village_id)
    id_number = canonical_id_number(id_number)  # a 15-digit number as its 18-digit form
    if id_number:
        owner = _id_owners([id_number]).get(id_number)
        if owner is not None:
            visible = in_scope(acting_user, owner.household.village_id)
            if not visible:
                elsewhere_lookups_check(acting_user)
            where_zh, where_en = holder_message(
                village_code=owner.household.village_id,
                village_name=owner.household.village.name,
                household_number=owner.household.number,
                person=owner.name,
                visible=visible,
            )
            refused = TuopinError(
                "helper_is_registered_poor",
                f"帮扶责任人 {name} 是建档立卡贫困人口：{where_zh}",
                f"helper {name} is a registered poor person: {where_en}",
                field="id_number",
            )
            refused.registered_elsewhere = int(not visible)
            raise refused
    county = household.village_id[:6].ljust(12, "0")
    # The same cadre helps several households: reuse the county's helper of that name
    # (and phone, or ID number when given); names alone may repeat, so no unique key.
    same = Helper.objects.filter(region_id=county, name=name)
    helper = (same.filter(id_number=id_number) if id_number else same.filter(phone=phone)).first()
    if helper is None:
        helper = Helper(
            region_id=county,
            name=name,
            work_unit=work_unit,
            post=post,
            phone=phone,
            id_number=id_number,
        )
        helper._history_user = acting_user
        helper.save()
    household.helper = helper
    household.version += 1
    household._history_user = acting_user
    household.save(update_fields=["helper", "version"])
    registry_written(household.village_id)
    return helper


def household_contact_reveal(
    *, acting_user, household: Household, field: str, request=None, channel: str = "web"
) -> str:
    """The household's full phone or bank account, as member_id_reveal does for numbers;
    only for registry readers (a sector user reveals ID numbers, not contacts)."""
    if field not in ("phone", "bank_account"):
        raise TuopinError("field_unknown", f"未知字段：{field}", f"unknown field {field}")
    require_permission(acting_user, Permission.REGISTRY_VIEW, household.village_id)
    _reveal_allowed_and_logged(
        acting_user,
        request,
        household.village_id,
        household,
        f"{channel}: {household.number} {field}",
    )
    return getattr(household, field)


def member_id_reveal(*, acting_user, member: Member, request=None, channel: str = "web") -> str:
    """The full ID number, for roles allowed to see it; every look is in the access log."""
    _reveal_allowed_and_logged(
        acting_user, request, member.household.village_id, member, f"{channel}: {member.name}"
    )
    return member.id_number


def _reveal_allowed_and_logged(acting_user, request, region_code: str, row, detail: str) -> None:
    """Every reveal of a personal value: the right to it there, and its trace."""
    require_permission(acting_user, Permission.PERSON_REVEAL, region_code)
    access_log_record(
        kind=AccessKind.REVEAL,
        user=acting_user,
        request=request,
        region_code=region_code,
        object_type=row._meta.model_name,
        object_id=str(row.pk),
        detail=detail,
    )
