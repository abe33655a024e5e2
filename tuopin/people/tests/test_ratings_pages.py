"""The star-rating and training pages as their users meet them: the village proposes on
the household page's panel, the township confirms and pays, the county reads the counts
and downloads them; the API proposes and confirms."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.people.models import HouseholdRating, RatingScheme, TrainingCourse
from tuopin.registry.models import Helper, Household

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def home():
    return Household.objects.create(village=first_village(RENHE), number="YM-0001")


def test_propose_confirm_pay_and_count_in_the_browser(make_user, home):
    village = _client(make_user(Role.VILLAGE, home.village_id))
    township = _client(make_user(Role.TOWNSHIP, RENHE))
    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    panel = reverse("people:household_ratings", kwargs={"household_id": home.pk})
    body = village.get(panel).content.decode()
    assert "本户尚无星级评定" in body and "提名星级评定" in body
    assert "提名星级评定" not in township.get(panel).content.decode()  # not the township's
    propose = reverse("people:household_rating_propose", kwargs={"household_id": home.pk})
    form = village.get(propose)
    assert form.status_code == 200 and "勤劳致富星" in form.content.decode()
    stars = {
        f"star_{pk}": "1" for pk in RatingScheme.objects.get().stars.values_list("pk", flat=True)
    }
    stars[next(iter(stars))] = ""  # one star not yet rated
    answer = village.post(propose, {"year": "2018", "rated_on": "2018-11-20", **stars})
    assert answer.status_code == 302
    rating = HouseholdRating.objects.get()
    assert (rating.star_count, rating.unknown_count, rating.status) == (4, 1, "proposed")
    page = reverse("people:rating", kwargs={"rating_id": rating.pk})
    assert 'data-testid="confirm"' not in village.get(page).content.decode()
    assert 'data-testid="confirm"' in township.get(page).content.decode()
    review = reverse("people:rating_review", kwargs={"rating_id": rating.pk})
    refused = township.post(review, {"action": "return", "reason": ""})
    assert refused.status_code == 400 and "退回时请填写原因" in refused.content.decode()
    assert township.post(review, {"action": "confirm"}).status_code == 302
    rating.refresh_from_db()
    assert rating.status == "confirmed"
    pay = reverse("people:rating_pay", kwargs={"rating_id": rating.pk})
    assert village.post(pay, {"amount": "400", "paid_on": "2018-12-01"}).status_code == 403
    bad = township.post(pay, {"amount": "-1", "paid_on": "2018-12-01"})
    assert bad.status_code == 400 and not rating.payments.exists()
    ok = township.post(pay, {"amount": "400", "paid_on": "2018-12-01", "reason": "四星户"})
    assert ok.status_code == 302 and rating.payments.get().amount == 400
    body = village.get(panel).content.decode()
    assert "乡镇已确认" in body and "400.00" in body
    overview = county.get(reverse("people:ratings"), {"region": MINQUAN, "year": "2018"})
    assert overview.status_code == 200 and "人和镇" in overview.content.decode()
    download = county.get(reverse("people:ratings_download"), {"region": MINQUAN, "year": 2018})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    renhe = next(row for row in sheet.iter_rows(values_only=True) if row[0] == RENHE)
    assert renhe[2:4] == (1, 1) and renhe[-1] == 400
    listing = county.get(reverse("people:rating_list"), {"region": RENHE, "year": "2018"})
    assert "YM-0001" in listing.content.decode()


def test_the_api_proposes_and_the_township_confirms(make_user, home):
    village = _client(make_user(Role.VILLAGE, home.village_id))
    township = _client(make_user(Role.TOWNSHIP, RENHE))
    response = village.post(
        "/api/v1/ratings",
        {"household_id": home.pk, "year": 2018, "stars": {"diligence": True, "spirit": False}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "proposed" and data["star_count"] == 1 and data["unknown_count"] == 3
    unknown = village.post(
        "/api/v1/ratings",
        {"household_id": home.pk, "year": 2018, "stars": {"luck": True}},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "rating_star_unknown"
    assert village.post(f"/api/v1/ratings/{data['id']}/confirm").status_code == 403
    confirmed = township.post(f"/api/v1/ratings/{data['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    listed = township.get("/api/v1/ratings", {"year": 2018, "status": "confirmed"}).json()
    assert [row["id"] for row in listed["items"]] == [data["id"]]


def test_training_pages_for_the_organisation_department(make_user):
    organisation = _client(make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION))
    created = organisation.post(
        reverse("people:training_course_new"),
        {
            "region": MINQUAN,
            "name": "第一书记培训班",
            "organiser": "县委组织部",
            "start_date": "2018-03-01",
            "end_date": "2018-03-03",
            "hours": "24",
            "level": "3",
        },
    )
    assert created.status_code == 302
    course = TrainingCourse.objects.get()
    cadre = Helper.objects.create(region=first_village(RENHE), name="王建军", work_unit="县农业局")
    page = reverse("people:training_course", kwargs={"course_id": course.pk})
    assert (
        organisation.post(page, {"helper": cadre.pk, "attended": "1", "hours": "30"}).status_code
        == 400
    )
    assert (
        organisation.post(page, {"helper": cadre.pk, "attended": "1", "hours": "24"}).status_code
        == 302
    )
    record = organisation.get(
        reverse("people:training_cadre", kwargs={"helper_id": cadre.pk}), {"year": 2018}
    )
    assert "第一书记培训班" in record.content.decode() and "24.0" in record.content.decode()
    inspector = _client(make_user(Role.INSPECTOR, MINQUAN))
    body = inspector.get(page).content.decode()
    assert "王建军" in body and 'data-testid="attendance-form"' not in body
    assert inspector.post(page, {"helper": cadre.pk, "attended": "0"}).status_code == 403
    assert inspector.get(reverse("people:training_course_new")).status_code == 403


def test_the_upload_page_imports_a_villages_proposals(make_user, home):
    from django.core.files.uploadedfile import SimpleUploadedFile

    village = _client(make_user(Role.VILLAGE, home.village_id))
    page = reverse("people:ratings_import")
    assert village.get(page).status_code == 200
    assert _client(make_user(Role.INSPECTOR, MINQUAN)).get(page).status_code == 403
    body = "户编号,年度,勤劳致富星,学习教育星\nYM-0001,2018,是,否\nYM-9999,2018,是,是\n"

    def upload(**extra):
        csv = SimpleUploadedFile("r.csv", body.encode("utf-8"), content_type="text/csv")
        return village.post(page, {"file": csv, **extra})

    refused = upload()
    assert refused.status_code == 400 and "YM-9999" in refused.content.decode()
    assert not HouseholdRating.objects.exists()
    assert upload(partial="on").status_code == 400  # the bad row is still reported
    rating = HouseholdRating.objects.get()
    assert (rating.household, rating.star_count, rating.unknown_count) == (home, 1, 3)


def test_a_county_defines_its_scheme_on_the_page_and_the_village_rates_by_it(make_user, home):
    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    village = _client(make_user(Role.VILLAGE, home.village_id))
    page = reverse("people:rating_schemes")
    shown = village.get(page, {"year": 2019}).content.decode()
    assert "勤劳致富星" in shown and 'data-testid="scheme-form"' not in shown
    assert (
        village.post(page, {"year_from": "2019", "name": "x", "stars": "甲星"}).status_code == 403
    )
    assert 'data-testid="scheme-form"' in county.get(page).content.decode()
    empty = county.post(
        f"{page}?region={MINQUAN}", {"year_from": "2019", "name": "民权三星", "stars": " "}
    )
    assert empty.status_code == 400
    saved = county.post(
        f"{page}?region={MINQUAN}",
        {
            "year_from": "2019",
            "name": "民权三星",
            "stars": "勤劳星|Diligence|勤劳\n孝老星\n诚信星|Honesty",
        },
    )
    assert saved.status_code == 302
    scheme = RatingScheme.objects.get(region_id=MINQUAN)
    assert [s.name_zh for s in scheme.stars.all()] == ["勤劳星", "孝老星", "诚信星"]
    form = village.get(
        reverse("people:household_rating_propose", kwargs={"household_id": home.pk}), {"year": 2019}
    )
    assert "孝老星" in form.content.decode() and "勤劳致富星" not in form.content.decode()


def test_the_household_page_loads_the_panel_for_readers_of_people(make_user, home):
    page = reverse("registry:household", kwargs={"household_id": home.pk})
    village = _client(make_user(Role.VILLAGE, home.village_id)).get(page).content.decode()
    panel = reverse("people:household_ratings", kwargs={"household_id": home.pk})
    assert 'data-testid="ratings-slot"' in village and panel in village
