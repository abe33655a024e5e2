"""Who reads and keeps what of the people who help: the one scope rule of the app.

The app's data falls into topics. A user reads a topic's rows whose region code starts
with the prefix of an assignment that reads the topic, and keeps (types, edits, imports)
those of an assignment that keeps it:

- people.view (city, county, township and village offices, inspectors, auditors) reads
  every topic of the region; a 行业部门 (sector) user reads only their department's
  topics: 组织部 the work teams, weak Party branches and cadre training; 人社局 the
  poverty workshops. The hotline reads none.
- people.edit keeps a topic where EDITORS says so: the county office keeps everything of
  its county; the township pairs helpers and confirms ratings; the village (cadres and
  the resident work team) signs attendance, records visits and proposes ratings; 组织部
  keeps teams, branches and training, 人社局 workshops.

A row outside answers exactly like a missing one (404).
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from tuopin.accounts.roles import ROLE_PERMISSIONS, Department, Permission, Role
from tuopin.accounts.selectors import (
    UNRESTRICTED,
    has_permission,
    requested_region,
    scope_prefixes,
    user_assignments,
)
from tuopin.core.errors import OutOfScope
from tuopin.core.regioncodes import significant_prefix, within
from tuopin.regions.models import Region

TEAMS = "teams"  # work teams, postings
ATTENDANCE = "attendance"  # a team member's sign-in and leave
BRANCHES = "branches"  # weak village Party branches
HELPERS = "helpers"  # cadres and their pairings with households
VISITS = "visits"  # helpers' visits to households
ENTERPRISES = "enterprises"  # enterprises and their pairings with villages
WORKSHOPS = "workshops"  # poverty workshops and their employees
RATINGS = "ratings"  # star ratings and incentives
TRAINING = "training"  # training courses of cadres
TOPICS = (TEAMS, ATTENDANCE, BRANCHES, HELPERS, VISITS, ENTERPRISES, WORKSHOPS, RATINGS, TRAINING)

# The topics a sector user reads and keeps, by department.
DEPARTMENT_TOPICS = {
    Department.ORGANISATION: (TEAMS, ATTENDANCE, BRANCHES, TRAINING),
    Department.HUMAN_RESOURCES: (WORKSHOPS,),
}
# Who keeps each topic (roles with people.edit; a sector user also by department).
EDITORS = {
    TEAMS: {Role.COUNTY_OFFICE, Role.SECTOR},
    ATTENDANCE: {Role.COUNTY_OFFICE, Role.TOWNSHIP, Role.VILLAGE, Role.SECTOR},
    BRANCHES: {Role.COUNTY_OFFICE, Role.TOWNSHIP, Role.SECTOR},
    HELPERS: {Role.COUNTY_OFFICE, Role.TOWNSHIP},
    VISITS: {Role.COUNTY_OFFICE, Role.TOWNSHIP, Role.VILLAGE},
    ENTERPRISES: {Role.COUNTY_OFFICE},
    WORKSHOPS: {Role.COUNTY_OFFICE, Role.SECTOR},
    RATINGS: {Role.COUNTY_OFFICE, Role.TOWNSHIP, Role.VILLAGE},
    TRAINING: {Role.COUNTY_OFFICE, Role.SECTOR},
}


def _reads(assignment, topic: str) -> bool:
    if Permission.PEOPLE_VIEW not in ROLE_PERMISSIONS[assignment.role]:
        return False
    if assignment.role == Role.SECTOR:
        return topic in DEPARTMENT_TOPICS.get(assignment.department, ())
    return True


def _keeps(assignment, topic: str) -> bool:
    if Permission.PEOPLE_EDIT not in ROLE_PERMISSIONS[assignment.role]:
        return False
    if assignment.role not in EDITORS[topic]:
        return False
    if assignment.role == Role.SECTOR:
        return topic in DEPARTMENT_TOPICS.get(assignment.department, ())
    return True


def _prefixes(user, topic: str, rule) -> list[str] | None:
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic}")
    everywhere = scope_prefixes(user)
    if everywhere is UNRESTRICTED:
        return UNRESTRICTED
    if not everywhere:  # nobody (anonymous, inactive, no assignment)
        return []
    return sorted(
        {significant_prefix(a.region_id) for a in user_assignments(user) if rule(a, topic)}
    )


def read_prefixes(user, topic: str) -> list[str] | None:
    """The region prefixes where the user reads the topic (None: everywhere)."""
    return _prefixes(user, topic, _reads)


def keep_prefixes(user, topic: str) -> list[str] | None:
    """The region prefixes where the user keeps the topic (None: everywhere)."""
    return _prefixes(user, topic, _keeps)


def _q(prefixes, field: str) -> Q:
    if prefixes is UNRESTRICTED:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in prefixes))


def read_q(user, topic: str, field: str = "region__code") -> Q:
    """The rows of the topic the user reads, by the region code at `field`."""
    return _q(read_prefixes(user, topic), field)


def keep_q(user, topic: str, field: str = "region__code") -> Q:
    return _q(keep_prefixes(user, topic), field)


def may_read(user, topic: str, region_code: str | None = None) -> bool:
    prefixes = read_prefixes(user, topic)
    if prefixes is UNRESTRICTED:
        return True
    return bool(prefixes) if region_code is None else within(region_code, prefixes)


def may_keep(user, topic: str, region_code: str | None = None) -> bool:
    prefixes = keep_prefixes(user, topic)
    if prefixes is UNRESTRICTED:
        return True
    return bool(prefixes) if region_code is None else within(region_code, prefixes)


def visits_own_households(user) -> bool:
    """A cadre who logs in as themselves (role 帮扶责任人): beside any region the user reads,
    the households they are paired with now, their visits and the visit form
    (helpers_selectors.paired_q). The pairing, not a region, is their scope."""
    return has_permission(user, Permission.PAIRING_VISIT)


def topics_read_by(user) -> list[str]:
    return [topic for topic in TOPICS if may_read(user, topic)]


def region_for(user, text: str | None, topics) -> Region:
    """The region a people page is drawn for: the one asked (a code or its significant
    prefix) when the user reads one of `topics` there, else the widest region where they
    read the first of them they read; outside answers 404 like a missing region."""
    text = (text or "").strip()
    if text:
        region = requested_region(user, text)
        if not any(may_read(user, topic, region.code) for topic in topics):
            raise OutOfScope("region", region.code)
        return region
    for topic in topics:
        prefixes = read_prefixes(user, topic)
        if prefixes is UNRESTRICTED:
            return requested_region(user, "")
        if prefixes:
            return Region.objects.get(code=min(prefixes, key=len).ljust(12, "0"))
    raise OutOfScope("region", "")
