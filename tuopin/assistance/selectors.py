"""Reads of the sector ledgers, always scoped to the user: the one ledger scope.

A ledger row is visible when its region code starts with the prefix of one of the user's
assignments that reads the row's ledger kind: the roles with ledger.view (city, county,
township, village, inspector, auditor) read every kind of their region; a 行业部门
(sector) user reads only the kinds of their assignment's department; nobody else (the
hotline) reads ledgers. So a
sector user of one county sees neither another department's ledgers nor another
county's rows, and a row outside answers exactly like a missing row (404).

Every ledger kind maps to one table (kinds.py); the payment kinds share `Payment` and are
told apart by its `kind`; employment services, loan repayments and post-loan checks have
no region of their own and are scoped through the row they belong to.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.apps import apps
from django.db import connection, models
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet, Sum

from tuopin.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from tuopin.accounts.selectors import UNRESTRICTED, user_assignments
from tuopin.assistance.display import MASKED
from tuopin.assistance.enums import PaymentKind
from tuopin.assistance.kinds import KINDS, LedgerKind
from tuopin.assistance.models import LedgerEntry, Payment
from tuopin.core.errors import OutOfScope, TuopinError
from tuopin.core.regioncodes import filter_prefix, significant_prefix, within
from tuopin.registry.history import _rows as history_rows
from tuopin.registry.idnumbers import stored_forms
from tuopin.registry.validation import normalise_text

# The rows of a kind with no region of their own belong to this row (field name).
PARENT_FIELD = {"EmploymentService": "record", "LoanRepayment": "loan", "LoanCheck": "loan"}

# The amount a ledger's list totals (yuan), by model.
TOTAL_FIELD = {
    "Payment": "amount",
    "Loan": "amount",
    "LoanRepayment": "amount",
    "HospitalSettlement": "total_cost",
    "Ranger": "annual_pay",
}

# What a ledger list shows beside the person, by model (the rest is on the entry page).
LIST_COLUMNS = {
    "EmploymentRecord": ["status", "form", "employer", "monthly_income"],
    "EmploymentService": ["date", "kind", "staff"],
    "PublicWelfarePost": ["post_type", "funding", "monthly_pay", "started_on"],
    "Trainee": ["course", "days_attended", "completed"],
    "Loan": ["amount", "term_months", "drawn_on", "due_on", "bank", "state"],
    "LoanRepayment": ["date", "amount", "interest"],
    "LoanCheck": ["date", "level", "checker", "used_for_production"],
    "StudentEnrolment": ["stage", "status", "school", "grade"],
    "DropoutCase": ["found_on", "reason", "outcome", "closed_on"],
    "HealthInsurance": ["basic_insured", "serious_illness_cover", "supplementary_cover"],
    "DoctorContract": ["team", "signed_on", "follow_ups"],
    "ChronicCard": ["disease", "issued_on"],
    "HospitalSettlement": ["hospital", "admitted_on", "total_cost", "self_paid"],
    "HousingRenovation": ["priority_group", "grade", "method", "finished_on"],
    "PvStation": [],
    "Ranger": ["area_mu", "annual_pay", "state"],
    "DisabilityCertificate": ["category", "grade", "issued_on"],
    "SocialAssistance": ["kind", "persons_covered", "monthly_amount", "started_on"],
    "Payment": ["item", "period", "amount", "paid_on"],
}

# Fields every ledger row has (LedgerEntry): shown apart from the ledger's own fields.
BASE_FIELDS = {f.name for f in LedgerEntry._meta.get_fields()} | {"id"}


def ledger_model(kind: LedgerKind) -> type[models.Model]:
    return apps.get_model("assistance", kind.model)


def payment_kinds(kind: LedgerKind) -> list[str]:
    """The `Payment.kind` values a payment ledger holds (低保金 and 特困供养金 are one ledger)."""
    if kind.payment_kind == PaymentKind.DIBAO:
        return [PaymentKind.DIBAO, PaymentKind.TEKUN]
    return [kind.payment_kind] if kind.payment_kind else []


# Ledgers of things, not people: a village's PV station names no person and no year.
STATION_MODELS = {"PvStation"}


def _region_field(kind: LedgerKind) -> str:
    if kind.model in STATION_MODELS:
        return "village__code"
    return f"{_path(kind)}region__code"


def _path(kind: LedgerKind) -> str:
    """Where the ledger row's own LedgerEntry fields are, from the kind's table."""
    parent = PARENT_FIELD.get(kind.model)
    return f"{parent}__" if parent else ""


def get_kind(code: str) -> LedgerKind:
    kind = KINDS.get(code)
    if kind is None:
        raise OutOfScope("ledger", code)
    return kind


# ------------------------------------------------------------------ who reads and edits what


def _reads(assignment, kind: LedgerKind) -> bool:
    """ledger.view reads every ledger of the region, except for a sector user: only the
    ledgers of their department (without a department they keep none, so read none)."""
    if Permission.LEDGER_VIEW not in ROLE_PERMISSIONS[assignment.role]:
        return False
    if assignment.role == Role.SECTOR:
        return bool(assignment.department) and assignment.department == kind.department
    return True


def _edits(assignment, kind: LedgerKind) -> bool:
    if Permission.ASSISTANCE_EDIT not in ROLE_PERMISSIONS[assignment.role]:
        return False
    if assignment.role == Role.SECTOR:
        return bool(assignment.department) and assignment.department == kind.department
    return True


def _prefixes(user, kind: LedgerKind, allowed) -> list[str] | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return UNRESTRICTED
    prefixes = sorted(
        {significant_prefix(a.region_id) for a in user_assignments(user) if allowed(a, kind)}
    )
    return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]


def ledger_prefixes(user, kind: LedgerKind) -> list[str] | None:
    """The region prefixes where the user reads ledger `kind`; None: everywhere."""
    return _prefixes(user, kind, _reads)


def ledger_edit_prefixes(user, kind: LedgerKind) -> list[str] | None:
    """The region prefixes where the user keeps (types, edits, reviews) ledger `kind`."""
    return _prefixes(user, kind, _edits)


def may_edit_ledger(user, kind: LedgerKind, region_code: str | None = None) -> bool:
    prefixes = ledger_edit_prefixes(user, kind)
    if prefixes is UNRESTRICTED:
        return True
    if region_code is None:
        return bool(prefixes)
    return within(region_code, prefixes)


def may_read_ledger(user, kind: LedgerKind, region_code: str) -> bool:
    prefixes = ledger_prefixes(user, kind)
    return prefixes is UNRESTRICTED or within(region_code, prefixes)


def ledger_kinds_for_user(user) -> list[LedgerKind]:
    """The ledgers the user reads somewhere, in the catalogue's order."""
    return [kind for kind in KINDS.values() if ledger_prefixes(user, kind) != []]


