"""What an import of a department's table did (a sector ledger, a team roster, helper
pairings, visits, enterprises, workshops, ratings): one shape for all of them, so the
CLI's `--json`, its exit codes and the upload pages read every import alike."""

from dataclasses import dataclass, field

from tuopin.registry.interchange.rows import Message


@dataclass
class TableImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Rows kept although their person (or household) is not registered: 不在建档立卡库中,
    # a finding, not an error. Each also has a warning.
    not_registered: int = 0
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    batch_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "not_registered": self.not_registered,
            "written": self.written,
            "dry_run": self.dry_run,
            "batch": self.batch_id,
            "errors": [message.as_dict() for message in self.errors],
            "warnings": [message.as_dict() for message in self.warnings],
        }

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0
