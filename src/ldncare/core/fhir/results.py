"""What an import gives back, and why it may stop: errors with their path, conflicts, the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ldncare.core.fhir.record import PatientRecord

__all__ = ["Conflict", "FhirImportError", "ImportConflictError", "ImportResult"]


class FhirImportError(ValueError):
    """A bundle that cannot be imported; ``path`` is where the first problem is."""

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True, slots=True)
class Conflict:
    """One item claimed more than once: the kept claim first, then the others (value, where)."""

    date: dt.date | None
    item: str
    claims: tuple[tuple[str, str], ...]

    @property
    def duplicate(self) -> bool:
        """Whether every claim has the same value (a duplicate rather than a disagreement)."""
        return len({value for value, _ in self.claims}) == 1

    def __str__(self) -> str:
        what = f"{self.date.isoformat()} {self.item}" if self.date else self.item
        if self.duplicate:
            return f"{what}: duplicate, {self.claims[0][0]} in " + ", ".join(where for _, where in self.claims)
        return f"{what}: conflict, " + "; ".join(f"{where} has {value}" for value, where in self.claims)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat() if self.date else None, "item": self.item,
                "kind": "duplicate" if self.duplicate else "conflict",
                "claims": [{"value": value, "where": where} for value, where in self.claims]}


class ImportConflictError(FhirImportError):
    """Items claimed more than once, with ``on_conflict="refuse"``; ``conflicts`` lists every one."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        shown = "; ".join(str(c) for c in conflicts[:10])
        more = f" (and {len(conflicts) - 10} more)" if len(conflicts) > 10 else ""
        super().__init__("entry", f"{len(conflicts)} item(s) claimed more than once: {shown}{more}; allowed: one "
                                  "value per item, or import with on_conflict keep-first to keep the first of each")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The restored record, what was read (resource type → count), what was not mapped, and the
    conflicts resolved by ``keep-first`` and the values stored in another form."""

    record: PatientRecord
    imported: Mapping[str, int]
    unknown: tuple[str, ...]
    conflicts: tuple[Conflict, ...] = ()
    adjusted: tuple[str, ...] = ()
