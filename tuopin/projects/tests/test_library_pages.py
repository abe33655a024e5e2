"""The library's pages per role: the list (filters, counts, download), a project's page
with the buttons of the steps the user may take now and no other, the application and
progress forms, beneficiaries, the library of a year with its Q4 refresh, the progress
report; no Latin word on a Chinese page."""

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import SUIXIAN, other_county_village
from tests.test_no_codes_on_screen import Page, latin_words
from tuopin.accounts.roles import Department, Role
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.projects.enums import ProjectStage
from tuopin.projects.library_services import project_act, project_progress_report
from tuopin.projects.models import LibraryEntry, Project, ProjectProgress
from tuopin.projects.tests.library_factories import Users
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(make_user):
    return Users(make_user)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    """The visible text, without the login name the navigation shows."""
    user = response.wsgi_request.user
    return " ".join(Page(response.content.decode()).text).replace(user.username, "")


def _buttons(response) -> set[str]:
    body = response.content.decode()
    return {
        code
        for code in ("review", "appraise", "approve", "enter", "plan", "start", "accept",
                     "announce", "return", "remove", "reapply")
        if f'data-testid="action-{code}"' in body
    }  # fmt: skip


def _xlsx(response) -> list[list]:
    data = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [[c for c in row] for sheet in book for row in sheet.iter_rows(values_only=True)]


def test_each_role_sees_only_the_buttons_it_may_use_now(users):
    project = users.apply(days_ago=3)
    url = reverse("projects:project", args=[project.pk])
    assert _buttons(_client(users.village).get(url)) == set()
    running = _client(users.township).get(url)
    assert _buttons(running) == {"return"} and "期满后乡镇方可审核" in _text(running)
    project = users.apply(days_ago=15, name="公示期满的项目")
    url = reverse("projects:project", args=[project.pk])
    assert _buttons(_client(users.township).get(url)) == {"review", "return"}
    assert _buttons(_client(users.county).get(url)) == {"return"}
    project = users.walk(project, "review")
    assert _buttons(_client(users.sector).get(url)) == {"appraise", "return"}
    assert _buttons(_client(users.township).get(url)) == {"return"}  # may still return it
    project = users.walk(project, "appraise")  # (already reviewed: walks on from there)
    project.refresh_from_db()
    assert _buttons(_client(users.county).get(url)) == {"approve", "return"}
    assert _buttons(_client(users.sector).get(url)) == {"return"}


def test_a_step_by_post_and_a_refusal_shown_in_chinese(users):
    project = users.walk(users.apply(targets=""), "approve")
    client = _client(users.county)
    url = reverse("projects:project_step", args=[project.pk, "enter"])
    answer = client.post(url, {"document": "民扶组〔2018〕3号"}, follow=True)
    assert "没有绩效目标" in _text(answer)
    project.refresh_from_db()
    assert project.stage == ProjectStage.APPROVED
    skipped = client.post(reverse("projects:project_step", args=[project.pk, "start"]), follow=True)
    assert "不能跳过环节" in _text(skipped)
    project = users.walk(users.apply(name="待论证项目"), "review")
    returned = client.post(
        reverse("projects:project_step", args=[project.pk, "return"]), {"note": "补绩效目标"}
    )
    assert returned.status_code == 302
    project.refresh_from_db()
    assert project.stage == ProjectStage.RETURNED
    # The village sees 重新申报 now.
    village_page = _client(users.village).get(reverse("projects:project", args=[project.pk]))
    assert _buttons(village_page) == {"reapply"}
    refused = _client(users.township).post(
        reverse("projects:project_step", args=[project.pk, "reapply"])
    )
    assert refused.status_code == 403


