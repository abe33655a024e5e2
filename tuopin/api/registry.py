"""Registry endpoints: households and members, scoped, with the services' rules.

Machine clients (sector systems) get ID numbers masked; the full number is one
explicit, logged call (`GET /members/{id}/id-number`).
"""

from datetime import date

from django.db import transaction
from ninja import ModelSchema, Query, Router, Schema
from ninja.responses import Status

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.registry.idnumbers import mask_id_number
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


class MemberOut(MemberFields):
    id: int
    version: int

    @staticmethod
    def resolve_id_number(member) -> str:
        return mask_id_number(member.id_number)


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


class HouseholdIn(HouseholdFields):
    village_code: str
    number: str
    other_causes: list[str] = []
    members: list[MemberFields]


class HouseholdPatch(HouseholdFields):
    version: int
    other_causes: list[str] | None = None


class MemberIn(MemberFields):
    event: str = "birth"
    event_date: date | None = None


class MemberPatch(MemberFields):
    version: int


class EventIn(Schema):
    kind: str
    date: date
    note: str = ""


class IdNumberOut(Schema):
    id_number: str


def _set(schema, exclude: set[str]) -> dict:
    return schema.dict(exclude_unset=True, exclude=exclude)


@router.get("/households", response=HouseholdPage, summary="贫困户列表（按 id 翻页）")
def household_list(
    request,
    q: str = "",
    region: str = "",
    status: str = "",
    after: int | None = None,
    limit: int = Query(50, ge=1, le=500),
):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    households = household_search(request.user, text=q, region_prefix=region, status=status)
    rows, next_after = keyset_page(household_rows(households), after=after, size=limit)
    return {"items": rows, "next_after": next_after}


@router.get("/households/{household_id}", response=HouseholdOut, summary="贫困户详情")
def household_detail(request, household_id: int):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return access_household(request.user, household_id)


@router.post("/households", response={201: HouseholdOut}, summary="登记贫困户及其成员")
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
    response=HouseholdOut,
    summary="修改贫困户（须带版本号，过期的修改被拒绝）",
)
def household_patch(request, household_id: int, payload: HouseholdPatch):
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
    response={201: MemberOut},
    summary="新增成员（出生、婚入、迁入）",
)
def member_create(request, household_id: int, payload: MemberIn):
    household = access_household(request.user, household_id)
    return Status(
        201,
        member_add(
            acting_user=request.user, household=household, data=payload.dict(exclude_unset=True)
        ),
    )


@router.get("/members", response=MemberPage, summary="家庭成员列表（按 id 翻页）")
def member_list(
    request,
    region: str = "",
    household: int | None = None,
    status: str = "",
    after: int | None = None,
    limit: int = Query(50, ge=1, le=500),
):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    members = member_search(
        request.user, region_prefix=region, household_id=household, status=status
    )
    rows, next_after = keyset_page(members, after=after, size=limit)
    return {"items": rows, "next_after": next_after}


@router.get("/members/{member_id}", response=MemberListed, summary="家庭成员详情")
def member_detail(request, member_id: int):
    require_permission(request.user, Permission.REGISTRY_VIEW)
    return access_member(request.user, member_id)


@router.patch("/members/{member_id}", response=MemberOut, summary="修改成员（须带版本号）")
def member_patch(request, member_id: int, payload: MemberPatch):
    member = access_member(request.user, member_id)
    return member_update(
        acting_user=request.user,
        member=member,
        version=payload.version,
        data=_set(payload, {"version"}),
    )


@router.post(
    "/members/{member_id}/events",
    response={201: MemberOut},
    summary="登记成员变动（死亡、外嫁、迁出、服刑……）",
)
def member_event(request, member_id: int, payload: EventIn):
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


@router.get(
    "/members/{member_id}/id-number",
    response=IdNumberOut,
    summary="完整证件号码（需相应权限，每次调用记入访问日志）",
)
def member_id_number(request, member_id: int):
    member = access_member(request.user, member_id)
    number = member_id_reveal(
        acting_user=request.user, member=member, request=request, channel="API"
    )
    return {"id_number": number}
