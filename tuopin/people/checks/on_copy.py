"""Which 帮扶力量 checks can be counted on the analytic copy (issue 16, ADR 0016).

The tables the checks read besides the registry's (teams, postings, attendance,
pairings, visits, workshops and their employees, weak branches) are mirrored in the
copy (registered in PeopleConfig.ready); a check's ORM queryset runs there as the
quality and coverage checks' do (registry/analytic/queries.py). A test counts every
check both ways, per region, on SQLite and PostgreSQL: ON_COPY holds exactly the checks
whose counts are equal, DATABASE_ONLY the others with the reason.

Only `check_counts(..., on_copy=True)`, `scorecard(..., on_copy=True)` and `tuopin people
check --on-copy` read the copy; the pages stay on the database (a user's scope, this
moment's data, and no wait for the copy's lock); see docs/analytics.md for the figures.
"""

from tuopin.people.checks.framework import CHECKS

DATABASE_ONLY: dict[str, str] = {}
ON_COPY: frozenset[str] = frozenset(CHECKS) - set(DATABASE_ONLY)


def mirrored_models() -> list:
    """The people tables the checks read (the registry's are mirrored already)."""
    from tuopin.people.models import (
        Attendance,
        Pairing,
        Posting,
        Visit,
        WeakBranch,
        Workshop,
        WorkshopEmployee,
        WorkTeam,
    )

    return [WorkTeam, Posting, Attendance, Pairing, Visit, Workshop, WorkshopEmployee, WeakBranch]
