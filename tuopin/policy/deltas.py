"""Delta runs: a DuckDB run stores only what differs from its base run.

A city run's 230,000 rows cannot be written in the second a run may take after 1 % of
the households changed (issue 16). A run over the same scope, standard, year and date as
an earlier full run (its base) evaluates only the households the analytic copy reloaded
since the base's moment, and stores the rows that differ from the base's plus a `LEFT`
row for each base household no longer in the scope. policy/results.py reads the two as
one run; docs/adr/0021-delta-runs.md gives the reasons and limits.
"""

from collections import Counter

import pyarrow as pa

from tuopin.core.db import Keys
from tuopin.policy.engine.python import LETTERS
from tuopin.policy.models import Engine, EvaluationRun, HouseholdResult, Level, RunStatus
from tuopin.policy.results import LEFT
from tuopin.policy.storage import ANSWER_COLUMNS

# More of the base's households changed than this share (and than DELTA_MINIMUM): a full
# run (which becomes the next base) costs about what the delta would, and later deltas
# start small again. Below DELTA_MINIMUM a delta is cheap whatever the share (and the
# households re-read within the copy's clock margin do not count against a small region).
DELTA_SHARE_LIMIT = 0.25
DELTA_MINIMUM = 1_000
# Household ids sent to the database at a time (SQLite allows 32,766 parameters).
CHUNK = 10_000
ANSWER_SCHEMA = pa.schema(
    [(name, pa.int64() if name == "id" else pa.string()) for name in ANSWER_COLUMNS]
)


def base_for(run: EvaluationRun) -> EvaluationRun | None:
    """The newest finished full run the run may store its differences from: same
    standard, level, year, date and scope, the same clauses and values seen, and a
    DuckDB run. None if there is none.

    Only a DuckDB run: its moment is the analytic copy's, which never passes the start
    of a transaction still open, so the copy's log holds every change it did not read.
    A `db` run's moment is the clock's when its query began; a change committed later
    by a transaction open then could be logged under an earlier moment and missed."""
    candidate = (
        EvaluationRun.objects.filter(
            engine=Engine.DUCKDB,
            policy_id=run.policy_id,
            level=Level.HOUSEHOLD,
            year=run.year,
            as_of=run.as_of,
            region_id=run.region_id,
            status=RunStatus.DONE,
            base__isnull=True,
            data_as_of__isnull=False,
        )
        .exclude(pk=run.pk)
        .order_by("-id")
        .first()
    )
    if candidate is None or (candidate.parameters, candidate.clause_codes, candidate.seen_keys) != (
        run.parameters,
        run.clause_codes,
        run.seen_keys,
    ):
        return None
    return candidate


def worth_a_delta(base: EvaluationRun, changed: list[int] | None) -> bool:
    """The copy's log reaches back to the base and not too much has changed since."""
    if changed is None:
        return False
    return len(changed) <= max(DELTA_SHARE_LIMIT * base.counts["total"], DELTA_MINIMUM)


def differences(base: EvaluationRun, answer: pa.Table, changed: list[int]) -> tuple[pa.Table, dict]:
    """What a delta run stores, and its counts.

    `answer` is the evaluation of the households `changed` that are in the scope; the
    base's rows of the same households are read back and compared. Stored: a changed
    household's row when it differs from the base's (or the base has none), a `LEFT` row
    for a base household no longer in the answer. Counts: the base's, less its rows of
    the changed households, plus the answer."""
    fresh = {row["id"]: row for row in answer.select(ANSWER_COLUMNS).to_pylist()}
    before = {}
    for start in range(0, len(changed), CHUNK):
        rows = HouseholdResult.objects.filter(
            run_id=base.pk, household_id__any_of=Keys(changed[start : start + CHUNK])
        ).values_list(
            "household_id", "household_number", "village_code", "result", "clauses", "seen"
        )
        before.update((row[0], row[1:]) for row in rows)
    stored = [
        row
        for pk, row in fresh.items()
        if before.get(pk)
        != (row["number"], row["region_code"], row["result"], row["clauses"], row["seen"])
    ]
    stored += [
        {
            "id": pk,
            "number": number,
            "region_code": village,
            "result": LEFT,
            "clauses": "",
            "seen": "",
        }
        for pk, (number, village, *_rest) in before.items()
        if pk not in fresh
    ]
    added = Counter((row["result"], row["clauses"]) for row in fresh.values())
    removed = Counter((result, letters) for _n, _v, result, letters, _s in before.values())
    counts = _shifted(base.counts, added, removed, base.clause_codes)
    return pa.Table.from_pylist(stored, schema=ANSWER_SCHEMA), counts


def _shifted(counts: dict, added: Counter, removed: Counter, clause_codes: list[str]) -> dict:
    """`counts` (runs.run_counts' layout) with the (result, letters) patterns `added`
    counted in and `removed` counted out."""
    shifted = {
        "total": counts["total"],
        "results": dict(counts["results"]),
        "clauses": {code: dict(by) for code, by in counts["clauses"].items()},
    }
    for patterns, sign in ((added, 1), (removed, -1)):
        for (result, letters), n in patterns.items():
            shifted["total"] += sign * n
            shifted["results"][result] += sign * n
            for code, letter in zip(clause_codes, letters, strict=True):
                shifted["clauses"][code][LETTERS[letter]] += sign * n
    return shifted
