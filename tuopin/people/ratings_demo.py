"""The ratings part of the demo (`tuopin demo`): a year of star ratings in the demo
village — some proposed by the village demo user and waiting for the township demo user
to confirm, one returned with a reason for the village to redo, some confirmed and paid
(one paid the wrong amount, one not paid: the two checks find them) — and two training
courses of the county with the attendance of the demo village's cadres, kept by the
组织部 demo user."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from tuopin.accounts.demo import DEMO_VILLAGE
from tuopin.people.models import HouseholdRating, TrainingCourse, TrainingLevel
from tuopin.people.params import people_parameter_values
from tuopin.people.ratings_services import (
    incentive_record,
    rating_confirm,
    rating_propose,
    rating_return,
    scheme_in_force,
)
from tuopin.people.training_services import training_attendance_set, training_course_create
from tuopin.regions.models import Region
from tuopin.registry.models import Helper, Household

RATED = 12  # households rated in the demo village
CONFIRMED = 7  # of which confirmed by the township; the rest wait, one is returned


def _user(username):
    return get_user_model().objects.filter(username=username, is_active=True).first()


def ratings_demo(*, region_code: str, year: int, seed: int, if_empty: bool, say) -> None:
    village_code = DEMO_VILLAGE if DEMO_VILLAGE.startswith(region_code[:6]) else None
    village, township = _user("village"), _user("township")
    if village_code is None or village is None or township is None:
        say("星级评定：没有演示村或演示用户，跳过 (ratings: no demo village or users)")
        return
    if HouseholdRating.objects.filter(household__village_id=village_code).exists():  # added once
        return
    rng = random.Random(seed)
    homes = list(Household.objects.filter(village_id=village_code).order_by("number")[:RATED])
    stars = [s.code for s in scheme_in_force(year, village_code).stars.all()]
    per_star = people_parameter_values(year, village_code)["rating_award_per_star"]
    confirmed = paid = 0
    for index, home in enumerate(homes):
        if HouseholdRating.objects.filter(household=home, year=year).exists():
            continue
        awarded = {code: rng.random() < 0.7 for code in stars}
        if index % 4 == 3:
            awarded[stars[-1]] = None  # not yet rated: unknown, not no
        rating = rating_propose(
            acting_user=village,
            household=home,
            year=year,
            stars=awarded,
            rated_on=datetime.date(year, 11, 20),
        )
        if index == CONFIRMED:
            rating_return(acting_user=township, rating=rating, reason="卫生整洁星需入户复核")
        if index >= CONFIRMED:
            continue
        rating = rating_confirm(acting_user=township, rating=rating)
        confirmed += 1
        if index == CONFIRMED - 1 or rating.star_count == 0:
            continue  # confirmed, not yet paid: the check lists it
        amount = per_star * rating.star_count
        if index == 0:
            amount += Decimal("50")  # paid more than the standard: the check lists it
        incentive_record(
            acting_user=township,
            household=home,
            year=year,
            amount=amount,
            paid_on=datetime.date(year, 12, 10),
            reason="脱贫星级评定奖补",
        )
        paid += 1
    courses = _training_demo(region_code, year, rng)
    say(
        f"星级评定 {len(homes)} 户，乡镇已确认 {confirmed} 户，已奖补 {paid} 户；"
        f"干部培训班 {courses} 个 (ratings: {len(homes)} households, {confirmed} confirmed, "
        f"{paid} paid; {courses} training courses)"
    )


def _training_demo(region_code: str, year: int, rng) -> int:
    keeper = _user("sector_organisation") or _user("county")
    county = Region.objects.filter(code=region_code[:6].ljust(12, "0")).first()
    if keeper is None or county is None:
        return 0
    cadres = list(
        Helper.objects.filter(households__village_id=DEMO_VILLAGE).distinct().order_by("id")[:8]
    )
    plans = [
        ("第一书记和驻村工作队员培训班", "县委组织部", (3, 12), (3, 14), 24, TrainingLevel.COUNTY),
        ("帮扶责任人精准帮扶业务培训", "县扶贫办", (6, 5), (6, 5), 8, TrainingLevel.COUNTY),
    ]
    made = 0
    for name, organiser, start, end, hours, level in plans:
        if TrainingCourse.objects.filter(region=county, name=name).exists():
            continue
        course = training_course_create(
            acting_user=keeper,
            region=county,
            name=name,
            organiser=organiser,
            start_date=datetime.date(year, *start),
            end_date=datetime.date(year, *end),
            hours=hours,
            level=level,
        )
        made += 1
        for index, cadre in enumerate(cadres):
            if index == len(cadres) - 1:
                attended, attended_hours = None, None  # not yet reported
            elif rng.random() < 0.15:
                attended, attended_hours = False, None
            else:
                attended, attended_hours = True, hours
            training_attendance_set(
                acting_user=keeper,
                course=course,
                helper=cadre,
                attended=attended,
                hours=attended_hours,
                note="" if attended is not False else "因公请假",
            )
    return made
