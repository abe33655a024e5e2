"""What a ledger import did: counts, errors (the row was refused) and findings."""

from dataclasses import dataclass, field

from tuopin.registry.interchange.table_report import TableImportReport


@dataclass
class LedgerImportReport(TableImportReport):
    years: set[int] = field(default_factory=set)  # the years the import touched
