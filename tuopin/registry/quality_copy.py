"""Quality checks counted on the analytic copy (issue 16; docs/analytics.md, ADR 0016).

A check stays one ORM queryset, run on the copy's mirrors of the registry tables as
analytic/queries.py runs any queryset there.

Only the checks in ON_COPY run there: a test counts every check both ways over a
seeded region, on SQLite and on PostgreSQL, and ON_COPY holds exactly those whose
per-village counts are equal. The others stay on the database (DATABASE_ONLY says why).
Listing offenders (the pages) always reads the database.
"""

from tuopin.registry.quality import CHECKS

# Checks whose counts on the copy equal the database's (tests/test_quality_copy.py).
DATABASE_ONLY: dict[str, str] = {}
ON_COPY: frozenset[str] = frozenset(CHECKS) - set(DATABASE_ONLY)