def under(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`. SQLite cannot serve LIKE from an index, so there the
    same set is asked as a range (codes are digits and ':' follows '9'); PostgreSQL keeps
    LIKE, which the ledgers' pattern-ops region indexes serve (as registry.summary does)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + ":"})
    return Q(**{f"{field}__startswith": prefix})


def in_year(rows: QuerySet, field: str, year: int) -> QuerySet:
    """Rows of `year`. SQLite would serve `year = ?` from the natural key's (year, id number)
    index, reading every row of the year one by one (seconds over a city), instead of the
    region index that the scope filter uses; `year + 0` keeps it on the region index."""
    if connection.vendor == "sqlite":
        shifted = ExpressionWrapper(F(field) + 0, output_field=IntegerField())
        return rows.alias(ledger_year=shifted).filter(ledger_year=year)
    return rows.filter(**{field: year})


def _scope_q(prefixes: list[str] | None, field: str) -> Q:
    if prefixes is UNRESTRICTED:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    return reduce(or_, (under(field, p) for p in prefixes))


def ledger_rows(user, kind: LedgerKind) -> QuerySet:
    """Every row of ledger `kind` the user may read."""
    model = ledger_model(kind)
    rows = model.objects.filter(_scope_q(ledger_prefixes(user, kind), _region_field(kind)))
    if model is Payment:
        rows = rows.filter(kind__in=payment_kinds(kind))
    return rows


# ------------------------------------------------------------------ lists, totals, the index


def _region_filter(text: str) -> str:
    text = (text or "").strip()
    if text and not text.isdigit():
        raise TuopinError(
            "region_code_invalid",
            f"区划代码“{text}”无效：只能是数字（完整的 12 位代码或其前缀）",
            f"invalid region code '{text}': digits only (12 digits or a prefix)",
            field="region",
        )
    return filter_prefix(text)


def ledger_search(
    user,
    kind: LedgerKind,
    *,
    region_prefix: str = "",
    year: int | None = None,
    in_registry: bool | None = None,
    review_status: str = "",
    text: str = "",
) -> QuerySet:
    """Rows of ledger `kind` in the user's scope matching the filters; `text` is a name,
    an ID number (in any stored form) or the start of a household number."""
    path = _path(kind)
    rows = ledger_rows(user, kind)
    prefix = _region_filter(region_prefix)
    if prefix:
        rows = rows.filter(under(_region_field(kind), prefix))
    if kind.model in STATION_MODELS:
        text = normalise_text(text or "")
        return (rows.filter(name__contains=text) if text else rows).select_related("village")
    if year:
        rows = in_year(rows, f"{path}year", year)
    matched = Q(**{f"{path}member__isnull": False}) | Q(**{f"{path}household__isnull": False})
    if in_registry is True:
        rows = rows.filter(matched)
    elif in_registry is False:
        rows = rows.exclude(matched)
    if review_status == "none":
        rows = rows.filter(**{f"{path}review_status": ""})
    elif review_status:
        rows = rows.filter(**{f"{path}review_status": review_status})
    text = normalise_text(text or "")
    if text:
        numbers = sorted(stored_forms(text) - {""}) if any(c.isdigit() for c in text) else []
        found = Q(**{f"{path}name": text}) | Q(**{f"{path}household_number__startswith": text})
        if numbers:
            found |= Q(**{f"{path}id_number__in": numbers})
        rows = rows.filter(found)
    parent = PARENT_FIELD.get(kind.model)
    related = [f"{path}region", f"{path}household"]
    if parent:
        related.append(parent)
    return rows.select_related(*related)


def ledger_totals(kind: LedgerKind, rows: QuerySet) -> dict:
    """Rows, rows matched to the registry, and the ledger's amount (None if it has none)."""
    path = _path(kind)
    if kind.model in STATION_MODELS:
        return {
            "rows": rows.count(),
            "in_registry": None,
            "not_registered": None,
            "amount": None,
            "has_amount": False,
        }
    matched = Q(**{f"{path}member__isnull": False}) | Q(**{f"{path}household__isnull": False})
    figures = {"rows": Count("pk"), "in_registry": Count("pk", filter=matched)}
    total_field = TOTAL_FIELD.get(kind.model)
    if total_field:
        figures["amount"] = Sum(total_field)
    totals = rows.order_by().aggregate(**figures)
    totals["amount"] = yuan(totals.get("amount"))
    totals["not_registered"] = totals["rows"] - totals["in_registry"]
    totals["has_amount"] = total_field is not None
    return totals


def yuan(amount) -> Decimal | None:
    """A sum in yuan to the fen (SQLite sums decimals without their places)."""
    return None if amount is None else Decimal(amount).quantize(Decimal("0.01"))


@dataclass
class LedgerFigures:
    kind: LedgerKind
    rows: int
    amount: object  # Decimal or None (a ledger without amounts)
    pending: int


def ledger_index(user, year: int | None = None) -> list[LedgerFigures]:
    """Each ledger the user reads, with its rows, amount and rows waiting for review in
    the user's scope (for `year`, when given): one query per table, the payment ledgers
    grouped in one."""
    figures = []
    payment_figures: dict[str, dict] = {}
    kinds = ledger_kinds_for_user(user)
    payment_ledgers = [k for k in kinds if k.model == "Payment"]
    if payment_ledgers:
        by_payment_kind = {pk: k for k in payment_ledgers for pk in payment_kinds(k)}
        scope = reduce(
            or_,
            (
                Q(kind__in=payment_kinds(k)) & _scope_q(ledger_prefixes(user, k), "region__code")
                for k in payment_ledgers
            ),
        )
        payments = Payment.objects.filter(scope)
        if year:
            payments = in_year(payments, "year", year)
        for row in (
            payments.order_by()
            .values("kind")
            .annotate(
                rows=Count("pk"),
                amount=Sum("amount"),
                pending=Count("pk", filter=Q(review_status="pending")),
            )
        ):
            summed = payment_figures.setdefault(
                by_payment_kind[row["kind"]].code, {"rows": 0, "amount": 0, "pending": 0}
            )
            for key in ("rows", "amount", "pending"):
                summed[key] += row[key] or 0
    for kind in kinds:
        if kind.model == "Payment":
            found = payment_figures.get(kind.code, {"rows": 0, "amount": 0, "pending": 0})
            figures.append(
                LedgerFigures(kind, found["rows"], yuan(found["amount"]), found["pending"])
            )
            continue
        path = _path(kind)
        rows = ledger_rows(user, kind)
        if kind.model in STATION_MODELS:
            figures.append(LedgerFigures(kind, rows.count(), None, 0))
            continue
        if year:
            rows = in_year(rows, f"{path}year", year)
        aggregates = {
            "rows": Count("pk"),
            "pending": Count("pk", filter=Q(**{f"{path}review_status": "pending"})),
        }
        total_field = TOTAL_FIELD.get(kind.model)
        if total_field:
            aggregates["amount"] = Sum(total_field)
        found = rows.order_by().aggregate(**aggregates)
        figures.append(
            LedgerFigures(kind, found["rows"], yuan(found.get("amount")), found["pending"])
        )
    return figures


# ------------------------------------------------------------------ one entry


def access_entry(user, kind_code: str, entry_id: int):
    """The row of ledger `kind_code` if the user may read it; 404 alike for an unknown
    kind, a missing row, a row of another ledger and a row outside the user's scope."""
    kind = get_kind(kind_code)
    entry = ledger_search(user, kind).filter(pk=entry_id).first()
    if entry is None:
        raise OutOfScope("ledger", f"{kind_code}/{entry_id}")
    return entry


def entry_person(entry) -> LedgerEntry:
    """The ledger row that names the person (a repayment's loan, a service's record)."""
    parent = PARENT_FIELD.get(type(entry).__name__)
    return getattr(entry, parent) if parent else entry


def entry_summary(entry) -> dict:
    """Who and where a ledger row is about, as every list, page and download shows it."""
    person = entry_person(entry)
    if type(person).__name__ in STATION_MODELS:
        return {
            "region": person.village,
            "year": None,
            "name": person.name,
            "id_number": "—",
            "raw_id_number": "",
            "household_number": "—",
            "household_id": None,
            "member_id": None,
            "in_registry": False,
            "review_status": "",
            "return_reason": "",
            "note": "",
            "proposer_id": None,
        }
    return {
        "region": person.region,
        "year": person.year,
        "name": person.name or "—",
        "id_number": MASKED["id_number"](person.id_number) if person.id_number else "—",
        "raw_id_number": person.id_number,
        "household_number": person.household_number or "—",
        "household_id": person.household_id,
        "member_id": person.member_id,
        "in_registry": person.in_registry,
        "review_status": person.review_status,
        "return_reason": person.return_reason,
        "note": person.note,
        "proposer_id": person.entered_by_id
        or (person.batch.imported_by_id if person.batch_id else None),
    }


def own_fields(model) -> list[models.Field]:
    """The ledger's own fields, in their declared order (not the shared LedgerEntry ones)."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in BASE_FIELDS and f.name not in PARENT_FIELD.values()
    ]


def entry_changes(entry, limit: int = 50) -> list:
    """The entry's history as people read it, newest first (as a household's)."""
    model = type(entry)
    changes = history_rows(model, model.history.filter(id=entry.pk), str(model._meta.verbose_name))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def entry_children(entry) -> list[tuple[str, list]]:
    """What hangs under a ledger row: a record's services, a loan's repayments and checks."""
    name = type(entry).__name__
    if name == "EmploymentRecord":
        return [("services", list(entry.services.order_by("-date")))]
    if name == "Loan":
        return [
            ("repayments", list(entry.repayments.order_by("-date"))),
            ("checks", list(entry.checks.order_by("-date"))),
        ]
    return []


# ------------------------------------------------------------------ the household panel


@dataclass
class LedgerGroup:
    kind: LedgerKind
    entries: list


def household_ledgers(user, household) -> list[LedgerGroup]:
    """Every ledger row of the household and of its members that the user reads, grouped
    by ledger: one query per ledger table, by household id or member ids (both indexed),
    the payment ledgers in one query."""
    region = household.village_id
    kinds = [
        k for k in KINDS.values() if k.model not in PARENT_FIELD and k.model not in STATION_MODELS
    ]
    kinds = [k for k in kinds if may_read_ledger(user, k, region)]
    member_ids = list(household.members.values_list("id", flat=True))
    person = Q(household_id=household.pk) | Q(member_id__in=member_ids)
    groups = []
    by_model: dict[str, list[LedgerKind]] = {}
    for kind in kinds:
        by_model.setdefault(kind.model, []).append(kind)
    found: dict[str, list] = {}
    for model_name, model_kinds in by_model.items():
        model = apps.get_model("assistance", model_name)
        rows = (
            model.objects.filter(person)
            .filter(under("region__code", significant_prefix(region)))
            .select_related("region")
        )
        if model is Payment:
            codes = {pk: k.code for k in model_kinds for pk in payment_kinds(k)}
            rows = rows.filter(kind__in=list(codes))
            for row in rows.order_by("-year", "-period", "id"):
                found.setdefault(codes[row.kind], []).append(row)
            continue
        if model_name == "Trainee":
            rows = rows.select_related("region", "course")
        found[model_kinds[0].code] = list(rows.order_by("-year", "id"))
    for kind in kinds:
        if found.get(kind.code):
            groups.append(LedgerGroup(kind, found[kind.code]))
    return groups
