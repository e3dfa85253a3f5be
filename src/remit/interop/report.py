"""What an import did with every input resource or row.

Nothing an importer reads disappears silently: each FHIR resource or OMOP row
ends up as exactly one line of the report - *imported* (it became part of a
record), *merged* (its content went into something already imported, such as
a weight Observation into its Encounter, or a second MedicationAdministration
into a course) or *skipped* (with the reason: unknown code, unit not
convertible, missing subject ...). An imported line may carry a note when part
of the resource could not be used (a reference range in an unknown unit).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from remit.core.record import PatientRecord


class Outcome(enum.Enum):
    IMPORTED = "imported"
    MERGED = "merged"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One input item: its type (``Observation``, ``measurement``), where it
    was (``Observation/abc``, ``measurement row 12``), what happened and why."""

    kind: str
    where: str
    outcome: Outcome
    reason: str | None = None

    def describe(self) -> str:
        named = self.where.startswith((f"{self.kind}/", f"{self.kind} "))
        text = f"{self.outcome.value:8} {self.where if named else f'{self.kind} {self.where}'}"
        return f"{text}: {self.reason}" if self.reason else text


@dataclass(slots=True)
class ImportReport:
    """Lines in input order; add with :meth:`imported`, :meth:`merged`, :meth:`skipped`."""

    lines: list[ReportLine] = field(default_factory=list)

    def imported(self, kind: str, where: str, note: str | None = None) -> None:
        self.lines.append(ReportLine(kind, where, Outcome.IMPORTED, note))

    def merged(self, kind: str, where: str, reason: str) -> None:
        self.lines.append(ReportLine(kind, where, Outcome.MERGED, reason))

    def skipped(self, kind: str, where: str, reason: str) -> None:
        self.lines.append(ReportLine(kind, where, Outcome.SKIPPED, reason))

    def extend(self, other: ImportReport) -> None:
        self.lines.extend(other.lines)

    def counts(self) -> dict[str, dict[Outcome, int]]:
        """Per kind, how many lines had each outcome (kinds in first-seen order)."""
        tally: dict[str, Counter[Outcome]] = {}
        for line in self.lines:
            tally.setdefault(line.kind, Counter())[line.outcome] += 1
        return {kind: {outcome: counter[outcome] for outcome in Outcome} for kind, counter in tally.items()}

    def of(self, outcome: Outcome) -> tuple[ReportLine, ...]:
        return tuple(line for line in self.lines if line.outcome is outcome)

    def notes(self) -> tuple[ReportLine, ...]:
        """Lines that are not plain successes: every skip and merge, and imports with a note."""
        return tuple(line for line in self.lines if line.reason is not None)

    def __iter__(self) -> Iterator[ReportLine]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True, slots=True)
class Imported:
    """The records an importer built, and its report."""

    records: tuple[PatientRecord, ...]
    report: ImportReport
