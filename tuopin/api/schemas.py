from datetime import datetime

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    message_zh: str
    message_en: str
    field: str | None = None


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


class JobIn(Schema):
    kind: str
    region_code: str


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


class AccessLogOut(Schema):
    id: int
    at: datetime
    username: str
    kind: str
    region_code: str
    object_type: str
    object_id: str
    detail: str
