"""Reads of the project library, always scoped by the app's rule (access.py, topic
LIBRARY): a project outside the user's regions answers 404 like a missing one."""

from __future__ import annotations

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tuopin.core.errors import OutOfScope
from tuopin.projects import access
from tuopin.projects.enums import ProjectStage
from tuopin.projects.models import FundPayment, LibraryEntry, Project, ProjectProgress

MONEY = DecimalField(max_digits=16, decimal_places=2)


def latest_percent():
    """The project's last reported percent (NULL: never reported, not 0)."""
    last = ProjectProgress.objects.filter(project=OuterRef("pk")).order_by("-reported_on", "-id")
    return Subquery(last.values("percent")[:1], output_field=IntegerField())


def paid_total():
    """The payments made to the project (the funds part's FundPayment), NULL if none."""
    paid = (
        FundPayment.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(paid, output_field=MONEY)


def projects_search(
    user,
    *,
    region_prefix: str = "",
    year: int | None = None,
    stage: str = "",
    category: str = "",
    text: str = "",
) -> QuerySet:
    """Projects the user reads under the prefix (the owner's region or a village where it
    is built), filtered, with their last progress and payments."""
    rows = Project.objects.filter(access.read_q(user, access.LIBRARY, "region__code"))
    if region_prefix:
        rows = rows.filter(
            Q(region__code__startswith=region_prefix)
            | Q(pk__in=Project.villages.through.objects.filter(
                region__code__startswith=region_prefix
            ).values("project"))
        )  # fmt: skip
    if year:
        rows = rows.filter(year=year)
    if stage:
        rows = rows.filter(stage=stage)
    if category:
        rows = rows.filter(category=category)
    if text:
        rows = rows.filter(Q(name__contains=text) | Q(code__contains=text))
    return (
        rows.annotate(percent=latest_percent(), paid=paid_total())
        .select_related("region__parent")
        .order_by("region_id", "code", "pk")
    )


def stage_counts(rows: QuerySet) -> dict[str, int]:
    counted = rows.order_by().values("stage").annotate(n=Count("pk")).values_list("stage", "n")
    return dict(counted)


def access_project(user, project_id: int) -> Project:
    project = (
        Project.objects.filter(pk=project_id)
        .select_related("region__parent", "county", "created_by")
        .first()
    )
    if project is None or not access.may_read(user, access.LIBRARY, project.region_id):
        raise OutOfScope("project", str(project_id))
    return project


def library_years(county_prefix: str) -> list[int]:
    return sorted(
        set(
            LibraryEntry.objects.filter(project__county__code__startswith=county_prefix)
            .values_list("year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def library_entries(user, *, region_prefix: str, year: int) -> QuerySet:
    """The entries of a year's library version under the prefix, readable by the user."""
    return (
        LibraryEntry.objects.filter(year=year, project__region__code__startswith=region_prefix)
        .filter(access.read_q(user, access.LIBRARY, "project__region__code"))
        .select_related("project__region")
        .order_by("removed_on", "project__region_id", "project__code")
    )


def progress_report_rows(user, *, region_prefix: str, year: int | None):
    """The project progress report: per county (and village-level owner's township) by
    stage and category: projects, amounts, paid, mean last percent (set-based)."""
    rows = projects_search(user, region_prefix=region_prefix, year=year)
    return (
        rows.order_by()
        .values("county_id", "county__name", "stage", "category")
        .annotate(
            projects=Count("pk"),
            amount=Coalesce(Sum("amount"), Value(0), output_field=MONEY),
        )
        .order_by("county_id", "stage", "category")
    )


__all__ = [
    "ProjectStage",
    "access_project",
    "library_entries",
    "library_years",
    "progress_report_rows",
    "projects_search",
    "stage_counts",
]
