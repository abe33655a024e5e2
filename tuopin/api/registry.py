"""Registry endpoints: households and members, scoped, with the services' rules.

Every caller gets ID numbers, disability certificates, phones and bank accounts masked;
the full values are one explicit call that needs `person.reveal` in the row's region and
writes an access-log entry (`POST /members/{id}/reveal`, `POST /households/{id}/reveal`
with `{"field": "phone"}` or `{"field": "bank_account"}`).
"""

from typing import Literal

from django.db import transaction
from ninja import Field, ModelSchema, Query, Router, Schema
from ninja.responses import Status

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.api.masking import mask_value
from tuopin.api.schemas import answers
from tuopin.api.types import Day, Filter, Limit, RegionCode, RowId, Text, model_input_schema
from tuopin.registry.enums import MemberEventKind, MemberStatus, PovertyCause, PovertyStatus
from tuopin.registry.models import Household, Member
from tuopin.registry.selectors import (
    access_household,
    access_member,
    household_rows,
    household_search,
    keyset_page,
    member_search,
)
from tuopin.registry.services import (
    household_contact_reveal,
    household_register,
    household_update,
    member_add,
    member_id_reveal,
    member_record_event,
    member_update,
)

router = Router(tags=["registry"])

HOUSEHOLD_FIELDS = [
    f.name
    for f in Household._meta.concrete_fields
    if f.name not in ("id", "village", "number", "helper", "version", "created_at", "updated_at")
]
MEMBER_FIELDS = [
    f.name for f in Member._meta.concrete_fields if f.name not in ("id", "household", "version")
]


class HouseholdFields(ModelSchema):
    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        fields_optional = "__all__"


class MemberFields(ModelSchema):
    class Meta:
        model = Member
        fields = MEMBER_FIELDS
        fields_optional = "__all__"


# What a client may send: the same fields, typed strictly (tuopin/api/types.py).
HouseholdInput = model_input_schema("HouseholdInput", Household, HOUSEHOLD_FIELDS)
MemberInput = model_input_schema("MemberInput", Member, MEMBER_FIELDS)


class MemberOut(MemberFields):
    id: int
    version: int

    @staticmethod
    def resolve_id_number(member) -> str | None:
        return mask_value("id_number", member.id_number)

    @staticmethod
    def resolve_disability_certificate(member) -> str | None:
        # A second-generation certificate number is the ID number plus two digits.
        return mask_value("disability_certificate", member.disability_certificate)


class MemberListed(MemberOut):
    household_id: int
    household_number: str
    village_code: str

    @staticmethod
    def resolve_household_number(member) -> str:
        return member.household.number

    @staticmethod
    def resolve_village_code(member) -> str:
        return member.household.village_id


class MemberPage(Schema):
    items: list[MemberListed]
    next_after: int | None


class HouseholdSummary(Schema):
    id: int
    village_code: str
    number: str
    head_name: str | None
    size: int
    status: str
    attribute: str
    main_cause: str
    identified_year: int | None

    @staticmethod
    def resolve_village_code(household) -> str:
        return household.village_id


class HouseholdOut(HouseholdFields):
    id: int
    village_code: str
    number: str
    version: int
    other_causes: list[str]
    members: list[MemberOut]

    @staticmethod
    def resolve_phone(household) -> str | None:
        return mask_value("phone", household.phone)

    @staticmethod
    def resolve_bank_account(household) -> str | None:
        return mask_value("bank_account", household.bank_account)

    @staticmethod
    def resolve_village_code(household) -> str:
        return household.village_id

    @staticmethod
    def resolve_other_causes(household) -> list[str]:
        return [c.cause for c in household.other_causes.all()]

    @staticmethod
    def resolve_members(household) -> list:
        return list(household.members.order_by("id"))


class HouseholdPage(Schema):
    items: list[HouseholdSummary]
    next_after: int | None


# The version an edit started from (optimistic locking).
Version = Field(ge=1, le=2**31 - 1)


class HouseholdIn(HouseholdInput):
    village_code: RegionCode
    number: str = Field(min_length=1, max_length=32)
    other_causes: list[PovertyCause] = Field([], max_length=len(PovertyCause))
    members: list[MemberInput] = Field(min_length=1, max_length=50)


class HouseholdPatch(HouseholdInput):
    version: int = Version
    other_causes: list[PovertyCause] | None = Field(None, max_length=len(PovertyCause))


class MemberIn(MemberInput):
    event: MemberEventKind = MemberEventKind.BIRTH
    event_date: Day | None = None


class MemberPatch(MemberInput):
    version: int = Version


class EventIn(Schema):
    kind: MemberEventKind
    date: Day
    note: str = Field("", max_length=200)


class IdNumberOut(Schema):
    id_number: str


class MemberRevealOut(Schema):
    """A member's full numbers: answered only with `person.reveal`, each answer logged."""

    id_number: str
    disability_certificate: str


class HouseholdRevealIn(Schema):
    field: Literal["phone", "bank_account"]


class HouseholdRevealOut(Schema):
    """A household's full phone or bank account (the one asked for): `person.reveal`, each
    answer logged."""

    phone: str | None = None
    bank_account: str | None = None


def _set(schema, exclude: set[str]) -> dict:
    return schema.dict(exclude_unset=True, exclude=exclude)


# A region filter is checked by the selector (region_code_invalid), as on the pages.
REGION_FILTER = Query("", max_length=12, description="区划代码或其前几位 (a region code or prefix)")


