"""公告公示 built from the data: each kind's rows, masked before they are stored; the
minimum posting period; withdrawing; the public pages without login (posted now and
past only, nothing personal in full, a printable copy); the staff's pages and buttons;
the funds' parameters page; the demo step."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.roles import Department, Role
from tuopin.core.errors import TuopinError
from tuopin.projects.disclosure_demo import disclosure_demo
from tuopin.projects.disclosure_posting import (
    FUND_PAYMENTS,
    disclosure_publish,
    disclosure_withdraw,
)
from tuopin.projects.enums import DisclosureKind
from tuopin.projects.models import Disclosure
from tuopin.projects.params import funds_parameter_set
from tuopin.projects.tests.disclosure_factories import PEOPLE, county_data
from tuopin.regions.models import Region

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def assert_nothing_personal(html: str) -> None:
    assert not FULL_ID.search(html), FULL_ID.search(html).group()
    for name, number in PEOPLE:
        assert name not in html and number not in html


def _post(user, kind, region, days_ago=0, **kwargs):
    return disclosure_publish(
        acting_user=user,
        kind=kind,
        region=region,
        year=2018,
        starts_on=timezone.localdate() - timedelta(days=days_ago),
        **kwargs,
    )


def test_each_kind_is_built_from_the_data_and_masked(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    library = _post(county, DisclosureKind.LIBRARY, data.county)
    assert [row[1] for row in library.rows] == [
        "朱寨村光伏电站",
        "朱寨村食用菌大棚",
        "朱寨村产业路",
    ]
    assert library.rows[0][9] == "张*国"  # the responsible person, masked too
    plan = _post(county, DisclosureKind.ANNUAL_PLAN, data.county)
    assert plan.columns[:6] == [
        "项目名称",
        "实施地点",
        "建设任务",
        "补助标准",
        "资金来源及规模",
        "实施期限",
    ]
    assert [row[0] for row in plan.rows] == ["朱寨村食用菌大棚", "朱寨村产业路"]
    assert plan.rows[0][4] == "中央财政专项扶贫资金 300000.00 元"
    assert plan.rows[0][1].startswith(data.village.name)
    allocation = _post(county, DisclosureKind.FUND_ALLOCATION, data.county)
    assert [row[5] for row in allocation.rows] == ["民权县", "朱寨村食用菌大棚"]
    assert allocation.rows[0][0] == "豫财农〔2018〕1号" and allocation.rows[0][7] == "600000.00"
    loans = _post(county, DisclosureKind.LOAN_LIST, data.village)
    assert loans.rows[0][1:4] == ["赵*山", "411421********3456", "养殖业"]
    assert loans.rows[0][4:7] == ["50000.00", 36, "4.35"]
    paid = _post(county, DisclosureKind.SUBSIDY_LIST, data.village, item=FUND_PAYMENTS)
    assert [row[1:3] for row in paid.rows] == [
        ["王*明", "411421********1234"],
        ["李*英", "411421********232X"],
    ]
    dibao = _post(county, DisclosureKind.SUBSIDY_LIST, data.village, item="dibao")
    assert dibao.rows[0][1:6] == ["王*明", "411421********1234", "低保金", "2018Q1", "690.00"]
    assert "低保金" in dibao.title
    done = _post(county, DisclosureKind.COMPLETION, data.county, project=data.completed)
    assert done.rows[0] == ["项目名称", "朱寨村产业路"] and done.project == data.completed
    for notice in Disclosure.objects.all():
        assert_nothing_personal(str(notice.rows))
        assert notice.place.endswith("公开栏")


def test_refusals_name_what_is_wrong(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    with pytest.raises(TuopinError) as error:
        _post(county, DisclosureKind.COMPLETION, data.county, project=data.planned)
    assert error.value.field == "project"
    with pytest.raises(TuopinError) as error:
        _post(county, DisclosureKind.SUBSIDY_LIST, data.village)
    assert error.value.field == "item"
    with pytest.raises(TuopinError) as error:
        disclosure_publish(
            acting_user=county,
            kind=DisclosureKind.LOAN_LIST,
            region=data.county,
            year=2016,
            starts_on=timezone.localdate(),
        )
    assert error.value.code == "disclosure_empty"
    suixian = make_user(Role.COUNTY_OFFICE, SUIXIAN)
    with pytest.raises(PermissionDenied):
        _post(suixian, DisclosureKind.LIBRARY, data.county)
    with pytest.raises(PermissionDenied):
        _post(make_user(Role.AUDITOR, MINQUAN), DisclosureKind.LIBRARY, data.county)
    assert not Disclosure.objects.exists()


def test_nothing_to_post_is_refused(make_user):
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    with pytest.raises(TuopinError) as error:
        _post(county, DisclosureKind.LOAN_LIST, Region.objects.get(code=MINQUAN))
    assert error.value.code == "disclosure_empty" and "没有可公示" in error.value.message_zh


def test_the_minimum_period_is_the_parameter(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    today = timezone.localdate()
    notice = _post(county, DisclosureKind.LIBRARY, data.county)
    assert (notice.ends_on - notice.starts_on).days + 1 == 10
    with pytest.raises(TuopinError) as error:
        _post(county, DisclosureKind.LIBRARY, data.county, ends_on=today + timedelta(days=8))
    assert "不得少于 10 天" in error.value.message_zh
    funds_parameter_set(
        acting_user=None, code="disclosure_days_min", region=data.county, year=today.year, value=15
    )
    longer = _post(county, DisclosureKind.LIBRARY, data.county)
    assert (longer.ends_on - longer.starts_on).days + 1 == 15


def test_a_withdrawn_notice_leaves_the_public_list_and_stays_filed(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    notice = _post(county, DisclosureKind.LIBRARY, data.county, days_ago=1)
    public = Client()
    assert notice.title in public.get(reverse("disclosure:list")).content.decode()
    with pytest.raises(TuopinError):
        disclosure_withdraw(acting_user=county, disclosure=notice, reason=" ")
    with pytest.raises(PermissionDenied):
        disclosure_withdraw(
            acting_user=make_user(Role.AUDITOR, MINQUAN), disclosure=notice, reason="错"
        )
    staff = Client()
    staff.force_login(county)
    response = staff.post(
        reverse("projects:disclosure_withdraw", args=[notice.pk]), {"reason": "数据有误"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.withdrawn_by == county and notice.withdraw_reason == "数据有误"
    assert notice.history.count() == 2  # posted, withdrawn: filed
    assert notice.title not in public.get(reverse("disclosure:list")).content.decode()
    assert (
        notice.title not in public.get(f"{reverse('disclosure:list')}?state=ended").content.decode()
    )
    assert public.get(reverse("disclosure:notice", args=[notice.pk])).status_code == 404
    assert public.get(reverse("disclosure:print", args=[notice.pk])).status_code == 404
    page = staff.get(reverse("projects:disclosure", args=[notice.pk])).content.decode()
    assert "已撤回" in page and "数据有误" in page and 'data-testid="withdraw-form"' not in page
    listed = staff.get(f"{reverse('projects:disclosures')}?state=withdrawn").content.decode()
    assert notice.title in listed


def test_public_pages_need_no_login_and_show_only_posted_and_past_notices(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    now = _post(county, DisclosureKind.SUBSIDY_LIST, data.village, days_ago=2, item=FUND_PAYMENTS)
    past = _post(county, DisclosureKind.LOAN_LIST, data.village, days_ago=30)
    later = _post(county, DisclosureKind.LIBRARY, data.county, days_ago=-5)
    public = Client()
    current = public.get(reverse("disclosure:list"))
    assert current.status_code == 200
    body = current.content.decode()
    assert now.title in body and past.title not in body and later.title not in body
    ended = public.get(reverse("disclosure:list"), {"state": "ended"}).content.decode()
    assert past.title in ended and now.title not in ended and later.title not in ended
    assert public.get(reverse("disclosure:notice", args=[later.pk])).status_code == 404
    # per county, township, village
    assert (
        now.title in public.get(reverse("disclosure:list"), {"region": "411421"}).content.decode()
    )
    assert (
        now.title
        not in public.get(reverse("disclosure:list"), {"region": "411422"}).content.decode()
    )
    township = public.get(reverse("disclosure:list"), {"region": RENHE[:9]}).content.decode()
    assert now.title in township and data.village.name in township
    for notice in (now, past):
        for name in ("disclosure:notice", "disclosure:print"):
            response = public.get(reverse(name, args=[notice.pk]))
            assert response.status_code == 200
            html = response.content.decode()
            assert_nothing_personal(html)
            assert "登录" not in html and "//cdn" not in html and "https://" not in html
    page = public.get(reverse("disclosure:notice", args=[now.pk])).content.decode()
    assert "王*明" in page and "411421********1234" in page
    printed = public.get(reverse("disclosure:print", args=[now.pk])).content.decode()
    assert "projects/disclosure_print" in printed and "负责人签字" in printed
    assert now.starts_on.strftime("%Y年%-m月%-d日") in printed and now.place in printed


def test_staff_pages_offer_posting_only_to_who_may_post(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    notice = _post(county, DisclosureKind.LIBRARY, data.county, days_ago=1)
    staff = Client()
    staff.force_login(county)
    listed = staff.get(reverse("projects:disclosures")).content.decode()
    assert notice.title in listed and "公示中" in listed and 'data-testid="post-buttons"' in listed
    form = staff.get(reverse("projects:disclosure_new"), {"kind": "plan"})
    assert form.status_code == 200
    response = staff.post(
        reverse("projects:disclosure_new"),
        {
            "region": MINQUAN,
            "kind": "plan",
            "year": "2018",
            "starts_on": timezone.localdate().isoformat(),
            "contact": "0370-1234567",
        },
    )
    assert response.status_code == 302
    plan = Disclosure.objects.get(kind=DisclosureKind.ANNUAL_PLAN)
    assert plan.contact == "0370-1234567" and plan.posted_by == county
    short = staff.post(
        reverse("projects:disclosure_new"),
        {
            "region": MINQUAN,
            "kind": "plan",
            "year": "2018",
            "starts_on": "2018-06-01",
            "ends_on": "2018-06-03",
        },
    )
    assert short.status_code == 200 and "不得少于 10 天" in short.content.decode()
    auditor = Client()
    auditor.force_login(make_user(Role.AUDITOR, MINQUAN))
    seen = auditor.get(reverse("projects:disclosures")).content.decode()
    assert notice.title in seen and 'data-testid="post-buttons"' not in seen
    assert auditor.get(reverse("projects:disclosure_new")).status_code == 403
    page = auditor.get(reverse("projects:disclosure", args=[notice.pk])).content.decode()
    assert 'data-testid="withdraw-form"' not in page
    stranger = Client()
    stranger.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert stranger.get(reverse("projects:disclosure", args=[notice.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("projects:disclosure_withdraw", args=[notice.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    village = Client()
    village.force_login(make_user(Role.VILLAGE, data.village.code))
    index = village.get(reverse("projects:index")).content.decode()
    assert reverse("projects:disclosures") in index and reverse("projects:parameters") in index


def test_the_funds_parameters_page_reads_for_readers_and_sets_for_the_county(make_user):
    village = Client()
    village.force_login(make_user(Role.VILLAGE, first_village(RENHE).code))
    page = village.get(reverse("projects:parameters"))
    assert page.status_code == 200 and "公示期不少于" in page.content.decode()
    assert 'name="code"' not in page.content.decode()
    treasury = Client()
    treasury.force_login(make_user(Role.SECTOR, MINQUAN, department=Department.TREASURY))
    response = treasury.post(
        reverse("projects:parameters"),
        {"region": MINQUAN, "year": "2018", "code": "disclosure_days_min", "value": "12"},
    )
    assert response.status_code == 302
    shown = treasury.get(reverse("projects:parameters"), {"region": MINQUAN, "year": "2018"})
    assert "民权县自 2018 年起设置" in shown.content.decode()
    auditor = Client()
    auditor.force_login(make_user(Role.AUDITOR, MINQUAN))
    refused = auditor.post(
        reverse("projects:parameters"),
        {"region": MINQUAN, "year": "2018", "code": "disclosure_days_min", "value": "3"},
    )
    assert refused.status_code == 403
    hotline = Client()
    hotline.force_login(make_user(Role.HOTLINE, MINQUAN))
    assert hotline.get(reverse("projects:parameters")).status_code == 403


def test_the_demo_posts_the_county_notices(make_user):
    make_user(Role.COUNTY_OFFICE, MINQUAN, username="county")
    said = []
    disclosure_demo(region_code="411421", year=2018, seed=1, if_empty=True, say=said.append)
    kinds = set(Disclosure.objects.values_list("kind", flat=True))
    assert {"library", "plan", "allocation"} <= kinds, said
    public = Client().get(reverse("disclosure:list")).content.decode()
    assert "民权县2018年度县级脱贫攻坚项目库公示" in public
    disclosure_demo(region_code="411421", year=2018, seed=1, if_empty=True, say=said.append)
    assert Disclosure.objects.count() == len(kinds)


def test_the_api_answers_the_notices_masked_and_scoped(make_user):
    data = county_data()
    county = make_user(Role.COUNTY_OFFICE, MINQUAN)
    notice = _post(county, DisclosureKind.SUBSIDY_LIST, data.village, item=FUND_PAYMENTS)
    client = Client()
    client.force_login(county)
    listed = client.get("/api/v1/projects/disclosures", {"state": "posted"}).json()
    assert [item["id"] for item in listed["items"]] == [notice.pk]
    assert listed["items"][0]["state_label"] == "公示中"
    detail = client.get(f"/api/v1/projects/disclosures/{notice.pk}")
    assert detail.status_code == 200 and detail.json()["rows"][0][1] == "王*明"
    assert_nothing_personal(detail.content.decode("unicode_escape"))
    stranger = Client()
    stranger.force_login(make_user(Role.COUNTY_OFFICE, SUIXIAN))
    assert stranger.get(f"/api/v1/projects/disclosures/{notice.pk}").status_code == 404
    hotline = Client()
    hotline.force_login(make_user(Role.HOTLINE, MINQUAN))
    assert hotline.get("/api/v1/projects/disclosures").status_code == 403


def test_the_staff_notices_refuse_who_reads_none_as_the_other_pages_do(make_user):
    from django.test import Client

    from conftest import MINQUAN, SUIXIAN
    from tuopin.accounts.roles import Department, Role

    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    education = _client(make_user(Role.SECTOR, MINQUAN, department=Department.EDUCATION))
    assert education.get(reverse("projects:disclosures")).status_code == 403
    assert education.get(reverse("projects:funds_ledger")).status_code == 403
    county = _client(make_user(Role.COUNTY_OFFICE, MINQUAN))
    assert county.get(reverse("projects:disclosures")).status_code == 200
    assert county.get(reverse("projects:disclosures"), {"region": SUIXIAN}).status_code == 404
