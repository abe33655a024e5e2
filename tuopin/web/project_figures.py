"""The home page's panel of 项目库与资金: for whoever reads a topic of the projects app,
the projects of their region per stage and the notices posted now; for whoever reads
the funds (财政局, the county and city offices, auditors) the funds allocated,
disbursed and paid in the year and the open and overdue warnings. A few grouped
queries over the region, whatever its size (the city sees the city)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuopin.accounts.selectors import user_assignments
from tuopin.projects import access
from tuopin.projects.disclosure_selectors import posted_now_count
from tuopin.projects.enums import OPEN_STATES, ProjectStage
from tuopin.projects.lifecycle import ACTIONS
from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, FundWarning, Project
from tuopin.projects.sections import sections_for_user
from tuopin.regions.models import Region


def _sum(queryset) -> object:
    return queryset.aggregate(total=Sum("amount"))["total"] or 0


def _funds(prefix: str, year: int) -> dict:
    """Yuan of the year's funds at the region: received (its own funds and what came
    down to it from above), passed down, put on projects, paid out."""
    inside = Q(to_region__code__startswith=prefix) & ~Q(from_region__code__startswith=prefix)
    return {
        "received": _sum(Fund.objects.filter(region__code__startswith=prefix, year=year))
        + _sum(Allocation.objects.filter(inside, fund__year=year)),
        "allocated": _sum(
            Allocation.objects.filter(from_region__code__startswith=prefix, fund__year=year)
        ),
        "disbursed": _sum(
            Disbursement.objects.filter(region__code__startswith=prefix, fund__year=year)
        ),
        "paid": _sum(
            FundPayment.objects.filter(region__code__startswith=prefix, paid_on__year=year)
        ),
    }


def _warnings(prefix: str) -> dict:
    today = timezone.localdate()
    mine = Q(region__code__startswith=prefix) | Q(escalated_to__code__startswith=prefix)
    return FundWarning.objects.filter(mine, state__in=OPEN_STATES).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today))
    )


def projects_panel(user, region: Region, year: int) -> dict | None:
    """The panel of one of the user's top regions, or None when they read nothing of
    the projects app there."""
    code = region.code
    reads = {topic for topic in access.TOPICS if access.may_read(user, topic, code)}
    if not reads:
        return None
    prefix = region.prefix
    panel = {"region": region, "year": year, "stages": None, "notices": None}
    if access.LIBRARY in reads:
        counts = dict(
            Project.objects.filter(
                access.read_q(user, access.LIBRARY), region__code__startswith=prefix
            )
            .values_list("stage")
            .annotate(n=Count("id"))
            .order_by()
        )
        panel["stages"] = [
            (label, counts[stage]) for stage, label in ProjectStage.choices if counts.get(stage)
        ]
    if access.DISCLOSURE in reads:
        panel["notices"] = posted_now_count(
            access.read_q(user, access.DISCLOSURE) & Q(region__code__startswith=prefix)
        )
        panel["notices_url"] = f"{reverse('projects:disclosures')}?region={code}&state=posted"
    if access.FUNDS in reads:
        panel["funds"] = _funds(prefix, year)
    if access.WARNINGS in reads:
        panel["warnings"] = _warnings(prefix)
    # Where the user has work: the sections they keep here, then the others they read.
    panel["links"] = [
        (section.label, f"{reverse(section.url_name)}?region={code}")
        for section in sections_for_user(user)
    ]
    if access.may_keep(user, access.DISCLOSURE, code):
        panel["links"].insert(
            0, (_("发布公告公示"), f"{reverse('projects:disclosure_new')}?region={code}")
        )
    panel["index_url"] = reverse("projects:index")
    return panel


def projects_panels(user, regions, year: int) -> list[dict]:
    return [panel for region in regions if (panel := projects_panel(user, region, year))]


def project_work_links(user) -> list[tuple[str, str]]:
    """The projects waiting for the user's step (their role may take one at the project's
    stage, in the region where they keep the library), per stage, and the sections of
    项目库与资金 the user keeps (funds, warnings, notices)."""
    roles = {assignment.role for assignment in user_assignments(user)}
    # "return" is open at every review stage; the work is the forward step.
    stages = {
        stage
        for action in ACTIONS.values()
        if action.roles & roles and action.code not in ("return", "remove")
        for stage in action.sources
    }
    links = []
    if stages and access.may_keep(user, access.LIBRARY):
        waiting = (
            Project.objects.filter(access.keep_q(user, access.LIBRARY), stage__in=stages)
            .values("stage")
            .annotate(n=Count("pk"))
            .order_by("stage")
        )
        labels = dict(ProjectStage.choices)
        for row in waiting:
            label = _("待办理的项目：%(stage)s（%(n)s 个）") % {
                "stage": labels[row["stage"]],
                "n": row["n"],
            }
            links.append((label, f"{reverse('projects:library')}?stage={row['stage']}"))
    links += [
        (section.label, reverse(section.url_name))
        for section in sections_for_user(user)
        if access.may_keep(user, section.topic)
    ]
    return links