def test_the_list_filters_counts_and_downloads(users, make_user):
    one = users.walk(users.apply(name="甲项目"), "enter")
    users.apply(name="乙项目", category="industry")
    client = _client(users.county)
    page = client.get(reverse("projects:library"))
    text = _text(page)
    assert "甲项目" in text and "乙项目" in text and "已入库 1" in text and "村申报公示 1" in text
    assert not latin_words(text)
    filtered = _text(client.get(reverse("projects:library"), {"stage": "in_library"}))
    assert "甲项目" in filtered and "乙项目" not in filtered
    by_category = _text(client.get(reverse("projects:library"), {"category": "industry"}))
    assert "乙项目" in by_category and "甲项目" not in by_category
    download = client.get(reverse("projects:library_download"), {"stage": "in_library"})
    cells = _xlsx(download)
    assert any(row[1] == "甲项目" and row[12] == "已入库" for row in cells)
    assert not any(row[1] == "乙项目" for row in cells)
    assert AccessLog.objects.filter(kind=AccessKind.EXPORT, object_type="project_library").exists()
    stranger = _client(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert "甲项目" not in _text(stranger.get(reverse("projects:library")))
    assert stranger.get(reverse("projects:project", args=[one.pk])).status_code == 404


def test_the_village_applies_through_the_form(users):
    client = _client(users.village)
    form = client.get(reverse("projects:project_new"))
    assert form.status_code == 200 and not latin_words(_text(form))
    data = {
        "region": users.village_region.code,
        "year": "2018",
        "name": "村级光伏电站",
        "category": "industry",
        "nature": "new",
        "unit": "朱寨村委会",
        "person": "王支书",
        "tasks": "建设 100 千瓦光伏电站",
        "amount": "800000",
        "funding_central": "500000",
        "funding_county": "200000",
        "targets": "年收益 8 万元",
        "mechanism": "收益用于公益岗位",
    }
    wrong = client.post(reverse("projects:project_new"), data)
    assert "资金来源合计" in _text(wrong) and not Project.objects.exists()
    answer = client.post(reverse("projects:project_new"), {**data, "funding_county": "300000"})
    project = Project.objects.get()
    assert answer.status_code == 302 and project.stage == ProjectStage.APPLIED
    assert project.fundings.count() == 2
    assert _client(users.township).get(reverse("projects:project_new")).status_code == 403


def test_progress_and_beneficiaries_from_the_project_page(users):
    project = users.walk(users.apply(), "start")
    household_register(
        acting_user=users.county,
        village_code=users.village_region.code,
        number="ZZ-0009",
        attributes={},
        members=family(county=users.village_region.code[:6]),
    )
    client = _client(users.village)
    page = client.get(reverse("projects:project", args=[project.pk]))
    assert 'data-testid="progress-new"' in page.content.decode()
    assert (
        _client(users.sector)
        .get(reverse("projects:project_progress", args=[project.pk]))
        .status_code
        == 403
    )
    bad = client.post(reverse("projects:project_progress", args=[project.pk]), {"percent": "120"})
    assert bad.status_code == 200 and not ProjectProgress.objects.exists()
    client.post(reverse("projects:project_progress", args=[project.pk]), {"percent": "60"})
    assert ProjectProgress.objects.get().percent == 60
    client.post(
        reverse("projects:project_beneficiary_add", args=[project.pk]),
        {"household": "ZZ-0009", "how": "务工"},
    )
    page = _text(client.get(reverse("projects:project", args=[project.pk])))
    assert "ZZ-0009" in page and "王*国" in page and "王建国" not in page and "60%" in page
    assert not latin_words(page.replace("ZZ-0009", ""))


def test_the_library_of_a_year_and_its_refresh(users):
    kept = users.walk(users.apply(name="在库项目"), "enter")
    removed = users.walk(users.apply(name="出库项目"), "enter")
    project_act(action="remove", project=removed, acting_user=users.county, note="重复申报")
    client = _client(users.county)
    page = _text(client.get(reverse("projects:library_versions"), {"year": date.today().year}))
    assert "在库项目" in page and "出库项目" in page and "重复申报" in page
    assert not latin_words(page)
    today = date.today()
    if today.month >= 10:
        body = client.get(reverse("projects:library_versions")).content.decode()
        assert 'data-testid="library-refresh"' in body
        client.post(reverse("projects:library_versions_refresh"), {"region": kept.county_id})
        assert LibraryEntry.objects.filter(year=today.year + 1, project=kept).exists()
    village = client.get(reverse("projects:library_versions"))
    assert village.status_code == 200
    assert (
        'data-testid="library-refresh"'
        not in _client(users.village).get(reverse("projects:library_versions")).content.decode()
    )


def test_the_progress_report_per_county_and_city(users, make_user):
    project = users.walk(users.apply(), "start")
    project_progress_report(acting_user=users.county, project=project, percent=50)
    users.apply(name="未入库项目")
    report = _xlsx(_client(users.county).get(reverse("projects:library_report")))
    summary = [row for row in report if row[0] == "民权县"]
    implementing = next(row for row in summary if row[1] == "实施中")
    assert implementing[3] == "1" and implementing[8] == "50.0" and implementing[5] in ("", None)
    city = make_user(Role.CITY_OFFICE, "411400000000")
    assert _xlsx(_client(city).get(reverse("projects:library_report")))
    other = make_user(Role.SECTOR, SUIXIAN, department=Department.EDUCATION)
    assert "朱寨" not in str(_xlsx(_client(other).get(reverse("projects:library_report"))))
    assert other_county_village(SUIXIAN)


def test_the_village_edits_a_returned_project_and_reapplies(users):
    project = users.apply()
    project_act(action="return", project=project, acting_user=users.township, note="补充绩效目标")
    client = _client(users.village)
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert 'data-testid="project-edit"' in page
    form = client.get(reverse("projects:project_edit", args=[project.pk]))
    assert form.status_code == 200 and not latin_words(_text(form))
    data = {
        "name": "朱寨村产业路（修改）",
        "category": "infrastructure",
        "nature": "new",
        "unit": "人和镇人民政府",
        "person": "张三丰",
        "tasks": "修建水泥路 2 公里",
        "amount": "300000",
        "funding_central": "300000",
        "targets": "新修道路 2 公里",
        "mechanism": "优先雇用贫困户务工",
    }
    answer = client.post(reverse("projects:project_edit", args=[project.pk]), data)
    assert answer.status_code == 302, _text(answer)
    project.refresh_from_db()
    assert project.name == "朱寨村产业路（修改）" and project.history.count() >= 2
    assert list(project.fundings.values_list("level", "amount")) == [("central", 300000)]
    client.post(reverse("projects:project_step", args=[project.pk, "reapply"]))
    project.refresh_from_db()
    assert project.stage == ProjectStage.APPLIED
    entered = users.walk(users.apply(name="已入库项目"), "enter")
    assert client.get(reverse("projects:project_edit", args=[entered.pk])).status_code == 403
