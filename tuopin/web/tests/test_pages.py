import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import CITY, MINQUAN, RENHE, SUIXIAN
from tuopin.accounts.roles import Role
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
URL_ATTRIBUTE = re.compile(r"""(?:src|href|action)\s*=\s*["']([^"']+)["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""", re.I)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_local(url: str) -> bool:
    return not re.match(r"^(https?:)?//", url) or re.match(
        r"^https?://(127\.0\.0\.1|localhost)", url
    )


@pytest.fixture
def city_client(make_user):
    return login(make_user(Role.CITY_OFFICE, CITY))


def test_drill_down_from_city_to_village_with_breadcrumbs(city_client):
    city = city_client.get(reverse("web:region", args=[CITY])).content.decode()
    assert "民权县" in city and "国定贫困县" in city and "省定贫困县" in city
    county = city_client.get(reverse("web:region", args=[MINQUAN])).content.decode()
    assert "人和镇" in county
    village = "411421101201"
    page = city_client.get(reverse("web:region", args=[village])).content.decode()
    crumbs = page[page.index('data-testid="breadcrumbs"') : page.index("</ol>")]
    assert [name for name in ("商丘市", "民权县", "人和镇") if name in crumbs] == [
        "商丘市",
        "民权县",
        "人和镇",
    ]
    assert f'href="/regions/{RENHE}/"' in crumbs


def test_breadcrumbs_above_the_users_region_are_not_links(make_user):
    client = login(make_user(Role.TOWNSHIP, RENHE))
    page = client.get(reverse("web:region", args=["411421101201"])).content.decode()
    crumbs = page[page.index('data-testid="breadcrumbs"') : page.index("</ol>")]
    assert "民权县" in crumbs and f'href="/regions/{MINQUAN}/"' not in crumbs
    assert f'href="/regions/{RENHE}/"' in crumbs


def test_children_table_counts_villages_and_communities(city_client):
    page = city_client.get(reverse("web:region", args=[CITY])).content.decode()
    assert "下辖县级单位 11 个" in page and "乡镇（街道）199 个" in page
    assert "行政村 4556 个" in page and "社区 278 个" in page


def test_regions_redirects_a_single_region_user_to_it(make_user):
    client = login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    response = client.get(reverse("web:regions"))
    assert response.status_code == 302 and response["Location"].endswith(f"/regions/{SUIXIAN}/")


def test_navigation_follows_the_role(make_user):
    auditor = login(make_user(Role.AUDITOR, CITY)).get("/").content.decode()
    village = login(make_user(Role.VILLAGE, "411421101201")).get("/").content.decode()
    assert 'href="/audit/"' in auditor
    assert 'href="/audit/"' not in village
    # The API documentation is linked for everyone, from the footer (the bar is full).
    docs = reverse("api-1.0.0:openapi-view")
    for page in (auditor, village):
        footer = page.split('data-testid="footer"')[1]
        assert f'href="{docs}"' in footer and "接口文档" in footer


def test_the_language_switch_turns_the_interface_english(city_client):
    assert "首页" in city_client.get("/").content.decode()
    response = city_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = city_client.get("/").content.decode()
    assert "Home" in page and "Villages" in page and "首页" not in page
    city_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "首页" in city_client.get("/").content.decode()


def test_login_page_is_chinese_by_default():
    page = Client().get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-CN"' in page and "登录精准扶贫信息管理平台" in page


