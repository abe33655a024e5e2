"""Writes of the sector ledgers typed by a department: create, edit, review (审核).

Each write is one transaction with history (who, why), allowed only where the acting user
keeps the ledger (ledger_edit_prefixes: ASSISTANCE_EDIT, and a sector user's own
department). A typed row is matched to the registry as an imported one is: the member by
ID number, else the household by household number; a person outside the registry is kept
with the region the row names. A new or edited row waits for review; the one who typed it
cannot approve it, and a return says why.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation

from tuopin.accounts.roles import Permission
from tuopin.accounts.selectors import require_permission
from tuopin.assistance.enums import ReviewStatus
from tuopin.assistance.kinds import LedgerKind
from tuopin.assistance.measures import measures_sync
from tuopin.assistance.models import Payment
from tuopin.assistance.selectors import (
    PARENT_FIELD,
    ledger_model,
    may_edit_ledger,
    payment_kinds,
)
from tuopin.audit.models import AccessKind
from tuopin.audit.services import access_log_record
from tuopin.core.errors import TuopinError
from tuopin.regions.models import Region
from tuopin.registry.idnumbers import canonical_id_number, stored_forms
from tuopin.registry.models import Household, Member
from tuopin.registry.services import RegistryInvalid
from tuopin.registry.validation import Problem, normalise_text

# What a typed row may not set: the registry match, review and import bookkeeping.
MANAGED_FIELDS = {
    "id",
    "region",
    "household",
    "member",
    "review_status",
    "entered_by",
    "entered_at",
    "reviewed_by",
    "reviewed_at",
    "return_reason",
    "batch",
    "source_row",
    "updated_at",
}


def typed_kinds(kinds: list[LedgerKind]) -> list[LedgerKind]:
    """The ledgers whose rows a department types one by one (not the rows that hang under
    another row: services, repayments, checks; nor trainees, who belong to a course)."""
    return [k for k in kinds if k.model not in PARENT_FIELD and k.model != "Trainee"]


def _names_a_user(field) -> bool:
    """Who recorded a row is the acting user, never picked from a list of logins."""
    related = getattr(field, "related_model", None)
    return related is not None and related._meta.label == settings.AUTH_USER_MODEL


def editable_field_names(kind: LedgerKind) -> list[str]:
    model = ledger_model(kind)
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.editable and f.name not in MANAGED_FIELDS and not _names_a_user(f)
    ]
    if model is Payment:
        names.remove("kind")
        if len(payment_kinds(kind)) > 1:
            names.insert(0, "kind")  # 低保金 or 特困供养金
    return names


def _refuse(kind: LedgerKind) -> None:
    raise PermissionDenied(
        f"没有权限：维护{kind.label_zh} (permission required: keep the {kind.label_en} ledger)"
    )


def _label(instance, field: str) -> str:
    try:
        with translation.override("zh-hans"):
            return str(instance._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - a non-field error has no label
        return "数据"


def _in_language(error: ValidationError, language: str) -> str:
    with translation.override(language):
        return "；".join(str(message) for message in error)


def _full_clean(instance) -> None:
    """Model validation (choices, lengths, natural keys) reported per field, in Chinese and
    English, as the registry's writes report it."""
    try:
        instance.full_clean()
    except ValidationError as invalid:
        raise RegistryInvalid(
            [
                Problem(
                    field if field != NON_FIELD_ERRORS else "",
                    "invalid_value",
                    f"{_label(instance, field)}：{_in_language(error, 'zh-hans')}",
                    f"{field}: {_in_language(error, 'en')}",
                )
                for field, errors in invalid.error_dict.items()
                for error in errors
            ]
        ) from invalid


def _match(entry, region_code: str | None) -> None:
    """Link the row to the registry (member by ID number, else household by number) and
    file it under the household's village, or else the region the row names."""
    entry.id_number = canonical_id_number(entry.id_number) if entry.id_number else ""
    entry.name = normalise_text(entry.name)
    entry.household_number = normalise_text(entry.household_number)
    member = None
    if entry.id_number:
        member = (
            Member.objects.filter(id_number__in=sorted(stored_forms(entry.id_number)))
            .select_related("household")
            .first()
        )
    household = member.household if member else None
    if household is None and entry.household_number:
        household = Household.objects.filter(number=entry.household_number).first()
    entry.member = member
    entry.household = household
    if household is not None:
        entry.region_id = household.village_id
        if not entry.household_number:
            entry.household_number = household.number
        if member is not None and not entry.name:
            entry.name = member.name
        return
    if not region_code:
        if entry.region_id:
            return  # an edit keeps the region it had
        raise TuopinError(
            "region_required",
            "此人不在建档立卡库中，请选择所属区划（村或县）",
            "this person is not in the registry: choose the region (village or county)",
            field="region",
        )
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise TuopinError(
            "region_unknown",
            f"区划代码“{region_code}”不存在",
            f"no region with code '{region_code}'",
            field="region",
        )
    entry.region = region


def _sync_measures(kind: LedgerKind, entry) -> None:
    """A row that is help to a household gives it the measure of its kind (帮扶措施)."""
    if kind.measure is None or entry.household_id is None:
        return
    measures_sync(kinds=[kind.code], region_prefix=entry.region_id, years=[entry.year])


