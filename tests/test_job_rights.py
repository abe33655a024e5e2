"""Jobs are as protected as what they do and what they hold: every job kind × every role.

For each registered kind this walks every role of the permission table and proves:
- queuing it needs the kind's permission (and jobs.run) in the region, and parameters its
  schema accepts (a wrong or missing parameter is a clear error, nothing queued);
- the job, its result and its file are visible only to a role holding the kind's `reads`
  permission there, and a file with full personal data only to a role that may reveal it,
  on the web page, the download and the API alike;
- an export queued by a role that may not reveal carries masked numbers only.
A new kind without an entry in VALID_PARAMS fails `test_every_kind_is_walked`.
"""

from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from conftest import CITY, MINQUAN, RENHE, first_village
from tuopin.accounts.roles import ROLE_LEVELS, ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import in_scope
from tuopin.accounts.services import job_submit
from tuopin.audit.models import AccessKind, AccessLog
from tuopin.cases.models import Batch
from tuopin.core.errors import TuopinError
from tuopin.core.jobs import job_kinds, worker_loop
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue
from tuopin.policy.models import EvaluationRun, PolicyVersion
from tuopin.registry.services import household_register
from tuopin.registry.tests.factories import family

REGION_OF = {"city": CITY, "county": MINQUAN, "township": RENHE}


def app_kinds() -> dict:
    """The kinds the apps register (other tests register kinds of their own)."""
    return {k: v for k, v in job_kinds().items() if ".tests." not in v.handler.__module__}


def _region_for(role: str) -> str:
    level = ROLE_LEVELS[role][0]
    return REGION_OF.get(level) or first_village(RENHE).code


@pytest.fixture
def scene(make_user, tmp_path, settings):
    village = first_village(RENHE)
    users = {role: make_user(role, _region_for(role)) for role in Role.values}
    # The sector user keeps the education ledgers, which the import probe loads.
    users[Role.SECTOR] = make_user(Role.SECTOR, _region_for(Role.SECTOR), department="education")
    owner = make_user(Role.COUNTY_OFFICE, MINQUAN, username="owner")
    batch = Batch.objects.create(kind="exit", region=village, created_by=users[Role.VILLAGE])
    policy = PolicyVersion.objects.order_by("pk").first()
    run = EvaluationRun.objects.create(
        policy=policy,
        level="household",
        year=2018,
        as_of=date(2018, 10, 1),
        region_id=MINQUAN,
        engine="db",
        created_by=owner,
    )
    upload = "uploads/" + "0" * 32 + ".xlsx"
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    return {
        "village": village,
        "users": users,
        "owner": owner,
        "params": {
            "regions.export": {},
            "registry.export": {"format": "xlsx"},
            "registry.import": {"upload": upload, "dry_run": True},
            "assistance.ledger_import": {"kind": "student", "upload": upload, "dry_run": True},
            "assistance.coverage": {"year": 2018},
            "registry.quality": {"year": 2018},
            "policy.evaluate": {"policy": policy.pk, "year": 2018, "level": "household"},
            "policy.ledger": {"run": run.pk, "ledger": "shortfall"},
            "cases.exit_batch": {"year": 2018},
            "cases.batch_act": {"batch": batch.pk, "action": "approve"},
            "projects.warnings": {},
        },
        "region": {"cases.batch_act": village.code, "cases.exit_batch": village.code},
    }


def test_every_kind_is_walked(scene):
    assert set(app_kinds()) == set(scene["params"])


@pytest.mark.django_db
def test_queuing_needs_the_kinds_permission_in_the_region(scene):
    for kind, definition in app_kinds().items():
        region = scene["region"].get(kind, MINQUAN)
        for role, user in scene["users"].items():
            granted = ROLE_PERMISSIONS[role]
            expected = (
                Permission.JOBS_RUN in granted
                and any(p in granted for p in definition.permissions)
                and set(definition.reads_all) <= granted  # and may read what it makes
            )
            before = Job.objects.count()
            try:
                job_submit(
                    acting_user=user, kind=kind, region_code=region, params=scene["params"][kind]
                )
                queued = True
            except (PermissionDenied, Http404):
                queued = False
            assert queued == (expected and in_scope(user, region)), (kind, role)
            assert Job.objects.count() == before + queued


