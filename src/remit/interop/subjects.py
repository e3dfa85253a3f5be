"""The patients an export writes: a record plus the facts exports add to it.

Every exporter takes :class:`ExportSubject` values, so the same writer serves
identified and de-identified exports. A de-identified subject (see
:mod:`remit.interop.deidentify`) carries a pseudonymised, date-shifted record
without a birth date; the age at the index date is computed before the dates
were shifted and travels beside the record.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from remit.core.record import EncounterKind, PatientRecord

INDEX_DRUG = "anakinra"


@dataclass(frozen=True, slots=True)
class ExportSubject:
    """``index_date`` is in the record's own (possibly shifted) time line;
    ``age_at_index`` is in years, rounded down to 0.1 (None without a birth
    date or index date)."""

    record: PatientRecord
    index_date: date | None
    age_at_index: float | None
    deidentified: bool = False


def index_date(record: PatientRecord) -> date | None:
    """The day a patient's registry time line is anchored to: the start of the
    first anakinra course; else the baseline visit; else the first dated fact."""
    courses = record.courses_of(INDEX_DRUG)
    if courses:
        return min(course.start for course in courses)
    baselines = [e.date for e in record.encounters if e.kind is EncounterKind.BASELINE]
    if baselines:
        return min(baselines)
    coverage = record.coverage()
    return coverage[0] if coverage is not None else None


def age_at(record: PatientRecord, day: date | None) -> float | None:
    """Completed age in years on ``day`` (rounded down to 0.1 year). With a
    birth month only, the youngest possible age is given, so it is never
    overstated."""
    birth = record.patient.birth
    if birth is None or day is None or day < birth.latest():
        return None
    youngest, _ = birth.age_years(day)
    return math.floor(youngest * 10 + 1e-9) / 10


def identified(record: PatientRecord) -> ExportSubject:
    """A subject for an identified export (ids, dates and text as stored)."""
    day = index_date(record)
    return ExportSubject(record, day, age_at(record, day))


def subjects(records: Iterable[PatientRecord | ExportSubject]) -> tuple[ExportSubject, ...]:
    """Accept plain records where a subject is expected."""
    return tuple(item if isinstance(item, ExportSubject) else identified(item) for item in records)
