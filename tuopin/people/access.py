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

from tuopin.accounts.roles import Department, Permission, Role
from tuopin.accounts.selectors import has_permission
from tuopin.accounts.topics import TopicScope

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


SCOPE = TopicScope(
    topics=TOPICS,
    view_permission=Permission.PEOPLE_VIEW,
    edit_permission=Permission.PEOPLE_EDIT,
    editors=EDITORS,
    department_topics=DEPARTMENT_TOPICS,
)
read_prefixes = SCOPE.read_prefixes
keep_prefixes = SCOPE.keep_prefixes
read_q = SCOPE.read_q
keep_q = SCOPE.keep_q
may_read = SCOPE.may_read
may_keep = SCOPE.may_keep
topics_read_by = SCOPE.topics_read_by
region_for = SCOPE.region_for


def visits_own_households(user) -> bool:
    """A cadre who logs in as themselves (role 帮扶责任人): beside any region the user reads,
    the households they are paired with now, their visits and the visit form
    (helpers_selectors.paired_q). The pairing, not a region, is their scope."""
    return has_permission(user, Permission.PAIRING_VISIT)
