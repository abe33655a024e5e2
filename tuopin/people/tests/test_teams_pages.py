"""The work-team pages: ledger, team page and sign-in, attendance report, forms,
scorecard, drill-down, downloads and the roster upload."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, first_village, other_county_village
from tuopin.accounts.roles import Department, Role
from tuopin.people.models import Attendance, Posting, WorkTeam
from tuopin.people.tests.test_teams import FULL, HEADER, _good_rows, _team
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _xlsx(response) -> list[list]:
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def scene(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    villages = list(Region.objects.filter(parent_id=RENHE).order_by("code")[:3])
    Region.objects.filter(code__startswith="411421", level="village").update(is_poor_village=False)
    Region.objects.filter(pk__in=[v.pk for v in villages]).update(is_poor_village=True)
    full = _team(county, villages[0], FULL)
    small = _team(county, villages[1], FULL[:2])
    return {"county": county, "villages": villages, "full": full, "small": small}


def test_ledger_lists_teams_with_shortfalls_and_downloads(scene):
    client = _client(scene["county"])
    year = date.today().year
    page = client.get(reverse("people:teams"), {"region": MINQUAN, "year": year})
    body = page.content.decode()
    assert page.status_code == 200
    assert scene["villages"][0].name in body and scene["villages"][1].name in body
    assert "工作队在岗队员人数不足" in body
    short = client.get(reverse("people:teams"), {"region": MINQUAN, "year": year, "shortfall": "1"})
    assert short.context["total"] == 1
    rows = _xlsx(client.get(reverse("people:teams_download"), {"region": MINQUAN, "year": year}))
    assert [r[1] for r in rows[2:]] == [scene["villages"][0].name, scene["villages"][1].name]
    assert client.get(reverse("people:teams"), {"region": SUIXIAN}).status_code == 404


def test_scorecard_counts_per_child_region_and_drills_down(scene):
    client = _client(scene["county"])
    year = date.today().year
    card = client.get(reverse("people:checks"), {"region": MINQUAN, "year": year})
    assert card.status_code == 200
    cells = {row.check.code: row.total for row in card.context["card"].rows}
    assert cells["village_without_team"] == 1 and cells["team_too_small"] == 1
    renhe = next(
        count for column, count in card.context["card"].rows[0].cells if column.code == RENHE
    )
    assert renhe == 1
    listing = client.get(
        reverse("people:check_list", args=["village_without_team"]),
        {"region": RENHE, "year": year},
    )
    assert scene["villages"][2].name in listing.content.decode()
    rows = _xlsx(
        client.get(
            reverse("people:check_download", args=["team_too_small"]),
            {"region": RENHE, "year": year},
        )
    )
    assert rows[2][1] == scene["villages"][1].name and len(rows) == 3
    assert client.get(reverse("people:check_list", args=["nope"])).status_code == 404


def test_village_user_signs_the_days_attendance(scene, make_user):
    team = scene["full"]
    village_user = make_user(Role.VILLAGE, team.village_id)
    client = _client(village_user)
    page = client.get(reverse("people:team", args=[team.pk]))
    assert page.status_code == 200 and 'data-testid="sign"' in page.content.decode()
    assert 'data-testid="posting-new"' not in page.content.decode()
    postings = list(team.postings.order_by("pk"))
    today = date.today().isoformat()
    data = {
        "day": today,
        f"status_{postings[0].pk}": "present",
        f"status_{postings[1].pk}": "leave",
    }
    client.post(reverse("people:team_sign", args=[team.pk]), data)
    assert not Attendance.objects.exists()  # a leave without reason: nothing written
    data[f"reason_{postings[1].pk}"] = "事假"
    client.post(reverse("people:team_sign", args=[team.pk]), data)
    assert Attendance.objects.count() == 2
    report = client.get(reverse("people:team_attendance", args=[team.pk]))
    assert "事假" in report.content.decode()
    neighbour = _client(make_user(Role.VILLAGE, scene["villages"][1].code))
    assert neighbour.get(reverse("people:team", args=[team.pk])).status_code == 404
    neighbour.post(
        reverse("people:team_sign", args=[team.pk]), {**data, f"reason_{postings[1].pk}": "x"}
    )
    assert Attendance.objects.get(posting=postings[1]).reason == "事假"


def test_organisation_department_creates_a_team_and_posts_a_member(make_user):
    organisation = make_user(Role.SECTOR, MINQUAN, department=Department.ORGANISATION)
    client = _client(organisation)
    village = first_village(RENHE)
    response = client.post(
        reverse("people:team_new"),
        {"village": village.code, "sending_unit": "县委组织部", "started_on": "2018-03-01"},
    )
    team = WorkTeam.objects.get()
    assert response.status_code == 302 and team.village_id == village.code
    bad = client.post(
        reverse("people:posting_new", args=[team.pk]),
        {
            "name": "钱七",
            "id_number": "411421198001010000",
            "role": "secretary",
            "started_on": "2018-03-01",
        },
    )
    assert bad.status_code == 200 and "error-id_number" in bad.content.decode()
    client.post(
        reverse("people:posting_new", args=[team.pk]),
        {"name": "钱七", "role": "secretary", "started_on": "2018-03-01", "unit_level": "3"},
    )
    assert Posting.objects.get().cadre.unit_level == "3"
    foreign = client.post(
        reverse("people:team_new"),
        {
            "village": other_county_village(SUIXIAN).code,
            "sending_unit": "x",
            "started_on": "2018-03-01",
        },
    )
    assert foreign.status_code == 200 and WorkTeam.objects.count() == 1
    village_user = _client(make_user(Role.VILLAGE, village.code))
    assert village_user.get(reverse("people:team_new")).status_code == 403


def test_roster_upload_page(make_user):
    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    text = ",".join(HEADER) + "\n" + "\n".join(",".join(r) for r in _good_rows()) + "\n"
    upload = SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")
    response = county.post(reverse("people:teams_import"), {"file": upload})
    assert response.status_code == 200 and response.context["report"].created == 3
    assert Posting.objects.count() == 3


def test_a_keeper_ends_a_posting_with_its_reason(scene, make_user):
    team = scene["full"]
    posting = team.postings.order_by("pk").last()
    village = _client(make_user(Role.VILLAGE, team.village_id))
    url = reverse("people:posting_end", args=[posting.pk])
    assert village.post(url, {"ended_on": "2018-06-30"}).status_code == 403
    county = _client(scene["county"])
    county.post(url, {"ended_on": "2016-01-01", "reason": "x"})  # before its start
    posting.refresh_from_db()
    assert posting.ended_on is None
    county.post(url, {"ended_on": "2018-06-30", "reason": "工作调整召回"})
    posting.refresh_from_db()
    assert (posting.ended_on, posting.recalled_reason) == (date(2018, 6, 30), "工作调整召回")
    page = county.get(reverse("people:team", args=[team.pk])).content.decode()
    assert "工作调整召回" in page


def test_api_lists_teams_masks_members_and_gives_a_months_attendance(scene, make_user):
    from tuopin.people.models import Posting
    from tuopin.registry.models import Helper

    team = scene["full"]
    cadre = Posting.objects.filter(team=team).order_by("pk").first().cadre
    Helper.objects.filter(pk=cadre.pk).update(phone="13912345678")
    client = _client(scene["county"])
    listing = client.get("/api/v1/teams", {"region": RENHE, "year": date.today().year}).json()
    by_id = {item["id"]: item for item in listing["items"]}
    assert by_id[team.pk]["members"] == 3 and by_id[scene["small"].pk]["members"] == 2
    detail = client.get(f"/api/v1/teams/{team.pk}").json()
    first = next(m for m in detail["current_members"] if m["cadre_id"] == cadre.pk)
    assert cadre.id_number not in str(detail) and "13912345678" not in str(detail)
    assert first["id_number"].startswith(cadre.id_number[:6]) and "*" in first["id_number"]
    posting = Posting.objects.get(team=team, cadre=cadre)
    Attendance.objects.create(posting=posting, day=date(2018, 5, 3), status="leave", reason="病假")
    month = client.get(f"/api/v1/teams/{team.pk}/attendance", {"month": "2018-05"}).json()
    row = next(m for m in month["members"] if m["posting_id"] == posting.pk)
    assert (row["leave"], row["leave_reasons"], row["days"]) == (1, ["5月3日 病假"], {"3": "leave"})
    assert (
        client.get(f"/api/v1/teams/{team.pk}/attendance", {"month": "2018-13"}).status_code == 400
    )
    stranger = _client(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert stranger.get(f"/api/v1/teams/{team.pk}").status_code == 404
