"""Reads of the fund ledger, scoped to the user (access.FUNDS), set-based: every figure is
a SUM grouped by the database over the whole scope, never a loop over rows.

Money of a fund at a region (its balance there) = the fund's own receipt when the region
is the fund's + allocations to it − allocations from it − disbursements at it. The ledger
of a region shows, per fund that reached the region or a region under it: what arrived
from outside, what the region passed down, what was disbursed to projects and paid under
it, and the balance: arrived − disbursed (held by the region and the levels below it,
not yet on a project). A payment is traceable when it names its disbursement, its fund
and its project; untraceable payments come first in the audit view (审计追溯).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from tuopin.core.errors import OutOfScope
from tuopin.projects import access
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project
from tuopin.regions.enums import RegionLevel
from tuopin.regions.models import Region

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def _sum(queryset: QuerySet, field: str = "amount"):
    """A correlated SUM of `queryset` (already filtered by fund=OuterRef('pk')), 0 if none."""
    total = queryset.order_by().values("fund").annotate(s=Sum(field)).values("s")
    return Coalesce(
        Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
    )


def _total(queryset: QuerySet) -> Decimal:
    return queryset.aggregate(s=Sum("amount"))["s"] or ZERO


def balance_at(fund: Fund, region_code: str) -> Decimal:
    """The fund's money at exactly this region, not yet passed down nor disbursed."""
    own = fund.amount if fund.region_id == region_code else ZERO
    arrived = _total(Allocation.objects.filter(fund=fund, to_region_id=region_code))
    passed = _total(Allocation.objects.filter(fund=fund, from_region_id=region_code))
    spent = _total(Disbursement.objects.filter(fund=fund, region_id=region_code))
    return own + arrived - passed - spent


def disbursement_unpaid(disbursement: Disbursement) -> Decimal:
    return disbursement.amount - _total(FundPayment.objects.filter(disbursement=disbursement))


# -- scope -----------------------------------------------------------------------------------


def funds_readable(user) -> QuerySet:
    """Funds the user reads: registered in a region they read, or allocated into one."""
    into = Allocation.objects.filter(access.read_q(user, access.FUNDS, "to_region__code"))
    return Fund.objects.filter(
        access.read_q(user, access.FUNDS) | Q(Exists(into.filter(fund=OuterRef("pk"))))
    )


def access_fund(user, fund_id: int) -> Fund:
    fund = funds_readable(user).filter(pk=fund_id).select_related("region").first()
    if fund is None:
        raise OutOfScope("fund", str(fund_id))
    return fund


def payments_readable(user) -> QuerySet:
    return FundPayment.objects.filter(access.read_q(user, access.FUNDS))


def access_payment(user, payment_id: int) -> FundPayment:
    payment = payments_readable(user).filter(pk=payment_id).first()
    if payment is None:
        raise OutOfScope("fund_payment", str(payment_id))
    return payment


def disbursements_readable(user) -> QuerySet:
    return Disbursement.objects.filter(access.read_q(user, access.FUNDS))


def allocations_readable(user) -> QuerySet:
    return Allocation.objects.filter(
        access.read_q(user, access.FUNDS, "to_region__code")
        | access.read_q(user, access.FUNDS, "from_region__code")
    )


# -- the ledger --------------------------------------------------------------------------------


def fund_ledger(user, region: Region, year: int | None = None) -> QuerySet:
    """Funds that reached `region` or a region under it, each with received, allocated
    (down from the region itself), disbursed, paid (under it) and balance."""
    p = region.prefix
    fund = OuterRef("pk")
    into = Allocation.objects.filter(fund=fund, to_region__code__startswith=p).exclude(
        from_region__code__startswith=p
    )
    rows = funds_readable(user).filter(
        Q(region__code__startswith=p)
        | Q(Exists(Allocation.objects.filter(fund=fund, to_region__code__startswith=p)))
    )
    if year:
        rows = rows.filter(year=year)
    paid = FundPayment.objects.filter(fund=fund).filter(
        Q(disbursement__region__code__startswith=p)
        | Q(disbursement__isnull=True, region__code__startswith=p)
    )
    return rows.annotate(
        own=Case(
            When(region__code__startswith=p, then="amount"),
            default=Value(ZERO),
            output_field=MONEY_FIELD,
        ),
        arrived=_sum(into),
        allocated=_sum(Allocation.objects.filter(fund=fund, from_region_id=region.code)),
        disbursed=_sum(Disbursement.objects.filter(fund=fund, region__code__startswith=p)),
        paid=_sum(paid),
    ).order_by("-year", "document")


