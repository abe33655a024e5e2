"""Who reads and keeps what of the project library and the funds: the app's one scope
rule (tuopin.accounts.topics), by topic.

- project.view (city, county, township and village offices, 行业部门, inspectors,
  auditors) reads the topics of the region; a village office only the library and the
  notices; a 行业部门 user the library (they appraise projects of their sector), and
  财政局 everything: the funds are theirs.
- project.manage keeps a topic where EDITORS says so: the library moves by the flow of
  `lifecycle` (the village applies, the township reviews, a sector appraises, the county
  approves and keeps it); 财政局 keeps the fund ledger and payments; warnings are
  handled by the county office and 财政局 of the region, and by the city office once
  escalated; notices are posted by whoever keeps what they show. Auditors only read.
"""

from tuopin.accounts.roles import Department, Permission, Role
from tuopin.accounts.topics import TopicScope

LIBRARY = "library"  # projects, their steps, progress, beneficiaries, library versions
FUNDS = "funds"  # the fund ledger, allocations, disbursements, payments
WARNINGS = "warnings"  # the funds' early warnings and their handling
DISCLOSURE = "disclosure"  # 公告公示 of projects and funds
TOPICS = (LIBRARY, FUNDS, WARNINGS, DISCLOSURE)

EDITORS = {
    LIBRARY: {Role.COUNTY_OFFICE, Role.TOWNSHIP, Role.VILLAGE, Role.SECTOR},
    FUNDS: {Role.SECTOR},
    WARNINGS: {Role.CITY_OFFICE, Role.COUNTY_OFFICE, Role.SECTOR},
    DISCLOSURE: {Role.COUNTY_OFFICE, Role.TOWNSHIP, Role.VILLAGE, Role.SECTOR},
}

SCOPE = TopicScope(
    topics=TOPICS,
    view_permission=Permission.PROJECT_VIEW,
    edit_permission=Permission.PROJECT_MANAGE,
    editors=EDITORS,
    department_topics={Department.TREASURY: (FUNDS, WARNINGS, DISCLOSURE)},
    # Every department reads the library: a sector appraises its projects; 财政局 pays them.
    department_reads_only={department: (LIBRARY,) for department in Department.values},
    role_topics={Role.VILLAGE: (LIBRARY, DISCLOSURE)},
)
read_prefixes = SCOPE.read_prefixes
keep_prefixes = SCOPE.keep_prefixes
read_q = SCOPE.read_q
keep_q = SCOPE.keep_q
may_read = SCOPE.may_read
may_keep = SCOPE.may_keep
topics_read_by = SCOPE.topics_read_by
region_for = SCOPE.region_for
