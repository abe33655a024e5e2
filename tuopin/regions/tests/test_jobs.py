"""The regions.export background job: an xlsx of exactly the divisions under the job's region."""

from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from conftest import CITY, MINQUAN, RENHE, first_village
from tuopin.accounts.roles import Role
from tuopin.core.jobs import job_claim_next, job_kind, job_run, worker_loop
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue
from tuopin.regions.jobs import EXPORT_COLUMNS
from tuopin.regions.models import Region


def read_sheet(job: Job) -> tuple[list, list[tuple]]:
    path = Path(settings.MEDIA_ROOT) / job.result_file
    assert path.is_file()
    workbook = load_workbook(path, read_only=True)
    try:
        sheet = workbook["行政区划"]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    return list(rows[0]), rows[1:]


@pytest.fixture
def owner(make_user):
    return make_user(Role.CITY_OFFICE, CITY)


def test_the_export_kind_is_registered_with_its_permission():
    kind = job_kind("regions.export")
    assert kind is not None
    assert kind.permission == "data.export"
    assert kind.resumable is True


def test_the_worker_exports_exactly_the_divisions_of_the_county(owner):
    job = job_enqueue(acting_user=owner, kind="regions.export", region_code=MINQUAN)

    assert worker_loop(once=True, heartbeat=False) == 1

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress == 100
    expected = list(
        Region.objects.filter(code__startswith="411421")
        .order_by("code")
        .values_list("code", "name", "level", "parent_id")
    )
    assert job.result == {"rows": len(expected)}
    assert job.result_name == "regions-411421.xlsx"
    header, rows = read_sheet(job)
    assert header == [label for _, label in EXPORT_COLUMNS]
    assert [(row[0], row[1], row[2], row[4]) for row in rows] == expected
    # Nothing from another county.
    assert all(str(row[0]).startswith("411421") for row in rows)


def run_one_job() -> Job:
    """Claim and run the queued job directly (no connection housekeeping of the worker loop)."""
    job = job_claim_next("test-worker:1")
    assert job is not None
    return job_run(job, heartbeat=False)


def test_an_export_of_the_city_holds_every_division_and_poverty_attributes(owner):
    job_enqueue(acting_user=owner, kind="regions.export", region_code=CITY)
    job = run_one_job()

    assert job.status == JobStatus.SUCCEEDED, job.error
    header, rows = read_sheet(job)
    assert len(rows) == Region.objects.count() == 5045
    assert job.result == {"rows": 5045}
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    minquan = by_code[MINQUAN]
    assert minquan["名称"] == "民权县"
    assert minquan["贫困县类型"] == "national"
    assert minquan["识别年度"] == 2011
    assert minquan["退出年度"] == 2018
    assert by_code[CITY]["上级代码"] in (None, "")


def test_an_export_of_a_township_holds_the_township_and_its_villages(owner):
    village = first_village(RENHE)
    Region.objects.filter(pk=village.pk).update(is_poor_village=True, registered_population=1234)
    job_enqueue(acting_user=owner, kind="regions.export", region_code=RENHE)
    job = run_one_job()

    assert job.status == JobStatus.SUCCEEDED, job.error
    header, rows = read_sheet(job)
    codes = [row[0] for row in rows]
    assert codes == [RENHE] + list(
        Region.objects.filter(parent_id=RENHE).order_by("code").values_list("code", flat=True)
    )
    exported = dict(zip(header, rows[codes.index(village.code)], strict=True))
    assert exported["贫困村"] is True
    assert exported["户籍人口"] == 1234
    assert exported["村级类型"] == village.kind
