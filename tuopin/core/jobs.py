"""Background jobs on the database alone: no broker, no extra server.

Apps declare handlers with `@job_handler("kind", ...)` in their `jobs.py`
(imported from `AppConfig.ready`). `tuopin worker` claims queued jobs with a
conditional UPDATE (safe on SQLite and PostgreSQL alike), runs the handler,
and records progress, heartbeat, result file or error. A job cut off by a
restart is resumed (resumable kinds) or failed with the reason; never lost.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from tuopin.core.errors import SCHEMA_ERRORS_ZH, TuopinError
from tuopin.core.models import Job, JobStatus

logger = logging.getLogger("tuopin.jobs")


class NoParams(BaseModel):
    """The parameters of a kind that takes none: anything given is refused."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class JobKind:
    """What a kind of job is and who may use it.

    - `permission`: what the submitter must hold in the job's region (a tuple: any one).
    - `reads`: what anyone must hold there to see the job's result or download its file
      (a tuple: every one); the submitter too, so nobody queues what they may not read.
    - `params`: the schema its parameters are checked against when it is queued.
    - `personal`: its file may carry full ID numbers, bank accounts and phones; it
      carries them only when the submitter may reveal them (`Job.reveals`), and only a
      user who may reveal them downloads such a file.
    - `authorize(user, region_code, params)`: object checks at queue time (the batch or
      run named in the parameters must be the user's), raising as the selectors do.
    """

    kind: str
    label_zh: str
    label_en: str
    handler: Callable[["JobContext"], dict | None]
    resumable: bool
    permission: str | tuple[str, ...]
    reads: str | tuple[str, ...]
    params: type[BaseModel]
    personal: bool
    authorize: Callable | None

    @property
    def permissions(self) -> tuple[str, ...]:
        return (self.permission,) if isinstance(self.permission, str) else self.permission

    @property
    def reads_all(self) -> tuple[str, ...]:
        return (self.reads,) if isinstance(self.reads, str) else self.reads


_KINDS: dict[str, JobKind] = {}


def job_handler(
    kind: str,
    *,
    label_zh: str,
    label_en: str,
    permission: str | tuple[str, ...],
    reads: str | tuple[str, ...] | None = None,
    params: type[BaseModel] = NoParams,
    personal: bool = False,
    authorize: Callable | None = None,
    resumable: bool = False,
):
    """Register a handler (see JobKind). `reads` defaults to the submit permission.
    Resumable handlers must be safe to run again from the start."""
    if reads is None:
        if not isinstance(permission, str):
            raise ValueError(f"job kind {kind}: say which permission reads its result")
        reads = permission

    def register(function):
        _KINDS[kind] = JobKind(
            kind,
            label_zh,
            label_en,
            function,
            resumable,
            permission,
            reads,
            params,
            personal,
            authorize,
        )
        return function

    return register


def job_params_check(kind: JobKind, params: dict | None) -> dict:
    """The parameters as the kind's schema reads them, or a TuopinError naming the field."""
    try:
        return kind.params.model_validate(params or {}).model_dump(mode="json")
    except PydanticValidationError as invalid:
        problem = invalid.errors()[0]
        field = ".".join(str(part) for part in problem["loc"]) or "params"
        zh = SCHEMA_ERRORS_ZH.get(problem["type"], "格式不正确")
        raise TuopinError(
            "job_params_invalid",
            f"任务参数 {field} {zh}",
            f"job parameter {field}: {problem['msg']}",
            field=field,
        ) from None


def job_kind(kind: str) -> JobKind | None:
    return _KINDS.get(kind)


def job_kinds() -> dict[str, JobKind]:
    return dict(_KINDS)