@pytest.mark.django_db
def test_parameters_are_checked_when_queued(scene):
    county = scene["users"][Role.COUNTY_OFFICE]
    township = scene["users"][Role.TOWNSHIP]
    wrong = [
        (township, "cases.batch_act", {}, "batch"),  # the empty batch_act of the probe
        (township, "cases.batch_act", {"batch": 1, "action": "object"}, "action"),
        (county, "registry.export", {"format": "pdf"}, "format"),
        (county, "registry.export", {"shell": "rm"}, "shell"),
        (county, "registry.import", {"upload": "../../etc/passwd"}, "upload"),
        (county, "policy.evaluate", {"policy": "x", "year": 2018}, "policy"),
    ]
    for user, kind, params, field in wrong:
        region = scene["region"].get(kind, MINQUAN)
        with pytest.raises(TuopinError) as refused:
            job_submit(acting_user=user, kind=kind, region_code=region, params=params)
        assert refused.value.code == "job_params_invalid" and refused.value.field == field
        assert "任务参数" in refused.value.message_zh
    assert not Job.objects.exists()


def _finished_job(scene, kind: str) -> Job:
    job = job_enqueue(
        acting_user=scene["owner"],
        kind=kind,
        region_code=scene["region"].get(kind, MINQUAN),
        params=scene["params"][kind],
        reveals=True,
    )
    job.status, job.result, job.result_file, job.result_name = (
        JobStatus.SUCCEEDED,
        {"rows": 1},
        f"jobs/{job.pk}/out.xlsx",
        "out.xlsx",
    )
    job.save()
    return job


@pytest.mark.django_db
def test_results_and_files_are_read_only_with_the_kinds_rights(scene, settings):
    for kind, definition in app_kinds().items():
        job = _finished_job(scene, kind)
        folder = settings.MEDIA_ROOT / "jobs" / str(job.pk)
        folder.mkdir(parents=True)
        (folder / "out.xlsx").write_bytes(b"PK")
        for role, user in scene["users"].items():
            granted = ROLE_PERMISSIONS[role]
            reads = in_scope(user, job.region_code) and set(definition.reads_all) <= granted
            takes_file = reads and (not job.reveals or Permission.PERSON_REVEAL in granted)
            client = Client()
            client.force_login(user)
            page = client.get(f"/jobs/{job.pk}/")
            api = client.get(f"/api/v1/jobs/{job.pk}")
            listed = client.get("/api/v1/jobs").json()
            download = client.get(f"/jobs/{job.pk}/download/")
            assert (page.status_code == 200) == reads, (kind, role, page.status_code)
            assert (api.status_code == 200) == reads, (kind, role, api.status_code)
            assert (job.pk in {j["id"] for j in listed}) == reads, (kind, role)
            assert (download.status_code == 200) == takes_file, (kind, role, download.status_code)
            assert download.status_code in (200, 403, 404)
            if reads:  # the button is offered exactly to whoever may take the file
                assert (f"/jobs/{job.pk}/download/" in page.content.decode()) == takes_file
                withheld = 'data-testid="download-withheld"' in page.content.decode()
                assert withheld == (not takes_file)  # and the others are told why
            if takes_file:
                logged = set(
                    AccessLog.objects.filter(user=user, object_id=str(job.pk)).values_list(
                        "kind", flat=True
                    )
                )
                assert logged == (
                    {AccessKind.EXPORT, AccessKind.REVEAL} if job.reveals else {AccessKind.EXPORT}
                )


@pytest.mark.django_db(transaction=False)
def test_an_export_queued_without_the_right_to_reveal_is_masked(scene, settings):
    members = family()
    household_register(
        acting_user=scene["owner"],
        village_code=scene["village"].code,
        number="411421101201001",
        attributes={"phone": "13912345678", "bank_account": "6228480012345678"},
        members=members,
    )
    for role, full in ((Role.AUDITOR, False), (Role.COUNTY_OFFICE, True)):
        user = scene["users"][role]
        job = job_submit(acting_user=user, kind="registry.export", region_code=MINQUAN, params={})
        assert job.reveals is full
        worker_loop(once=True, heartbeat=False)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        sheet = openpyxl.load_workbook(settings.MEDIA_ROOT / job.result_file).active
        cells = {str(c.value) for row in sheet.iter_rows(min_row=2) for c in row if c.value}
        full_values = {m["id_number"] for m in members} | {"13912345678", "6228480012345678"}
        if full:
            assert full_values <= cells
        else:
            assert not full_values & cells
            assert {"139****5678", "************5678"} <= cells
            assert any(c.startswith("411421") and "*" in c for c in cells)
