"""A run's household results, read the one way every reader reads them.

A full run stores a row per household. A delta run (docs/adr/0021-delta-runs.md) stores
only the households whose row differs from its base's (an earlier full run of the same
scope, standard, year and date), and a `LEFT` row for each household of the base that
is no longer in its scope. Its results are its own rows, without the `LEFT` ones, and
the base's rows of every other household. `stored_results(run)` is that set as one
queryset, so filters, annotations, orderings and counts apply to it as to a table;
`household_results` is the same per household across runs (the household's page).
"""

import copy

from django.db.models import Q, QuerySet

from tuopin.policy.models import EvaluationRun, HouseholdResult, RunStatus

# The result of a delta run's row for a household that left the scope since the base
# (deleted, or moved out of the run's region). Never a verdict; readers never see it.
LEFT = "left"


def results_q(run: EvaluationRun) -> Q:
    """The condition on HouseholdResult that selects the run's results."""
    if run.base_id is None:
        return Q(run_id=run.pk)
    own = HouseholdResult.objects.filter(run_id=run.pk).values("household_id")
    return (Q(run_id=run.pk) & ~Q(result=LEFT)) | (Q(run_id=run.base_id) & ~Q(household_id__in=own))


def runs_of_rows(runs) -> dict[int, EvaluationRun]:
    """The run each stored row is read for, by the row's `run_id`: a run's own rows, and
    a delta run's base's rows, which it reads as its own (a base has the same clauses
    and values seen: deltas.base_for), for decoding their letters and values."""
    runs = list(runs)
    serving = {run.base_id: run for run in runs if run.base_id}
    serving.update((run.pk, run) for run in runs)
    return serving


def stored_results(run: EvaluationRun) -> QuerySet:
    """The run's household results (its own rows over its base's)."""
    return HouseholdResult.objects.filter(results_q(run))


def household_results(
    household_id: int, runs: Q | None = None, rows: Q | None = None
) -> list[HouseholdResult]:
    """The household's result in every finished run matching `runs` (a condition on the
    run), newest run first; `rows` limits which rows may be shown (the user's scope).

    A delta run without a row of its own for the household has its base's result: that
    row is returned with `run` set to the delta run. A few queries, not one per run."""
    finished = EvaluationRun.objects.filter(runs or Q(), status=RunStatus.DONE)
    own = HouseholdResult.objects.filter(household_id=household_id, run__in=finished)
    # Every run with a row of its own, shown or not: such a run never inherits its base's.
    with_own_row = set(own.values_list("run_id", flat=True))
    found = {
        row.run_id: row for row in own.filter(rows or Q()).select_related("run", "run__policy")
    }
    deltas = (
        finished.filter(base_id__in=list(found))
        .exclude(pk__in=with_own_row)
        .select_related("policy")
    )
    for delta in deltas:
        inherited = copy.copy(found[delta.base_id])
        inherited.run = delta
        found[delta.pk] = inherited
    return sorted(
        (row for row in found.values() if row.result != LEFT),
        key=lambda row: row.run_id,
        reverse=True,
    )
