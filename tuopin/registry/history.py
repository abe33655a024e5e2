"""A household's change history as people read it: who changed what, from what to what.

The history rows (simple-history) of the household and of its members are read in two
queries by id (the member history is indexed by member id), and each row is compared
with the previous row of the same record in memory.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tuopin.registry.models import Household, Member
from tuopin.registry.personal import MASKS

HIDDEN = {"id", "version", "updated_at", "created_at", "household"}
# Where a change came from, as written by the bulk writers (a code, not a sentence).
SOURCES = {"registry import": _lazy("表格导入")}
READ_AT_MOST = 200  # history rows per page: the latest changes, not the whole past


@dataclass
class Change:
    when: datetime
    user: str
    what: str  # 本户, or the member's name
    kind: str  # 新增 / 修改 / 删除
    reason: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # label, before, after


def household_changes(household: Household, limit: int = 20) -> list[Change]:
    """The latest `limit` changes of the household and its members, newest first."""
    member_ids = list(household.members.values_list("id", flat=True))
    rows = [
        *_rows(Household, Household.history.filter(id=household.pk), _("本户")),
        *_rows(Member, Member.history.filter(id__in=member_ids), None),
    ]
    rows.sort(key=lambda change: change.when, reverse=True)
    return rows[:limit]


def _rows(model, history, what: str | None) -> list[Change]:
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[
            :READ_AT_MOST
        ]
    )
    tracked = [
        f for f in model._meta.concrete_fields if f.name not in HIDDEN and f.attname not in HIDDEN
    ]
    kinds = {"+": _("新增"), "~": _("修改"), "-": _("删除")}
    older: dict[int, object] = {}  # record id -> the next older row seen (walking newest first)
    changes = []
    for record in reversed(records):  # oldest first: each row's predecessor is known
        previous = older.get(record.id)
        fields = []
        if previous is not None:
            for model_field in tracked:
                before = getattr(previous, model_field.attname)
                after = getattr(record, model_field.attname)
                if before != after:
                    fields.append(
                        (
                            str(model_field.verbose_name),
                            _shown(model_field, before),
                            _shown(model_field, after),
                        )
                    )
        older[record.id] = record
        if record.history_type == "~" and previous is not None and not fields:
            continue  # a save that changed only hidden fields (version, stamps)
        changes.append(
            Change(
                when=record.history_date,
                user=(record.history_user.first_name or record.history_user.username)
                if record.history_user
                else "—",
                what=what or record.name,
                kind=kinds.get(record.history_type, record.history_type),
                reason=str(SOURCES.get(record.history_change_reason, ""))
                or record.history_change_reason
                or "",
                fields=fields,
            )
        )
    return changes


def _shown(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.name in MASKS:  # the history shows that it changed, not the number
        return MASKS[model_field.name](value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
