"""The analytic copy of the registry (docs/analytics.md, ADR 0012 and 0014).

One mechanism for every city-wide computation that is faster on a DuckDB copy than on
the operational database: `analytic_copy.analytic_connection(prefix)`. It lives in registry, the
lowest app whose data it copies, so registry's own quality checks and every app above
(policy's exit evaluation and area facts) use the same copy.

- sources.py: the policy engine's input relations h, m, i, me, defined with the ORM.
- transfer.py: an ORM query into Arrow or Parquet (PostgreSQL streams it with COPY).
- analytic_copy.py: the DuckDB file, brought current by the households changed since its moment.
"""
