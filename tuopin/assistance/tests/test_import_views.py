"""Uploading a department spreadsheet: the user's department's ledgers only, the job,
its result page and the error report download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import MINQUAN, RENHE, SUIXIAN, first_village
from tuopin.accounts.models import Assignment
from tuopin.accounts.roles import Department, Role
from tuopin.accounts.selectors import forget_assignments
from tuopin.assistance.models import StudentEnrolment
from tuopin.assistance.tests.factories_import import person_id, registered, write_csv
from tuopin.core.jobs import worker_loop
from tuopin.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def education(make_user):
    user = make_user(Role.SECTOR, MINQUAN)
    Assignment.objects.filter(user=user).update(department=Department.EDUCATION)
    forget_assignments(user)
    return user


def test_a_sector_user_imports_only_their_departments_ledgers(education):
    client = login(education)
    index = client.get(reverse("assistance:import_index"))
    assert index.status_code == 200
    text = index.content.decode()
    assert "学生学籍台账" in text and "学生资助发放" in text and "扶贫小额信贷台账" not in text
    assert client.get(reverse("assistance:import", args=["student"])).status_code == 200
    assert client.get(reverse("assistance:import", args=["loan"])).status_code == 404
    assert client.get(reverse("assistance:import", args=["nonsense"])).status_code == 404


def test_an_upload_is_imported_by_a_job_with_its_result_page_and_report(
    education, make_user, tmp_path
):
    village = first_village(RENHE)
    household, ids = registered(
        make_user(Role.VILLAGE, village.code), village, "411421101001000401"
    )
    path = write_csv(
        tmp_path / "学籍.csv",
        [
            ["年度", "学生姓名", "学生身份证号", "学段"],
            [2018, "张小军", ids[2], "初中"],
            [2018, "赵外来", person_id(), "小学"],
            [2018, "钱坏", "123", "小学"],
        ],
    )
    client = login(education)
    response = client.post(
        reverse("assistance:import", args=["student"]),
        {
            "file": SimpleUploadedFile("学籍.csv", path.read_bytes()),
            "region": MINQUAN,
            "partial": "on",
        },
    )
    job = Job.objects.get(kind="assistance.ledger_import")
    assert response["Location"] == reverse("web:job", args=[job.pk])
    worker_loop(once=True, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.result["created"], job.result["rejected"], job.result["not_registered"]) == (
        2,
        1,
        1,
    )
    assert StudentEnrolment.objects.count() == 2
    page = client.get(job.result["link"])
    text = page.content.decode()
    assert page.status_code == 200 and "不在建档立卡库中" in text and "学生身份证号" in text
    assert job.result_name == "台账导入结果.xlsx"
    # The report is the uploader's own rows with their messages: theirs to download.
    download = client.get(reverse("web:job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    # The import queued the coverage recount of its year; the scorecard then reads the
    # stored counts, and offers the recount to whoever may run jobs there.
    recount = Job.objects.get(kind="assistance.coverage")
    assert (recount.region_code, recount.params) == (MINQUAN, {"year": 2018})
    card = reverse("assistance:coverage") + f"?region={MINQUAN}&year=2018"
    worker_loop(once=True, heartbeat=False)  # (a no-op if the first run took it too)
    recount.refresh_from_db()
    assert recount.status == JobStatus.SUCCEEDED, recount.error
    page = client.get(card).content.decode()
    assert "统计于" in page and 'value="assistance.coverage"' in page


def test_a_job_for_another_departments_ledger_or_county_is_refused(education, tmp_path):
    from django.core.exceptions import PermissionDenied

    from tuopin.accounts.services import job_submit

    params = {"kind": "loan", "upload": f"uploads/{'a' * 32}.csv", "name": "x.csv"}
    with pytest.raises(PermissionDenied):
        job_submit(
            acting_user=education,
            kind="assistance.ledger_import",
            region_code=MINQUAN,
            params=params,
        )
    with pytest.raises(Exception):  # noqa: B017 - out of scope: 404 as for anything hidden
        job_submit(
            acting_user=education,
            kind="assistance.ledger_import",
            region_code=SUIXIAN,
            params={**params, "kind": "student"},
        )


def test_the_import_pages_show_no_code_or_english_word_in_chinese(make_user, tmp_path):
    from tests.test_no_codes_on_screen import Page, latin_words
    from tuopin.assistance.layouts import LAYOUTS

    office = make_user(Role.COUNTY_OFFICE, MINQUAN)
    client = login(office)
    path = write_csv(tmp_path / "学籍.csv", [["年度", "身份证号", "学段"], [2018, "1", "小学"]])
    client.post(
        reverse("assistance:import", args=["student"]),
        {"file": SimpleUploadedFile("学籍.csv", path.read_bytes()), "region": MINQUAN},
    )
    worker_loop(once=True, heartbeat=False)
    job = Job.objects.get(kind="assistance.ledger_import")
    urls = [
        reverse("assistance:import_index"),
        job.result["link"],
        *(reverse("assistance:import", args=[kind]) for kind in LAYOUTS),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        words = latin_words(" ".join(Page(response.content.decode()).text))
        words = [word for word in words if word != office.username]  # the nav names the user
        assert not words, (url, words)
