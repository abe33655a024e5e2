"""The pages of the exit standards, driven through the test client as office users."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Role
from tuopin.core.jobs import worker_loop
from tuopin.core.models import Job
from tuopin.policy.models import EvaluationRun, PolicyVersion, VillageIndicator
from tuopin.policy.runs import evaluation_run
from tuopin.policy.tests.test_henan import ADULT, household

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(client, make_user):
    client.force_login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    return client


@pytest.fixture
def henan():
    return PolicyVersion.objects.get(code="henan-2018", version=1)


def test_policy_page_lists_parameters_and_clauses_in_chinese(county, henan):
    body = county.get(reverse("policy:policy", args=[henan.pk])).content.decode()
    assert "扶贫标准（贫困线）" in body and "2995" in body
    for title in ("收入稳定超过国家扶贫标准", "义务教育有保障", "住房安全有保障", "通硬化路"):
        assert title in body
    assert 'data-testid="publish"' not in body  # a county office cannot revise standards


def test_a_run_started_from_the_page_is_a_job_and_lands_on_its_results(county, henan):
    household("V1")
    response = county.post(
        reverse("policy:runs"),
        {"policy": henan.pk, "level": "household", "year": 2018, "region": MINQUAN, "engine": "db"},
    )
    job = Job.objects.get(kind="policy.evaluate")
    assert response.url == reverse("web:job", args=[job.pk])
    worker_loop(once=True, heartbeat=False)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    run = EvaluationRun.objects.get(pk=job.result["run"])
    assert job.result["link"] == reverse("policy:run", args=[run.pk])
    page = county.get(reverse("policy:run", args=[run.pk])).content.decode()
    assert "收入稳定超过国家扶贫标准" in page and 'data-testid="villages"' in page
    moment = timezone.localtime(run.data_as_of).strftime("%Y-%m-%d %H:%M:%S")
    assert f'<span data-testid="run-data-as-of">数据截至 {moment}</span>' in page


def test_a_county_user_cannot_run_for_another_county(county, henan):
    response = county.post(
        reverse("policy:runs"),
        {"policy": henan.pk, "level": "household", "year": 2018, "region": SUIXIAN, "engine": "db"},
    )
    assert response.status_code == 200  # the choice is not offered: the form refuses it
    assert not Job.objects.exists()


def test_shortfall_ledger_names_failed_and_unknown_clauses_with_helper(county, henan):
    failing = household("L1", facts={"housing_grade": "D", "food_secure": None})
    passing = household("L2")
    evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    shortfall = county.get(reverse("policy:ledger", args=["shortfall"])).content.decode()

    def listed(number, page):  # the number as a ledger link, not inside a random token
        return f">{number}</a>" in page

    assert listed(failing.number, shortfall) and not listed(passing.number, shortfall)
    assert "住房安全有保障" in shortfall and "不愁吃、不愁穿" in shortfall
    exits = county.get(reverse("policy:ledger", args=["exit"])).content.decode()
    assert listed(passing.number, exits) and not listed(failing.number, exits)


def test_ledger_export_writes_an_xlsx_through_a_job(county, henan):
    import openpyxl

    household("X1", facts={"water_safe": False})
    run = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    county.post(
        reverse("policy:ledger_export", args=[run.pk]), {"ledger": "shortfall", "region": MINQUAN}
    )
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="policy.ledger")
    assert job.status == "succeeded", job.error
    download = county.get(reverse("web:job_download", args=[job.pk]))
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("行政村", "村代码", "户编号")
    assert rows[2][2] == "X1" and "饮水安全" in rows[2][6]


def test_household_panel_explains_each_clause_with_values(county):
    poor = household(
        "P1",
        income="5780.00",
        members=[ADULT, {**ADULT, "name": "王小明", "birth_date": ADULT["birth_date"]}],
    )
    panel = county.get(reverse("policy:household_panel", args=[poor.pk])).content.decode()
    assert 'data-testid="evaluation-result"' in panel
    assert "人均纯收入 2,890 元，低于 2018 年扶贫标准（贫困线） 2,995 元" in panel
    assert 'data-testid="clause-income" data-value="fail"' in panel
    page = county.get(reverse("registry:household", args=[poor.pk])).content.decode()
    assert reverse("policy:household_panel", args=[poor.pk]) in page


def test_the_explanation_reads_in_english_in_english_mode(county):
    """Fixed words, fact and parameter labels, units and verdicts all switch language."""
    poor = household("P2", income="5780.00", facts={"water_safe": None})
    url = reverse("policy:household_panel", args=[poor.pk])
    county.post(reverse("set_language"), {"language": "en", "next": "/"})
    panel = county.get(url).content.decode()
    assert "Net income per capita 2,890 yuan, below poverty line of 2018 2,995 yuan" in panel
    assert "Safe drinking water not reported" in panel  # unknown, not "No"
    assert "Stable income above the national poverty line" in panel
    assert "Henan 2018 poverty exit standard" in panel
    for chinese in ("人均纯收入", "低于", "扶贫标准", "未填报", "元", "收入稳定", "河南省"):
        assert chinese not in panel, chinese


def test_village_indicators_are_unknown_until_entered_then_saved_with_history(county):
    village = first_village(RENHE)
    url = reverse("policy:village_indicators", args=[village.code])
    assert county.get(url).status_code == 200
    response = county.post(url, {"year": 2018, "road": "1", "bus": "0", "broadband": ""})
    assert response.status_code == 302
    record = VillageIndicator.objects.get(village=village, year=2018)
    assert (record.road, record.bus, record.broadband) == (True, False, None)
    assert record.history.count() == 1


def test_policy_revision_from_draft_to_publish(client, make_user, henan):
    client.force_login(make_user(Role.CITY_OFFICE, "411400000000"))
    client.post(reverse("policy:policy_draft", args=[henan.pk]))
    draft = PolicyVersion.objects.get(code="henan-2018", status="draft")
    assert draft.version == 2 and draft.clauses.count() == henan.clauses.count()
    bad = client.post(
        reverse("policy:clause_edit", args=[draft.pk]),
        {
            "level": "household",
            "code": "toilet",
            "title": "有卫生厕所",
            "expression": json.dumps({"sql": "has_sanitary_toilet = 1"}),
        },
        follow=True,
    )
    assert "不支持的运算" in bad.content.decode()
    client.post(
        reverse("policy:clause_edit", args=[draft.pk]),
        {
            "level": "household",
            "code": "toilet",
            "title": "有卫生厕所",
            "expression": json.dumps(
                {"op": "eq", "args": [{"fact": "has_sanitary_toilet"}, {"value": True}]}
            ),
        },
    )
    assert draft.clauses.filter(code="toilet").exists()
    client.post(reverse("policy:policy_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_published
    # Published: a further change is refused and nothing moves.
    refused = client.post(
        reverse("policy:clause_edit", args=[draft.pk]),
        {"level": "household", "code": "toilet", "title": "改", "expression": '{"value": true}'},
        follow=True,
    )
    assert "已发布，不能修改" in refused.content.decode()
    assert draft.clauses.get(code="toilet").title == "有卫生厕所"
    henan.refresh_from_db()
    assert henan.clauses.filter(code="toilet").count() == 0


def test_a_stored_result_is_explained_from_the_values_the_run_saw(county, henan):
    poor = household("R1", income="5780.00")
    evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN)
    # The registry changes after the run: the stored explanation must not follow it.
    from tuopin.registry.models import Income

    Income.objects.filter(household=poor).update(wages=Decimal("9000.00"))
    panel = county.get(reverse("policy:household_panel", args=[poor.pk])).content.decode()
    assert 'data-testid="clause-income" data-value="pass"' in panel  # today's data
    assert 'data-testid="stored-income" data-value="fail"' in panel  # what the run saw
    assert "人均纯收入 2,890 元，低于 2018 年扶贫标准（贫困线） 2,995 元" in panel
    assert "非在校生" in panel  # the education condition, with its member counts


def test_county_summary_counts_people_villages_and_counties_against_the_targets(county, henan):
    import io

    import openpyxl

    from tuopin.regions.models import Region

    village = first_village(RENHE)
    Region.objects.filter(code=village.code).update(is_poor_village=True, registered_population=500)
    household("G1")
    household("G2", facts={"water_safe": False})
    # People come from the stored totals, which the registry services refresh; the
    # helper above writes through the ORM.
    from tuopin.registry.totals import totals_refresh

    totals_refresh(prefix="")
    for level in ("household", "village", "county"):
        evaluation_run(acting_user=None, policy=henan, year=2018, region_code=MINQUAN, level=level)
    page = county.get(reverse("policy:county_ledger")).content.decode()
    assert "182000" in page and "351" in page
    response = county.get(reverse("policy:county_ledger_download"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    minquan = next(row for row in rows if row[0] == "民权县")
    # registered 4, not exited 4 (both households status 1), 2 meet the standard
    assert minquan[3:9] == (4, 4, 0, 2, 1, 0)
    assert ("达到标准人口 / 目标", 2, 182000) in [row[:3] for row in rows]


def test_the_city_ledgers_list_the_runs_each_county_ran_itself(
    client, make_user, henan, monkeypatch
):
    """No city run: the city's ledgers list each county's newest run, named in a note,
    page by page and in the export; a newer city run replaces them; ?run= keeps one."""
    import io

    import openpyxl

    from conftest import CITY, other_county_village
    from tuopin.core.models import Job
    from tuopin.policy import views
    from tuopin.policy.tests.test_henan import GOOD_FACTS, KNOWN_ZERO
    from tuopin.regions.models import Region
    from tuopin.registry.models import Household, Income, Measure, Member

    villages = [first_village(RENHE), other_county_village(SUIXIAN)]
    Region.objects.filter(code__in=[v.code for v in villages]).update(
        is_poor_village=True, registered_population=500
    )
    household("C1", facts={"water_safe": False})  # 民权县, fails
    suixian = Household.objects.create(
        village=villages[1], number="S1", **{**GOOD_FACTS, "water_safe": False}
    )
    for index in range(2):
        Member.objects.create(household=suixian, name=f"成员{index}", **ADULT)
    # Every amount given: a blank one is unknown.
    Income.objects.create(
        household=suixian, year=2018, **{**KNOWN_ZERO, "wages": Decimal("10000.00")}
    )
    Measure.objects.create(household=suixian, category="01", year=2017, raises_income=True)
    own = {
        (county, level): evaluation_run(
            acting_user=None, policy=henan, year=2018, region_code=county, level=level
        )
        for county in (MINQUAN, SUIXIAN)
        for level in ("household", "village")
    }
    client.force_login(make_user(Role.CITY_OFFICE, CITY))

    def listed(number, page):
        return f">{number}</a>" in page

    def note(page):
        return page[page.index('data-testid="ledger-runs"') :].split("</p>")[0]

    shortfall = client.get(reverse("policy:ledger", args=["shortfall"])).content.decode()
    assert listed("C1", shortfall) and listed("S1", shortfall)
    assert "饮水安全" in shortfall
    for county, name in ((MINQUAN, "民权县"), (SUIXIAN, "睢县")):
        run = own[(county, "household")]
        assert f"{name} #{run.pk}" in note(shortfall)
        assert reverse("policy:run", args=[run.pk]) in note(shortfall)
    assert "household" not in note(shortfall) and "户" in note(shortfall)
    village_page = client.get(reverse("policy:village_ledger")).content.decode()
    for village in villages:
        assert reverse("policy:village_indicators", args=[village.code]) in village_page
    assert f"睢县 #{own[(SUIXIAN, 'village')].pk}" in note(village_page)

    # Page by page: the next page keeps the same runs (not one of them).
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = client.get(reverse("policy:ledger", args=["shortfall"])).content.decode()
    assert listed("C1", first) and not listed("S1", first)
    following = first[first.index('class="pagination"') :]
    link = following.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert "run=" not in link
    second = client.get(reverse("policy:ledger", args=["shortfall"]) + link).content.decode()
    assert listed("S1", second) and not listed("C1", second)

    # The export writes the same rows, from the same runs.
    client.post(
        reverse("policy:ledger_parts_export", args=["shortfall"]), {"region": CITY, "year": 2018}
    )
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="policy.ledger")
    assert job.status == "succeeded", job.error
    download = client.get(reverse("web:job_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sorted(row[2] for row in list(sheet.iter_rows(values_only=True))[2:]) == ["C1", "S1"]

    # Set-based: more households under the same runs ask no more queries.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(views, "PAGE_SIZE", 100)
    url = reverse("policy:ledger", args=["shortfall"])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in ("C2", "C3", "C4"):
        household(number, facts={"water_safe": False})
    for county in (MINQUAN, SUIXIAN):
        own[(county, "household")] = evaluation_run(
            acting_user=None, policy=henan, year=2018, region_code=county
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert all(listed(number, page) for number in ("C1", "C2", "C3", "C4", "S1"))
    assert len(after) == len(before)

    # ?run= keeps selecting one run.
    one = own[(MINQUAN, "household")]
    chosen = client.get(
        reverse("policy:ledger", args=["shortfall"]) + f"?run={one.pk}"
    ).content.decode()
    assert listed("C1", chosen) and not listed("S1", chosen)

    # A newer city run replaces the counties' runs: one run, the same households.
    monkeypatch.setattr(views, "PAGE_SIZE", 100)
    city = {
        level: evaluation_run(
            acting_user=None, policy=henan, year=2018, region_code=CITY, level=level
        )
        for level in ("household", "village")
    }
    shortfall = client.get(reverse("policy:ledger", args=["shortfall"])).content.decode()
    assert listed("C1", shortfall) and listed("S1", shortfall)
    assert f"#{city['household'].pk}" in note(shortfall)
    assert all(f"#{own[(c, 'household')].pk}<" not in note(shortfall) for c in (MINQUAN, SUIXIAN))
    village_page = client.get(reverse("policy:village_ledger")).content.decode()
    assert f"#{city['village'].pk}" in note(village_page)
    for village in villages:
        assert reverse("policy:village_indicators", args=[village.code]) in village_page
    # A county run newer than the city's: the city's run serves the other county only.
    later = evaluation_run(acting_user=None, policy=henan, year=2018, region_code=SUIXIAN)
    shortfall = client.get(reverse("policy:ledger", args=["shortfall"])).content.decode()
    assert listed("C1", shortfall) and listed("S1", shortfall)
    assert f"睢县 #{later.pk}" in note(shortfall)
    served = note(shortfall).split(f"#{city['household'].pk}</a>")[1].split("<a")[0]
    assert "用于" in served and "民权县" in served and "睢县" not in served