def ledger_row_figures(row) -> dict:
    received = row.own + row.arrived
    return {
        "received": received,
        "allocated": row.allocated,
        "disbursed": row.disbursed,
        "paid": row.paid,
        "balance": received - row.disbursed,
    }


def ledger_totals(rows) -> dict:
    totals = dict.fromkeys(("received", "allocated", "disbursed", "paid", "balance"), ZERO)
    for row in rows:
        for key, value in ledger_row_figures(row).items():
            totals[key] += value
    return totals


# -- a fund's chain ----------------------------------------------------------------------------


def fund_chain(user, fund: Fund) -> dict:
    """The fund's allocations down the levels, disbursements per project with what was
    paid of each, and the payments' summary: what the user reads of it."""
    allocations = (
        allocations_readable(user)
        .filter(fund=fund)
        .select_related("from_region", "to_region")
        .order_by("allocated_on", "id")
    )
    disbursements = (
        disbursements_readable(user)
        .filter(fund=fund)
        .select_related("region", "project")
        .annotate(
            paid=Coalesce(Sum("payments__amount"), Value(ZERO), output_field=MONEY_FIELD),
            payments_count=Count("payments"),
        )
        .order_by("disbursed_on", "id")
    )
    payments = payments_readable(user).filter(fund=fund)
    summary = payments.values("payee_kind").annotate(n=Count("id"), total=Sum("amount"))
    return {
        "allocations": allocations,
        "disbursements": disbursements,
        "payments_by_kind": list(summary.order_by("payee_kind")),
        "untraced": payments.filter(disbursement__isnull=True).count(),
    }


# -- a project's spending ------------------------------------------------------------------------


@dataclass(frozen=True)
class Spending:
    budget: Decimal
    disbursed: Decimal
    paid: Decimal
    paid_share: Decimal | None  # paid / budget; None: no budget
    schedule_share: Decimal | None  # time elapsed of the schedule; None: no schedule
    progress: int | None  # the latest progress report's percent; None: none reported
    behind: bool | None  # paid share below the schedule's; None: unknown

    @property
    def paid_percent(self):
        return None if self.paid_share is None else round(self.paid_share * 100, 1)

    @property
    def schedule_percent(self):
        return None if self.schedule_share is None else round(self.schedule_share * 100, 1)


def project_spending(project: Project, *, on: date | None = None) -> Spending:
    """Paid against the budget and the schedule (计划开工—计划完工) as of `on` (today)."""
    on = on or date.today()
    disbursed = _total(Disbursement.objects.filter(project=project))
    paid = _total(FundPayment.objects.filter(project=project))
    paid_share, schedule, behind = spending_shares(project, paid, on)
    latest = project.progress.order_by("-reported_on", "-id").values_list("percent", flat=True)
    return Spending(project.amount, disbursed, paid, paid_share, schedule, latest.first(), behind)


def spending_shares(project: Project, paid: Decimal, on: date):
    """(paid share of the budget, time elapsed of the schedule, behind): each None when
    the budget or the schedule is unknown (never 0 or "not behind")."""
    budget = project.amount
    paid_share = (paid / budget).quantize(Decimal("0.0001")) if budget else None
    schedule = None
    if project.starts_on and project.ends_on and project.ends_on > project.starts_on:
        length = (project.ends_on - project.starts_on).days
        elapsed = min(max((on - project.starts_on).days, 0), length)
        schedule = (Decimal(elapsed) / Decimal(length)).quantize(Decimal("0.0001"))
    behind = None if paid_share is None or schedule is None else paid_share < schedule
    return paid_share, schedule, behind