@router.get(
    "/households", response=answers({200: HouseholdPage}), summary="贫困户列表（按 id 翻页）"
)
def household_list(
    request,
    q: Text = "",
    region: str = REGION_FILTER,
    status: Filter[PovertyStatus] = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    households = household_search(request.user, text=q, region_prefix=region, status=status or "")
    rows, next_after = keyset_page(household_rows(households), after=after, size=limit)
    return {"items": rows, "next_after": next_after}


@router.get(
    "/households/{household_id}", response=answers({200: HouseholdOut}), summary="贫困户详情"
)
def household_detail(request, household_id: RowId):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return access_household(request.user, household_id)


@router.post("/households", response=answers({201: HouseholdOut}), summary="登记贫困户及其成员")
def household_create(request, payload: HouseholdIn):
    household = household_register(
        acting_user=request.user,
        village_code=payload.village_code,
        number=payload.number,
        attributes=_set(payload, {"village_code", "number", "members", "other_causes"}),
        members=[member.dict(exclude_unset=True) for member in payload.members],
        other_causes=payload.other_causes,
    )
    return Status(201, household)


@router.patch(
    "/households/{household_id}",
    response=answers({200: HouseholdOut}, 409),
    summary="修改贫困户（须带版本号，过期的修改被拒绝）",
)
def household_patch(request, household_id: RowId, payload: HouseholdPatch):
    household = access_household(request.user, household_id)
    return household_update(
        acting_user=request.user,
        household=household,
        version=payload.version,
        attributes=_set(payload, {"version", "other_causes"}),
        other_causes=payload.other_causes,
    )


@router.post(
    "/households/{household_id}/members",
    response=answers({201: MemberOut}),
    summary="新增成员（出生、婚入、迁入）",
)
def member_create(request, household_id: RowId, payload: MemberIn):
    household = access_household(request.user, household_id)
    return Status(
        201,
        member_add(
            acting_user=request.user, household=household, data=payload.dict(exclude_unset=True)
        ),
    )


@router.get("/members", response=answers({200: MemberPage}), summary="家庭成员列表（按 id 翻页）")
def member_list(
    request,
    region: str = REGION_FILTER,
    household: RowId | None = None,
    status: Filter[MemberStatus] = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    members = member_search(
        request.user, region_prefix=region, household_id=household, status=status or ""
    )
    rows, next_after = keyset_page(members, after=after, size=limit)
    return {"items": rows, "next_after": next_after}


@router.get("/members/{member_id}", response=answers({200: MemberListed}), summary="家庭成员详情")
def member_detail(request, member_id: RowId):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return access_member(request.user, member_id)


@router.patch(
    "/members/{member_id}",
    response=answers({200: MemberOut}, 409),
    summary="修改成员（须带版本号）",
)
def member_patch(request, member_id: RowId, payload: MemberPatch):
    member = access_member(request.user, member_id)
    return member_update(
        acting_user=request.user,
        member=member,
        version=payload.version,
        data=_set(payload, {"version"}),
    )


@router.post(
    "/members/{member_id}/events",
    response=answers({201: MemberOut}),
    summary="登记成员变动（死亡、外嫁、迁出、服刑……）",
)
def member_event(request, member_id: RowId, payload: EventIn):
    member = access_member(request.user, member_id)
    with transaction.atomic():
        member_record_event(
            acting_user=request.user,
            member=member,
            kind=payload.kind,
            when=payload.date,
            note=payload.note,
        )
    member.refresh_from_db()
    return Status(201, member)


REVEAL_NOTE = (
    "需要所在区域的“查看完整身份证号（留痕）”权限（person.reveal）；每次成功调用都记入访问日志"
    "（类型 reveal），每次拒绝记为 denied。403：没有该权限；404：不存在或不在本人区域。\n\n"
    "Needs `person.reveal` in the row's region; every answer is written to the access log "
    "(kind `reveal`), every refusal as `denied`. 403: no such right; 404: missing or "
    "outside the caller's regions."
)


@router.post(
    "/members/{member_id}/reveal",
    response=answers({200: MemberRevealOut}),
    summary="查看成员完整证件号码和残疾证号（留痕）",
    description=REVEAL_NOTE,
)
def member_reveal(request, member_id: RowId):
    # The registry's API is for registry readers; a sector user reveals on the web card.
    require_permission(request.user, Permission.REGISTRY_VIEW)
    member = access_member(request.user, member_id)
    number = member_id_reveal(
        acting_user=request.user, member=member, request=request, channel="API"
    )
    return {"id_number": number, "disability_certificate": member.disability_certificate}


@router.post(
    "/households/{household_id}/reveal",
    response=answers({200: HouseholdRevealOut}),
    summary="查看贫困户完整联系电话或银行卡号（留痕）",
    description=REVEAL_NOTE,
)
def household_reveal(request, household_id: RowId, payload: HouseholdRevealIn):
    # One field per call, as on the household page: each look is its own log entry.
    household = access_household(request.user, household_id)
    value = household_contact_reveal(
        acting_user=request.user,
        household=household,
        field=payload.field,
        request=request,
        channel="API",
    )
    return {payload.field: value}


@router.get(
    "/members/{member_id}/id-number",
    response=answers({200: IdNumberOut}),
    summary="完整证件号码（旧接口，请改用 POST /members/{id}/reveal）",
    description=REVEAL_NOTE,
    deprecated=True,
)
def member_id_number(request, member_id: RowId):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    member = access_member(request.user, member_id)
    number = member_id_reveal(
        acting_user=request.user, member=member, request=request, channel="API"
    )
    return {"id_number": number}
