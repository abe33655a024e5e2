"""/api/v1/ratings and /api/v1/trainings: star ratings of households (list, one, propose,
confirm, return) and cadre training courses with their attendance, read and written
with the topic rule of the pages (tuopin.people.access: RATINGS, TRAINING)."""

from datetime import date

from ninja import Router, Schema

from tuopin.api.masking import mask_text
from tuopin.api.schemas import answers
from tuopin.api.types import Day, Filter, Limit, RegionPrefix, RowId, Text, Year
from tuopin.core.errors import OutOfScope
from tuopin.people import access
from tuopin.people.models import RatingStatus
from tuopin.people.ratings_selectors import access_rating, rating_lines, rating_search
from tuopin.people.ratings_services import rating_confirm, rating_propose, rating_return
from tuopin.people.training_selectors import access_course, course_search, course_sheet
from tuopin.registry.models import Household
from tuopin.registry.selectors import keyset_page

router = Router(tags=["ratings"])


class StarOut(Schema):
    code: str
    name_zh: str
    name_en: str
    awarded: bool | None


class RatingOut(Schema):
    id: int
    household_id: int
    household_number: str
    region_code: str
    region_name: str
    year: int
    status: str
    star_count: int
    unknown_count: int
    rated_on: date | None
    proposed_on: date | None
    confirmed_on: date | None
    returned_reason: str
    paid: str | None
    stars: list[StarOut]


class RatingPage(Schema):
    items: list[RatingOut]
    next_after: int | None


class ProposalIn(Schema):
    household_id: RowId
    year: Year
    stars: dict[str, bool | None]
    rated_on: Day | None = None


class ReturnIn(Schema):
    reason: Text


def _rating(rating) -> dict:
    paid = getattr(rating, "paid", None)
    if paid is None and not hasattr(rating, "paid"):
        amounts = [p.amount for p in rating.payments.all()]
        paid = sum(amounts) if amounts else None
    return {
        "id": rating.pk,
        "household_id": rating.household_id,
        "household_number": rating.household.number,
        "region_code": rating.household.village_id,
        "region_name": rating.household.village.name,
        "year": rating.year,
        "status": rating.status,
        "star_count": rating.star_count,
        "unknown_count": rating.unknown_count,
        "rated_on": rating.rated_on,
        "proposed_on": rating.proposed_on,
        "confirmed_on": rating.confirmed_on,
        "returned_reason": mask_text(rating.returned_reason),  # free text: masked
        "paid": None if paid is None else str(paid),
        "stars": [
            {
                "code": line.star.code,
                "name_zh": line.star.name_zh,
                "name_en": line.star.name_en,
                "awarded": line.awarded,
            }
            for line in rating_lines(rating)
        ],
    }


@router.get(
    "/ratings",
    response=answers({200: RatingPage}),
    summary="星级评定（按区划、年度、状态筛选，按 id 翻页）",
)
def rating_list_api(
    request,
    region: RegionPrefix = "",
    year: Year | None = None,
    status: Filter[RatingStatus] = None,
    after: RowId | None = None,
    limit: Limit = 50,
):
    rows = rating_search(
        request.user, year=year, region_prefix=region or None, status=status or None
    )
    page, next_after = keyset_page(rows, after=after, size=limit)
    return {"items": [_rating(r) for r in page], "next_after": next_after}


@router.get("/ratings/{rating_id}", response=answers({200: RatingOut}), summary="一户一年度的评定")
def rating_detail_api(request, rating_id: RowId):
    return _rating(access_rating(request.user, rating_id))


@router.post(
    "/ratings",
    response=answers({200: RatingOut}),
    summary="村级提名星级评定（每颗星 true/false/null，null 为未填报）",
)
def rating_propose_api(request, payload: ProposalIn):
    household = Household.objects.filter(pk=payload.household_id).select_related("village").first()
    if household is None or not access.may_read(request.user, access.RATINGS, household.village_id):
        raise OutOfScope("household", str(payload.household_id))
    rating = rating_propose(
        acting_user=request.user,
        household=household,
        year=payload.year,
        stars=payload.stars,
        rated_on=payload.rated_on,
    )
    return _rating(access_rating(request.user, rating.pk))


@router.post(
    "/ratings/{rating_id}/confirm", response=answers({200: RatingOut}), summary="乡镇确认评定"
)
def rating_confirm_api(request, rating_id: RowId):
    rating = rating_confirm(acting_user=request.user, rating=access_rating(request.user, rating_id))
    return _rating(access_rating(request.user, rating.pk))


@router.post(
    "/ratings/{rating_id}/return", response=answers({200: RatingOut}), summary="乡镇退回评定"
)
def rating_return_api(request, rating_id: RowId, payload: ReturnIn):
    rating = rating_return(
        acting_user=request.user,
        rating=access_rating(request.user, rating_id),
        reason=payload.reason,
    )
    return _rating(access_rating(request.user, rating.pk))


class TrainingAttendanceOut(Schema):
    helper_id: int
    name: str
    work_unit: str
    unit_level: str
    attended: bool | None
    hours: str | None


class CourseOut(Schema):
    id: int
    region_code: str
    region_name: str
    name: str
    organiser: str
    start_date: date
    end_date: date
    hours: str | None
    level: str


class CourseDetailOut(CourseOut):
    attendance: list[TrainingAttendanceOut]


def _course(course) -> dict:
    return {
        "id": course.pk,
        "region_code": course.region_id,
        "region_name": course.region.name,
        "name": course.name,
        "organiser": course.organiser,
        "start_date": course.start_date,
        "end_date": course.end_date,
        "hours": None if course.hours is None else str(course.hours),
        "level": course.level,
    }


@router.get("/trainings", response=answers({200: list[CourseOut]}), summary="干部培训班")
def training_list_api(
    request,
    region: RegionPrefix = "",
    year: Year | None = None,
):
    return [
        _course(c)
        for c in course_search(request.user, year=year, region_prefix=region or None)[:500]
    ]


@router.get(
    "/trainings/{course_id}",
    response=answers({200: CourseDetailOut}),
    summary="培训班及参训名单",
)
def training_detail_api(request, course_id: RowId):
    course = access_course(request.user, course_id)
    return {
        **_course(course),
        "attendance": [
            {
                "helper_id": line.helper_id,
                "name": line.helper.name,
                "work_unit": line.helper.work_unit,
                "unit_level": line.helper.unit_level,
                "attended": line.attended,
                "hours": None if line.hours is None else str(line.hours),
            }
            for line in course_sheet(course)
        ],
    }
