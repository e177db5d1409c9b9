"""What an import did, in counts a person can check, and the error every importer raises for one bad
record (naming the file and the record, so it can be found and fixed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


class ImportRecordError(ValueError):
    """One record that cannot be imported; `where` names the file and the record."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")
        self.where = where
        self.detail = detail


class ImportSourceError(ImportRecordError):
    """The source as a whole cannot be imported (a file missing or unreadable, not JSON, a folder that is not
    CUAD's): no record was read, so leaving out bad records (`--skip-bad`) cannot help and is not suggested."""


@dataclass
class ImportReport:
    source: str
    contracts: int = 0
    contracts_already_present: int = 0
    duplicate_files: list[str] = field(default_factory=list)
    records_read: int = 0
    records_imported: int = 0
    records_already_present: int = 0  # read again from a source imported before: not added twice
    annotations_created: int = 0
    not_located: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    located_by: Counter[str] = field(default_factory=Counter)
    contract_ids: set[int] = field(default_factory=set)  # the store's contracts it imported into (or named)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source, "contracts": self.contracts,
            "contracts_already_present": self.contracts_already_present,
            "duplicate_files": len(self.duplicate_files),
            "records_read": self.records_read, "records_imported": self.records_imported,
            "records_already_present": self.records_already_present,
            "annotations_created": self.annotations_created, "not_located": len(self.not_located),
            "skipped": len(self.skipped), "located_by": dict(sorted(self.located_by.items())),
        }
