"""Table imports that apps above the `tuopin import` command add to it.

The command lives in the assistance app; an app above it (the project library and
funds) registers its kinds here from its AppConfig.ready. A kind's `run(file, *,
dry_run, partial)` returns a report with the table imports' shape (rows, created,
updated, unchanged, rejected, not_registered, errors, warnings, written, dry_run,
exit_code, as_dict()); `empty()` is the report of a file that could not be read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportKind:
    name: str  # the command's word: tuopin import NAME FILE
    label: str  # the table's Chinese name, printed in the summary
    help: str
    run: Callable[..., object]
    empty: Callable[[], object]


_KINDS: dict[str, ImportKind] = {}


def import_kind_register(kind: ImportKind) -> None:
    _KINDS[kind.name] = kind


def import_kinds() -> dict[str, ImportKind]:
    return dict(_KINDS)
