"""The one import engine of every ledger kind (see engine.py)."""

from tuopin.assistance.importer.engine import import_ledger
from tuopin.assistance.importer.report import LedgerImportReport
from tuopin.assistance.importer.table import open_ledger_table

__all__ = ["LedgerImportReport", "import_ledger", "open_ledger_table"]