def projects_spending(user, region: Region, year: int | None = None) -> QuerySet:
    """Projects of the region that money reached, with budget, disbursed and paid."""
    project = OuterRef("pk")

    def total(model):
        rows = model.objects.filter(project=project).order_by().values("project")
        return Coalesce(
            Subquery(rows.annotate(s=Sum("amount")).values("s"), output_field=MONEY_FIELD),
            Value(ZERO),
            output_field=MONEY_FIELD,
        )

    rows = Project.objects.filter(
        access.read_q(user, access.FUNDS), region__code__startswith=region.prefix
    ).filter(Exists(Disbursement.objects.filter(project=project)))
    if year:
        rows = rows.filter(disbursements__fund__year=year).distinct()
    return rows.annotate(disbursed=total(Disbursement), paid=total(FundPayment)).order_by("code")


# -- integration (统筹整合) per county -----------------------------------------------------------


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(Decimal("0.1")) if whole else None


def integration(user, region: Region, year: int) -> tuple[list[dict], dict]:
    """Per county under `region` (or the county itself): integrated funds received, their
    disbursed and paid amounts and shares; and the totals (the city's when asked for it).
    Grouped sums, one query per kind of movement."""
    counties = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=region.prefix)
    counties = counties.filter(access.read_q(user, access.FUNDS, "code")).order_by("code")
    names = dict(counties.values_list("code", "name"))
    funds = Fund.objects.filter(year=year, integrated=True)
    county = Substr("region__code", 1, 6)
    own = funds.filter(region__level=RegionLevel.COUNTY).annotate(c=county).values("c")
    into = (
        Allocation.objects.filter(fund__in=funds, to_region__level=RegionLevel.COUNTY)
        .annotate(c=Substr("to_region__code", 1, 6))
        .values("c")
    )
    spent = Disbursement.objects.filter(fund__in=funds).annotate(c=county).values("c")
    paid = (
        FundPayment.objects.filter(fund__in=funds)
        .annotate(
            c=Coalesce(Substr("disbursement__region__code", 1, 6), Substr("region__code", 1, 6))
        )
        .values("c")
    )
    figures: dict[str, dict] = {}
    for name, rows in (("received", own), ("received", into), ("disbursed", spent), ("paid", paid)):
        for c, s in rows.annotate(s=Sum("amount")).values_list("c", "s"):
            code = c.ljust(12, "0")
            if code in names:
                line = figures.setdefault(
                    code, dict.fromkeys(("received", "disbursed", "paid"), ZERO)
                )
                line[name] += s or ZERO
    lines = []
    for code, name in names.items():
        line = figures.get(code, dict.fromkeys(("received", "disbursed", "paid"), ZERO))
        lines.append({"code": code, "name": name, **line, **_shares(line)})
    total = {k: sum((line[k] for line in lines), ZERO) for k in ("received", "disbursed", "paid")}
    return lines, {**total, **_shares(total)}


def _shares(line: dict) -> dict:
    return {
        "disbursed_share": _share(line["disbursed"], line["received"]),
        "paid_share": _share(line["paid"], line["received"]),
    }


# -- payments and the audit view -----------------------------------------------------------------


def payment_search(
    user, *, prefix: str = "", fund_id: int | None = None, q: str = "", kind: str = ""
) -> QuerySet:
    rows = payments_readable(user)
    if prefix:
        rows = rows.filter(region__code__startswith=prefix)
    if fund_id:
        rows = rows.filter(fund_id=fund_id)
    if kind:
        rows = rows.filter(payee_kind=kind)
    if q:
        rows = rows.filter(Q(payee__contains=q) | Q(item__contains=q) | Q(voucher=q))
    return rows


def audit_trail(user, *, prefix: str = "") -> QuerySet:
    """Every payment with its disbursement, fund document and project; the ones that
    cannot be traced (no disbursement, fund or project) first."""
    rows = payment_search(user, prefix=prefix).select_related(
        "disbursement", "fund", "project", "region"
    )
    traced = Case(
        When(disbursement__isnull=False, fund__isnull=False, project__isnull=False, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return rows.annotate(traced=traced).order_by("traced", "paid_on", "id")
