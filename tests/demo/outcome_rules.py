"""The outcome rules of docs/demo-data.md, re-implemented plainly over loaded records.

Used only by the demo-data tests, to check that the raw cohort data produce the
designed outcomes. This is deliberately not remit's outcome code: it is the
independent reading of the rules the later derivation is tested against.
"""

from __future__ import annotations

from datetime import date, timedelta

from remit.core.medications import MedicationCourse, StopReason
from remit.core.record import (
    EncounterKind,
    EpisodeKind,
    Observation,
    PatientRecord,
)

WINDOW = timedelta(days=91)
BIOLOGICS = {"anakinra", "canakinumab", "tocilizumab"}
SYSTEMIC = ("fever", "evanescent_rash", "serositis", "splenomegaly", "generalised_lymphadenopathy", "uveitis")
ATTACKS = (EpisodeKind.FEVER_ATTACK, EpisodeKind.PERICARDITIS)


def anakinra(record: PatientRecord) -> MedicationCourse:
    (course,) = record.courses_of("anakinra")
    return course


def one(record: PatientRecord, analyte: str, day: date) -> Observation:
    (found,) = [o for o in record.observations if o.analyte == analyte and o.date == day]
    return found


def number(record: PatientRecord, analyte: str, day: date) -> float:
    value = one(record, analyte, day).measurement.value
    assert value is not None, f"{record.patient.id}: {analyte} on {day} is not an exact number"
    return value


def within_reference(record: PatientRecord, analyte: str, day: date) -> bool:
    measurement = one(record, analyte, day).measurement
    reference = measurement.reference
    assert reference is not None
    assert reference.low is not None
    assert reference.high is not None
    value = measurement.value
    assert value is not None
    return reference.low <= value <= reference.high


def recorded_absent(record: PatientRecord, kind: str, day: date) -> bool:
    found = record.findings_of(kind, day, day)
    return bool(found) and all(not f.present for f in found)


def attacks_before(record: PatientRecord, day: date) -> int:
    return sum(1 for e in record.episodes if e.kind in ATTACKS and day - WINDOW <= e.start <= day - timedelta(days=1))


def jadas10(record: PatientRecord, day: date) -> float:
    esr = min(max(number(record, "esr", day), 20.0), 120.0)
    joints = min(number(record, "active_joint_count", day), 10.0)
    return number(record, "physician_global", day) + number(record, "patient_global", day) + joints + (esr - 20) / 10


def is_sjia(record: PatientRecord) -> bool:
    return record.has_condition("sjia")


def state(record: PatientRecord, day: date) -> str:
    """complete / partial / non at the assessment on ``day``, against baseline."""
    baseline = anakinra(record).start
    labs_normal = within_reference(record, "crp", day) and within_reference(record, "esr", day)
    inactive_physician = number(record, "physician_global", day) == 0
    if is_sjia(record):
        complete = (
            number(record, "active_joint_count", day) == 0
            and all(recorded_absent(record, kind, day) for kind in SYSTEMIC)
            and labs_normal
            and inactive_physician
            and number(record, "morning_stiffness", day) < 15
        )
        if complete:
            return "complete"
        return "partial" if jadas10(record, day) < 0.5 * jadas10(record, baseline) else "non"
    if attacks_before(record, day) == 0 and labs_normal and inactive_physician:
        return "complete"
    return "partial" if attacks_before(record, day) < 0.5 * attacks_before(record, baseline) else "non"


def assessments(record: PatientRecord) -> list[date]:
    """Days of visits with a full assessment (a physician global)."""
    visits = {e.date for e in record.encounters if e.kind is not EncounterKind.ADMISSION}
    return sorted(o.date for o in record.observations if o.analyte == "physician_global" and o.date in visits)


def time_point(record: PatientRecord, month: int) -> tuple[date, date | None]:
    """(T, the scheduled visit of month T or None if there is none)."""
    visits = [e.date for e in record.encounters if e.kind is EncounterKind.SCHEDULED and e.month == month]
    if visits:
        return visits[0], visits[0]
    return anakinra(record).start + timedelta(days=round(month * 30.4375)), None


def outcome(record: PatientRecord, month: int) -> tuple[str, str]:
    course = anakinra(record)
    when, visit = time_point(record, month)
    if course.stop_reason is StopReason.INEFFICACY and course.stop is not None and course.stop < when:
        day = max(d for d in assessments(record) if d <= course.stop)
    else:
        assert visit is not None, f"{record.patient.id}: no month-{month} visit"
        day = visit
    response = state(record, day)
    remission = ""
    if response == "complete":
        if any(m.drug in BIOLOGICS and m.active_on(when) for m in record.medications):
            remission = "on"
        elif course.stop_reason is StopReason.REMISSION and course.stop is not None and course.stop < when:
            remission = "off"
    return response, remission


def switched_by(record: PatientRecord, month: int) -> MedicationCourse | None:
    course = anakinra(record)
    when, _ = time_point(record, month)
    if course.switched_to is not None and course.stop is not None and course.stop < when:
        return course
    return None