def test_a_job_shows_a_polling_progress_bar_until_it_finishes(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = login(user)
    response = client.post(reverse("web:job_create"), {"kind": "regions.export", "region": MINQUAN})
    job = Job.objects.get()
    assert response["Location"] == reverse("web:job", args=[job.pk])
    running = client.get(reverse("web:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'data-status="queued"' in running
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress=100)
    done = client.get(reverse("web:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done and 'data-status="succeeded"' in done


def test_a_village_user_may_not_export(make_user):
    client = login(make_user(Role.VILLAGE, "411421101201"))
    response = client.post(
        reverse("web:job_create"), {"kind": "regions.export", "region": "411421101201"}
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_no_page_references_anything_outside_the_server(city_client, make_user):
    job = job_enqueue(
        acting_user=make_user(Role.CITY_OFFICE, CITY, username="other"),
        kind="regions.export",
        region_code=CITY,
    )
    pages = [
        "/",
        f"/regions/{CITY}/",
        f"/regions/{MINQUAN}/",
        "/regions/411421101201/",
        "/jobs/",
        f"/jobs/{job.pk}/",
        "/accounts/profile/",
        "/audit/",
        "/api/v1/docs",
    ]
    seen = 0
    for url in pages:
        response = city_client.get(url)
        assert response.status_code == 200, url
        for target in URL_ATTRIBUTE.findall(response.content.decode()):
            assert is_local(target), f"{url} references {target}"
            seen += 1
    for url in [reverse("accounts:login")]:
        for target in URL_ATTRIBUTE.findall(Client().get(url).content.decode()):
            assert is_local(target), f"{url} references {target}"
    assert seen > 20
    for asset in STATIC_DIR.rglob("*.css"):
        for target in CSS_URL.findall(asset.read_text(encoding="utf-8")):
            assert target.startswith("data:") or is_local(target), f"{asset} loads {target}"


def test_the_english_catalogue_translates_every_message():
    import polib

    catalogue = Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"
    entries = polib.pofile(str(catalogue))
    untranslated = [entry.msgid for entry in entries.untranslated_entries()]
    assert not untranslated
    assert not [entry.msgid for entry in entries.fuzzy_entries()]
    assert catalogue.with_suffix(".mo").exists(), "make install compiles the catalogue"


def test_a_county_office_edits_a_village_and_history_records_who(make_user):
    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = login(user)
    village = "411421101201"
    response = client.post(
        reverse("web:region_edit", args=[village]),
        {
            "is_poor_village": "on",
            "poor_identified_year": "2014",
            "poor_exited_year": "2018",
            "registered_population": "1860",
        },
    )
    assert response.status_code == 302
    from tuopin.regions.models import Region

    region = Region.objects.get(code=village)
    assert region.is_poor_village and region.registered_population == 1860
    assert region.history.first().history_user == user


def test_a_bad_attribute_edit_names_the_field_and_saves_nothing(make_user):
    client = login(make_user(Role.COUNTY_OFFICE, MINQUAN))
    village = "411421101201"
    response = client.post(
        reverse("web:region_edit", args=[village]),
        {
            "is_deeply_poor_village": "on",
            "poor_identified_year": "2018",
            "poor_exited_year": "2016",
            "registered_population": "900",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-poor_exited_year"' in page and "退出年度不能早于识别年度" in page
    assert 'data-testid="error-is_deeply_poor_village"' in page
    from tuopin.regions.models import Region

    assert Region.objects.get(code=village).registered_population is None


def test_township_and_village_users_cannot_edit_attributes(make_user):
    client = login(make_user(Role.TOWNSHIP, RENHE))
    assert client.get(reverse("web:region_edit", args=[RENHE])).status_code == 403


def test_an_english_browser_still_gets_chinese_until_the_switch_is_used(db):
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert "登录精准扶贫信息管理平台" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert (
        "Log in to the poverty-alleviation platform"
        in client.get(reverse("accounts:login")).content.decode()
    )


def test_refusals_are_explained_in_chinese(make_user):
    client = login(make_user(Role.TOWNSHIP, RENHE))
    missing = client.get(reverse("web:region", args=[SUIXIAN]))
    assert missing.status_code == 404 and "不在您负责的区域内" in missing.content.decode()
    forbidden = client.get(reverse("web:region_edit", args=[RENHE]))
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()


def test_the_registry_of_any_region_in_scope_is_exported_by_a_job(make_user, settings):
    from tuopin.audit.models import AccessKind, AccessLog
    from tuopin.core.jobs import worker_loop

    user = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = login(user)
    page = client.get(reverse("web:region", args=[RENHE])).content.decode()
    assert 'data-testid="export-registry"' in page
    client.post(reverse("web:job_create"), {"kind": "registry.export", "region": RENHE})
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="registry.export")
    assert job.status == JobStatus.SUCCEEDED and job.result_name.endswith(".xlsx"), job.error
    assert client.get(reverse("web:job_download", args=[job.pk])).status_code == 200
    # The summary speaks Chinese; its keys are for the API.
    summary = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert "行数" in summary and ">rows<" not in summary
    assert AccessLog.objects.filter(kind=AccessKind.EXPORT, region_code=RENHE).exists()
