"""Posting a notice (公告公示) of projects and funds.

A notice's rows are copied when it is posted and masked before they are stored (names
王*明, ID numbers 411421********1234, accounts ****1234, phones 138****5678): the public
page reads only the stored rows, so it can never show a full one. A notice stays up at
least the parameter number of days (disclosure_days_min, 10)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tuopin.core.errors import TuopinError
from tuopin.projects import access
from tuopin.projects.models import Disclosure
from tuopin.projects.params import funds_parameter_values
from tuopin.registry.idnumbers import mask_id_number
from tuopin.registry.personal import mask_bank_account, mask_name, mask_phone

# The kinds of personal cell a notice may carry, and how each is masked.
MASKS = {
    "name": mask_name,
    "id_number": mask_id_number,
    "account": mask_bank_account,
    "phone": mask_phone,
}


def masked_rows(rows: list[list], personal: dict[int, str]) -> list[list]:
    """The rows with each personal column (position -> kind of MASKS) masked."""
    masked = []
    for row in rows:
        cells = list(row)
        for position, kind in personal.items():
            value = cells[position]
            cells[position] = MASKS[kind](str(value)) if value else value
        masked.append(cells)
    return masked


@transaction.atomic
def disclosure_post(
    *,
    acting_user,
    kind: str,
    region,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    columns: list[str],
    rows: list[list],
    personal: dict[int, str] | None = None,
    place: str = "",
    contact: str = "",
    project=None,
    fund=None,
    check_access: bool = True,
) -> Disclosure:
    """Post a notice of `rows` under `columns` at `region` from `starts_on` to `ends_on`
    (default: the minimum period). Refuses a period shorter than the minimum.
    `check_access=False` only for a notice another service posts as part of its own
    checked action (a village's application notice)."""
    if check_access and not access.may_keep(acting_user, access.DISCLOSURE, region.code):
        raise PermissionDenied("没有权限发布公告公示 (you may not post notices here)")
    days_min = int(funds_parameter_values(starts_on.year, region.code)["disclosure_days_min"])
    ends_on = ends_on or starts_on + timedelta(days=days_min - 1)
    if (ends_on - starts_on).days + 1 < days_min:
        raise TuopinError(
            "disclosure_too_short",
            f"公示期不得少于 {days_min} 天（{starts_on} 至 {ends_on} 只有 "
            f"{(ends_on - starts_on).days + 1} 天）",
            f"a notice stays up at least {days_min} days",
        )
    return Disclosure.objects.create(
        kind=kind,
        region=region,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        contact=contact,
        columns=list(columns),
        rows=masked_rows(rows, personal or {}),
        project=project,
        fund=fund,
        posted_by=acting_user,
    )