@transaction.atomic
def ledger_entry_create(
    *, acting_user, kind: LedgerKind, data: dict, region_code: str | None = None
):
    """A row typed into ledger `kind`: matched, checked whole, waiting for review."""
    model = ledger_model(kind)
    entry = model(**{name: data[name] for name in editable_field_names(kind) if name in data})
    if model is Payment and "kind" not in data:
        entry.kind = kind.payment_kind
    _match(entry, region_code)
    if not may_edit_ledger(acting_user, kind, entry.region_id):
        _refuse(kind)
    entry.review_status = ReviewStatus.PENDING
    entry.entered_by = acting_user
    if hasattr(entry, "recorded_by_id"):  # 控辍保学: who registered the case
        entry.recorded_by = acting_user
    entry._history_user = acting_user
    entry._change_reason = "录入 (typed)"
    _full_clean(entry)
    entry.save()
    _sync_measures(kind, entry)
    return entry


@transaction.atomic
def ledger_entry_update(
    *, acting_user, kind: LedgerKind, entry, data: dict, region_code: str | None = None
):
    """Change a row of ledger `kind`; the changed row waits for review again."""
    if not may_edit_ledger(acting_user, kind, entry.region_id):
        _refuse(kind)
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    for name in editable_field_names(kind):
        if name in data:
            setattr(entry, name, data[name])
    _match(entry, region_code)
    if not may_edit_ledger(acting_user, kind, entry.region_id):
        _refuse(kind)  # moved to a region the user does not keep
    entry.review_status = ReviewStatus.PENDING
    entry.reviewed_by, entry.reviewed_at, entry.return_reason = None, None, ""
    entry.entered_by = acting_user
    entry._history_user = acting_user
    entry._change_reason = "修改 (edited)"
    _full_clean(entry)
    entry.save()
    _sync_measures(kind, entry)
    return entry


@transaction.atomic
def ledger_entry_review(*, acting_user, kind: LedgerKind, entry, approve: bool, reason: str = ""):
    """审核: approve a row, or return it with the reason. Only a row waiting for review
    (or never reviewed), never by the one who typed or imported it."""
    if not may_edit_ledger(acting_user, kind, entry.region_id):
        _refuse(kind)
    entry = (
        type(entry).objects.select_for_update(of=("self",)).select_related("batch").get(pk=entry.pk)
    )
    if entry.review_status not in (ReviewStatus.PENDING, ""):
        raise TuopinError(
            "review_not_pending",
            "该条记录不在待审核状态",
            "this entry is not waiting for review",
        )
    proposer = entry.entered_by_id or (entry.batch.imported_by_id if entry.batch else None)
    if proposer is not None and proposer == acting_user.pk:
        raise TuopinError(
            "review_own_entry",
            "不能审核本人录入或导入的记录",
            "you cannot review an entry you typed or imported yourself",
        )
    reason = normalise_text(reason)
    if not approve and not reason:
        raise TuopinError(
            "return_reason_required",
            "退回须填写退回原因",
            "a return needs its reason",
            field="reason",
        )
    entry.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    entry.return_reason = "" if approve else reason[:200]
    entry.reviewed_by = acting_user
    entry.reviewed_at = timezone.now()
    entry._history_user = acting_user
    entry._change_reason = "审核通过 (approved)" if approve else f"退回：{reason} (returned)"
    entry.save()
    return entry


def ledger_id_reveal(*, acting_user, kind: LedgerKind, entry, request=None) -> str:
    """A ledger row's full ID number, for a user who may reveal personal numbers in the
    row's region (person.reveal); every look is in the access log."""
    region_code = entry.region_id
    require_permission(acting_user, Permission.PERSON_REVEAL, region_code)
    access_log_record(
        kind=AccessKind.REVEAL,
        user=acting_user,
        request=request,
        region_code=region_code,
        object_type="ledger",
        object_id=f"{kind.code}/{entry.pk}",
        detail=f"{kind.label_zh}：{entry.name}",
    )
    return entry.id_number


# The rows that hang under a ledger row, by the parent's model: (child kind, model, fields).
CHILD_ROWS = {
    "EmploymentRecord": {"services": ("employment_service", ["date", "kind", "staff"])},
    "Loan": {
        "repayments": ("loan_repayment", ["date", "amount", "interest"]),
        "checks": (
            "loan_check",
            ["date", "level", "checker", "used_for_production", "finding"],
        ),
    },
}


@transaction.atomic
def ledger_child_add(*, acting_user, kind: LedgerKind, parent, child: str, data: dict):
    """Add a service to an employment record, a repayment or a post-loan check to a loan:
    kept by whoever keeps the parent's ledger, with history."""
    from tuopin.assistance.kinds import KINDS

    children = CHILD_ROWS.get(type(parent).__name__, {})
    if child not in children:
        raise TuopinError("child_unknown", f"未知的明细：{child}", f"unknown detail {child}")
    child_kind, fields = children[child]
    if not may_edit_ledger(acting_user, KINDS[child_kind], parent.region_id):
        _refuse(KINDS[child_kind])
    model = ledger_model(KINDS[child_kind])
    parent_field = PARENT_FIELD[model.__name__]
    row = model(**{parent_field: parent}, **{name: data.get(name) for name in fields})
    for name in fields:
        if getattr(row, name) is None and not model._meta.get_field(name).null:
            setattr(row, name, "")
    row._history_user = acting_user
    row._change_reason = "录入 (typed)"
    _full_clean(row)
    row.save()
    return row
