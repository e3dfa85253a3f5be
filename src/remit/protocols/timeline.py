"""The protocol's day axis on one record: day 0, assessment dates, the end of follow-up by death.

Everything is counted in whole calendar days from day 0 (day 0 is the day of
the start event, day 3 is three days later). Facts dated after ``today`` are
never used: a status as of a date sees only what was on record then.
"""

from __future__ import annotations

from datetime import date, timedelta

from remit.core.analytes import analyte as analyte_spec
from remit.core.conditions import CONDITIONS
from remit.core.medications import MedicationCourse
from remit.core.record import (
    DiagnosisStatus,
    Observation,
    PatientRecord,
    SeriousCriterion,
)
from remit.protocols.model import StartEvent
from remit.rules.interpret import Evidence


def on_day(start: date, day: int) -> date:
    return start + timedelta(days=day)


def start_course(record: PatientRecord, event: StartEvent, today: date) -> MedicationCourse | None:
    """The first course of the start drug begun on or before ``today``."""
    courses = [c for c in record.courses_of(event.drug) if c.start <= today]
    return min(courses, key=lambda c: (c.start, c.id), default=None)


def course_evidence(course: MedicationCourse) -> Evidence:
    first = course.dose_on(course.start)
    dose = f"; first dose {first.text or f'{first.amount:g} {first.unit} {first.frequency.value}'}" if first else ""
    return Evidence(
        "medication",
        course.id,
        course.start,
        f"{course.drug} {course.route.value} {course.start.isoformat()}..{_stop(course)}{dose}",
    )


def _stop(course: MedicationCourse) -> str:
    if course.stop is None:
        return "ongoing"
    reason = f" ({course.stop_reason.value})" if course.stop_reason else ""
    return f"{course.stop.isoformat()}{reason}"


def assessment_dates(
    record: PatientRecord, first: date, last: date, *, include_last: bool = True, clinical_only: bool = False
) -> list[date]:
    """Dates in ``first..last`` on which something was recorded, plus ``last``
    itself unless ``include_last`` is false: the dates a target or an entry
    criterion is judged at. Recorded means an encounter, a value or a finding
    (a clinical assessment) and, unless ``clinical_only``, also a medication
    start, dose change or stop, or the start of an episode."""
    if last < first:
        return []
    found: set[date] = {last} if include_last else set()
    found.update(e.date for e in record.encounters)
    found.update(o.date for o in record.observations)
    for finding in record.findings:
        found.update((finding.start, finding.last_day))
    if not clinical_only:
        for course in record.medications:
            found.add(course.start)
            found.update(d.start for d in course.doses)
            if course.stop is not None:
                found.add(course.stop)
        found.update(e.start for e in record.episodes)
    return sorted(d for d in found if first <= d <= last)


def death_date(record: PatientRecord, today: date) -> date | None:
    """The date of death if an adverse event with the seriousness criterion
    "death" is on record by ``today``."""
    dates = [
        a.onset for a in record.adverse_events if SeriousCriterion.DEATH in a.serious_criteria and a.onset <= today
    ]
    return min(dates, default=None)


def observation_evidence(obs: Observation) -> Evidence:
    """Evidence for a value, worded as the criteria engine words it."""
    m = obs.measurement
    spec = analyte_spec(m.analyte)
    canonical = None if m.interval.is_unbounded else f"{m.interval.describe()} {spec.canonical_unit}"
    return Evidence(
        "observation",
        obs.id,
        obs.date,
        f"{spec.name} {m.describe()} on {obs.date.isoformat()}",
        analyte=m.analyte,
        value=m.text,
        unit=m.unit,
        canonical=canonical,
    )


def has_condition(record: PatientRecord, ids_or_groups: tuple[str, ...]) -> bool:
    """The patient has a (not refuted) diagnosis of one of the condition ids,
    or of a condition in one of the groups (``sjia``, ``said``)."""
    conditions = {d.condition for d in record.diagnoses if d.status is not DiagnosisStatus.REFUTED}
    groups = {CONDITIONS[c].group for c in conditions if c in CONDITIONS}
    return bool(set(ids_or_groups) & (conditions | groups))
