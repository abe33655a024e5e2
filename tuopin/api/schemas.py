from datetime import datetime
from typing import Literal

from ninja import Schema

from tuopin.api.masking import mask_text, mask_tree
from tuopin.api.types import RegionCode
from tuopin.core.jobs import job_kinds


class ProblemOut(Schema):
    """One refused value of the input: which field, why, in Chinese and English."""

    field: str | None = None
    code: str
    member: int | None = None
    warning: bool | None = None
    message_zh: str
    message_en: str


class ErrorOut(Schema):
    """Every error the API answers has this body (4xx), in Chinese first and English."""

    code: str
    message: str
    message_zh: str
    message_en: str
    field: str | None = None
    row: int | None = None
    problems: list[ProblemOut] | None = None


# What each error status means on every operation (docs/api.md lists the codes):
# 400 input the schema or a rule refuses, 401 not logged in / no valid token, 403 the role
# lacks the permission or a session POST lacks its CSRF token, 404 missing or outside the
# caller's regions (alike on purpose), 409 an edit based on a stale version.
ERROR_STATUSES = (400, 401, 403, 404)


def answers(ok: dict, *extra: int) -> dict:
    """The response map of an operation: its success bodies and every error it can give."""
    return {**ok, **dict.fromkeys((*ERROR_STATUSES, *extra), ErrorOut)}


class RegionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    poor_county_type: str
    is_poor_village: bool
    is_deeply_poor_village: bool
    poor_identified_year: int | None
    poor_exited_year: int | None
    registered_population: int | None

    @staticmethod
    def resolve_parent_code(region) -> str | None:
        return region.parent_id


class AssignmentOut(Schema):
    role: str
    role_label: str
    region_code: str
    region_name: str


class MeOut(Schema):
    username: str
    full_name: str
    assignments: list[AssignmentOut]
    permissions: list[str]


def _job_kinds():
    # The kinds the apps registered in their ready(); the API is imported after that.
    kinds = tuple(sorted(job_kinds()))
    if not kinds:
        raise RuntimeError("no job kinds registered: import the API after django.setup()")
    return Literal[kinds]


class JobIn(Schema):
    kind: _job_kinds()  # type: ignore[valid-type]
    region_code: RegionCode


class JobOut(Schema):
    id: int
    kind: str
    region_code: str
    owner: str
    status: str
    progress: int
    message: str
    error: str
    result: dict
    result_name: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_owner(job) -> str:
        return job.owner.username

    # Jobs are visible to everyone in their region, and an import's result quotes the
    # numbers it refused: free text and results leave masked.
    @staticmethod
    def resolve_message(job) -> str:
        return mask_text(job.message)

    @staticmethod
    def resolve_error(job) -> str:
        return mask_text(job.error)

    @staticmethod
    def resolve_result(job) -> dict:
        return mask_tree(job.result or {})


class AccessLogOut(Schema):
    id: int
    at: datetime
    username: str
    kind: str
    region_code: str
    object_type: str
    object_id: str
    detail: str

    @staticmethod
    def resolve_detail(entry) -> str:
        return mask_text(entry.detail)
