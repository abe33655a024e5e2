import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from pydantic import BaseModel

from tuopin.core.errors import TuopinError
from tuopin.core.jobs import (
    job_claim_next,
    job_handler,
    job_run,
    jobs_recover_interrupted,
    worker_identity,
    worker_loop,
)
from tuopin.core.models import Job, JobStatus
from tuopin.core.services import job_enqueue

REGION = "411421000000"
calls: list[str] = []


class TextParams(BaseModel):
    text: str = ""


@job_handler(
    "test.write",
    label_zh="测试",
    label_en="test",
    permission="jobs.run",
    params=TextParams,
    resumable=True,
)
def write_file(context):
    calls.append("write")
    context.progress(50, "半程")
    path = context.result_path("out.txt")
    path.write_text(context.params.get("text", ""), encoding="utf-8")
    return {"chars": len(context.params.get("text", ""))}


@job_handler("test.fail", label_zh="失败", label_en="fail", permission="jobs.run")
def fail(context):
    raise TuopinError("boom", "数据有误", "bad data")


@job_handler("test.crash", label_zh="崩溃", label_en="crash", permission="jobs.run")
def crash(context):
    raise RuntimeError("unexpected")


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("jobowner", password="x")


def test_enqueue_refuses_unknown_kinds(owner):
    with pytest.raises(TuopinError) as error:
        job_enqueue(acting_user=owner, kind="no.such", region_code=REGION)
    assert error.value.code == "job_kind_unknown"
    assert Job.objects.count() == 0


def test_a_job_runs_to_success_with_its_result_file(owner, settings):
    job = job_enqueue(
        acting_user=owner, kind="test.write", region_code=REGION, params={"text": "脱贫"}
    )
    assert worker_loop(once=True, heartbeat=False) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 100
    assert job.result == {"chars": 2}
    assert job.attempts == 1
    assert (settings.MEDIA_ROOT / job.result_file).read_text(encoding="utf-8") == "脱贫"
    assert job.result_name == "out.txt"


def test_failures_are_recorded_not_lost(owner):
    expected = job_enqueue(acting_user=owner, kind="test.fail", region_code=REGION)
    crashed = job_enqueue(acting_user=owner, kind="test.crash", region_code=REGION)
    worker_loop(once=True, heartbeat=False)
    expected.refresh_from_db()
    crashed.refresh_from_db()
    assert expected.status == crashed.status == JobStatus.FAILED
    assert "数据有误" in expected.error and "bad data" in expected.error
    # The traceback is in the server log, not on the page: the user reads what to do.
    assert "内部错误" in crashed.error and "RuntimeError" in crashed.error
    assert "Traceback" not in crashed.error and "unexpected" not in crashed.error


def test_a_claimed_job_cannot_be_claimed_twice(owner):
    job_enqueue(acting_user=owner, kind="test.write", region_code=REGION)
    first = job_claim_next("worker-a:1")
    assert first is not None and first.status == JobStatus.RUNNING
    assert job_claim_next("worker-b:2") is None


def test_jobs_cut_off_by_a_restart_are_resumed_or_failed(owner):
    resumable = job_enqueue(acting_user=owner, kind="test.write", region_code=REGION)
    not_resumable = job_enqueue(acting_user=owner, kind="test.fail", region_code=REGION)
    alive = job_enqueue(acting_user=owner, kind="test.fail", region_code=REGION)
    # Two jobs were running in a worker process that no longer exists ...
    Job.objects.filter(pk__in=[resumable.pk, not_resumable.pk]).update(
        status=JobStatus.RUNNING,
        worker_id=f"{worker_identity().split(':')[0]}:999999999",
        heartbeat_at=timezone.now(),
        attempts=1,
    )
    # ... and one in this very process, which is alive and beating.
    Job.objects.filter(pk=alive.pk).update(
        status=JobStatus.RUNNING,
        worker_id=worker_identity(),
        heartbeat_at=timezone.now(),
        attempts=1,
    )
    recovered = jobs_recover_interrupted()
    assert sorted(recovered) == sorted([resumable.pk, not_resumable.pk])
    resumable.refresh_from_db()
    not_resumable.refresh_from_db()
    alive.refresh_from_db()
    assert resumable.status == JobStatus.QUEUED
    assert not_resumable.status == JobStatus.FAILED
    assert "中断" in not_resumable.error and "restart" in not_resumable.error
    assert alive.status == JobStatus.RUNNING
    # The resumed job then runs to the end.
    job_run(job_claim_next(worker_identity()), heartbeat=False)
    resumable.refresh_from_db()
    assert resumable.status == JobStatus.SUCCEEDED and resumable.attempts == 2


def test_a_stale_heartbeat_counts_as_a_dead_worker(owner, settings):
    job = job_enqueue(acting_user=owner, kind="test.fail", region_code=REGION)
    long_ago = timezone.now() - timezone.timedelta(
        seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS + 5
    )
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker_id="otherhost:1", heartbeat_at=long_ago, attempts=1
    )
    assert jobs_recover_interrupted() == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_resumable_jobs_give_up_after_the_maximum_attempts(owner, settings):
    job = job_enqueue(acting_user=owner, kind="test.write", region_code=REGION)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        worker_id="otherhost:1",
        heartbeat_at=None,
        attempts=settings.JOB_MAX_ATTEMPTS,
    )
    jobs_recover_interrupted()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
