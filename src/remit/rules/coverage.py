"""What the absence of a record means: the record's data coverage over a
window decides whether "nothing recorded" is NOT MET or UNKNOWN
(``docs/architecture.md``, "Data coverage")."""

from __future__ import annotations

from datetime import date

from remit.core.record import PatientRecord
from remit.core.truth import Truth
from remit.rules import ast

__all__ = ["absence", "life_start", "recorded_window"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
_FALSE_IF_COVERED = ast.Absent.FALSE_IF_COVERED


def life_start(record: PatientRecord) -> date | None:
    """Where a whole-history window begins, for coverage: the earliest possible date of birth."""
    birth = record.patient.birth
    return birth.earliest() if birth is not None else None


def recorded_window(record: PatientRecord, start: date | None, end: date) -> tuple[date | None, bool]:
    """The part of a window that lies within the record, and whether the record is complete over it.

    The window is clipped to the start of the record (its earliest dated fact):
    before that the record asserts nothing. It is complete when the record's data
    coverage (the declared follow-up, else first..last fact) spans it. A record
    with history before its declared follow-up (a diagnosis made before the
    registry saw the child) is therefore incomplete over a whole-record window.
    """
    first = record.first_fact()
    if first is None:
        return start, False
    begin = first if start is None else max(start, first)
    return begin, begin <= end and record.covers(begin, end)


def absence(record: PatientRecord, policy: ast.Absent, start: date | None, end: date) -> tuple[Truth, str]:
    """The truth of "nothing recorded in start..end" under ``policy``, and why."""
    if policy is _FALSE_IF_COVERED:
        first_day = start if start is not None else life_start(record)
        if first_day is not None and record.covers(first_day, end):
            return FALSE, "not recorded, and the record covers the window"
    return UNKNOWN, "not recorded"