class JobContext:
    """What a handler sees: the job, a progress reporter and a place for its result file."""

    def __init__(self, job: Job):
        self.job = job

    @property
    def params(self) -> dict:
        return self.job.params

    def progress(self, percent: float, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(
            progress=percent, message=message[:255], heartbeat_at=timezone.now()
        )
        self.job.progress, self.job.message = percent, message

    def result_path(self, filename: str) -> Path:
        """A fresh path under MEDIA_ROOT/jobs/<id>/ for the handler to write its file to."""
        folder = Path(settings.MEDIA_ROOT) / "jobs" / str(self.job.pk)
        folder.mkdir(parents=True, exist_ok=True)
        self.job.result_file = str(Path("jobs") / str(self.job.pk) / filename)
        self.job.result_name = filename
        return folder / filename


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_claim_next(worker_id: str) -> Job | None:
    """Take the oldest queued job; a conditional UPDATE keeps two workers off one job."""
    while True:
        candidate = (
            Job.objects.filter(status=JobStatus.QUEUED)
            .order_by("created_at", "id")
            .values_list("id", flat=True)
            .first()
        )
        if candidate is None:
            return None
        now = timezone.now()
        claimed = Job.objects.filter(pk=candidate, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            worker_id=worker_id,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
        if claimed:
            return Job.objects.get(pk=candidate)


class _Heartbeat(threading.Thread):
    """Keeps heartbeat_at fresh while a handler works without reporting progress."""

    def __init__(self, job_id: int, interval: float):
        super().__init__(daemon=True)
        self.job_id, self.interval = job_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # noqa: BLE001 - a lost heartbeat only delays recovery
            logger.exception("heartbeat of job %s stopped", self.job_id)
        finally:
            connection.close()


def job_run(job: Job, *, heartbeat: bool = True) -> Job:
    """Run one claimed job to the end and record how it ended.

    `heartbeat=False` is for tests that run jobs inside a test transaction, where
    a second connection could neither see nor lock the job row.
    """
    kind = job_kind(job.kind)
    beat = _Heartbeat(job.pk, max(1.0, settings.JOB_HEARTBEAT_TIMEOUT_SECONDS / 4))
    if heartbeat:
        beat.start()
    context = JobContext(job)
    try:
        if kind is None:
            raise TuopinError(
                "job_kind_unknown", f"未知的任务类型：{job.kind}", f"unknown job kind: {job.kind}"
            )
        summary = kind.handler(context) or {}
    except TuopinError as error:
        _finish(job, JobStatus.FAILED, error=str(error))
    except Exception as crash:  # noqa: BLE001 - a failed job must record why, whatever broke
        # The traceback goes to the server log; the page shows what a user can act on.
        logger.exception("job %s failed", job.pk)
        _finish(
            job,
            JobStatus.FAILED,
            error=(
                f"任务因内部错误中止（{type(crash).__name__}），已记入服务器日志，"
                f"请联系系统管理员并告知任务编号 {job.pk}。"
                f" (The job stopped on an internal error ({type(crash).__name__}),"
                f" logged on the server; tell the administrator job #{job.pk}.)"
            ),
        )
    else:
        _finish(
            job,
            JobStatus.SUCCEEDED,
            summary=summary,
            result_file=context.job.result_file,
            result_name=context.job.result_name,
        )
    finally:
        if heartbeat:
            beat.stopped.set()
            beat.join()
    job.refresh_from_db()
    return job


def _finish(
    job: Job,
    status: str,
    *,
    error: str = "",
    summary: dict | None = None,
    result_file: str = "",
    result_name: str = "",
) -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        fields.update(
            progress=100,
            result=summary or {},
            result_file=result_file,
            result_name=result_name,
            message="完成 (done)",
        )
    Job.objects.filter(pk=job.pk).update(**fields)


def _worker_is_alive(worker_id: str) -> bool:
    host, _, pid = worker_id.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's worker: only its heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def jobs_recover_interrupted(*, now=None) -> list[int]:
    """Resume or fail running jobs whose worker died (gone process or stale heartbeat)."""
    now = now or timezone.now()
    stale_before = now - timezone.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS)
    recovered = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).only(
        "id", "kind", "worker_id", "heartbeat_at", "attempts"
    ):
        stale = job.heartbeat_at is None or job.heartbeat_at < stale_before
        if not stale and _worker_is_alive(job.worker_id):
            continue
        kind = job_kind(job.kind)
        with transaction.atomic():
            if kind and kind.resumable and job.attempts < settings.JOB_MAX_ATTEMPTS:
                changed = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                    status=JobStatus.QUEUED,
                    progress=0,
                    worker_id="",
                    message="执行进程中断，已重新排队 (worker stopped; job queued again)",
                )
            else:
                changed = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                    status=JobStatus.FAILED,
                    finished_at=now,
                    error=(
                        "执行进程在任务完成前中断（服务重启），请重新提交。"
                        " (The worker stopped before the job finished, e.g. a restart;"
                        " please submit it again.)"
                    ),
                )
        if changed:
            recovered.append(job.pk)
    return recovered


def worker_loop(
    *,
    once: bool = False,
    poll_seconds: float = 1.0,
    stop: threading.Event | None = None,
    heartbeat: bool = True,
) -> int:
    """Run jobs until stopped (or until the queue is empty with `once`). Returns jobs run."""
    worker_id = worker_identity()
    stop = stop or threading.Event()
    ran = 0
    last_recovery = None
    while not stop.is_set():
        if not connection.in_atomic_block:  # tests run the loop inside a transaction
            close_old_connections()
        if last_recovery is None or (timezone.now() - last_recovery).total_seconds() > 10:
            jobs_recover_interrupted()
            last_recovery = timezone.now()
        job = job_claim_next(worker_id)
        if job is None:
            if once:
                break
            stop.wait(poll_seconds)
            continue
        job_run(job, heartbeat=heartbeat)
        ran += 1
    return ran
