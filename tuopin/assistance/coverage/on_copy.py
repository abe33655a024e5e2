"""Which coverage checks are counted on the analytic copy (issue 16, ADR 0016).

The mirrors of the sector ledgers (registered in AssistanceConfig.ready) sit beside
the registry's in the copy; a check's ORM queryset runs there as the quality checks'
do (registry/analytic/queries.py). A test counts every check both ways over seeded
ledgers with planted problems, on SQLite and PostgreSQL: ON_COPY holds exactly the
checks whose per-region counts are equal, DATABASE_ONLY the others with the reason.
"""

from tuopin.assistance.coverage import CHECKS

DATABASE_ONLY: dict[str, str] = {}
ON_COPY: frozenset[str] = frozenset(CHECKS) - set(DATABASE_ONLY)


def mirrored_models() -> list:
    """The tables the checks read besides the registry's: every ledger, and the
    workshop employees (public-welfare posts held beside a workshop job)."""
    from django.apps import apps

    from tuopin.assistance.models.base import LedgerEntry
    from tuopin.people.models import WorkshopEmployee

    ledgers = [
        model
        for model in apps.get_app_config("assistance").get_models()
        if issubclass(model, LedgerEntry) and hasattr(model, "history")
    ]
    return [*ledgers, WorkshopEmployee]
