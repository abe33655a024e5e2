"""Which funds warning rules can be found on the analytic copy (issue 16, ADR 0016).

The fund tables the rules read besides the registry's (funds, allocations,
disbursements, payments, projects) are mirrored in the copy (registered in
ProjectsConfig.ready). A rule's SQL, written for PostgreSQL, is transpiled to DuckDB
and read there (framework.reading_copy, registry/analytic/queries.py); only the
finding moves: the warnings are written to the database as before. A test finds every
rule's planted anomalies and near misses both ways, on SQLite and PostgreSQL: ON_COPY
holds exactly the rules whose findings are equal, DATABASE_ONLY the others with why.
"""

from tuopin.projects.warning_rules import RULES

DATABASE_ONLY: dict[str, str] = {}
ON_COPY: frozenset[str] = frozenset(RULES) - set(DATABASE_ONLY)


def mirrored_models() -> list:
    """The fund tables the rules read (the registry's are mirrored already)."""
    from tuopin.projects.models import Allocation, Disbursement, Fund, FundPayment, Project

    return [Fund, Allocation, Disbursement, FundPayment, Project]
