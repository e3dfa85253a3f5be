"""Steps on the day axis: treatment periods and their actions, assessments and
the data they capture, and optional events recognised from the record.

* A **treatment** step is upcoming, current or past by today's day. Each
  action is looked for in the record: a course of the named drug (or of a
  drug of the named class) active on the step's first day, with the named
  weight-based dose and route. Medication lists are complete within the
  record's data coverage, so no course there is "not recorded" (not met);
  outside coverage it is indeterminate.
* An **assessment** is done when an encounter (not an admission) lies in its
  visit window, preferring one labelled with the step's month; otherwise it
  is upcoming, due (window open) or overdue (window closed). Each data item
  is captured when a value lies in the window (for a diary-based score: the
  diary days of the score's own window), missing when not.
* An **event** step (optional) is detected from the record: interval
  widening from the dose frequencies of the start course, cessation from its
  stop and stop reason.

Steps after a recorded death are not expected.
"""

from __future__ import annotations

from datetime import date, timedelta

from remit import catalogue
from remit.core.doses import PerBody, dose_amount
from remit.core.medications import MedicationCourse
from remit.core.record import (
    Encounter,
    EncounterKind,
    Observation,
    PatientRecord,
)
from remit.core.truth import Truth
from remit.drugs import DRUGS
from remit.errors import UnitError
from remit.protocols.model import Action, Cessation, DataItem, IntervalWidening, Step, StepKind
from remit.protocols.results import ActionStatus, CaptureState, CaptureStatus, StepState, StepStatus
from remit.protocols.timeline import course_evidence, has_condition, observation_evidence, on_day
from remit.rules import ast
from remit.rules.interpret import Evidence, evaluate


def assess_step(
    record: PatientRecord,
    step: Step,
    *,
    start: date | None,
    course: MedicationCourse | None,
    today: date,
    died: date | None,
) -> StepStatus:
    if start is None:
        return StepStatus(step, StepState.NOT_STARTED, None, None, note="the start event is not on record")
    if step.kind is StepKind.TREATMENT:
        return _treatment(record, step, start, today, died)
    if step.kind is StepKind.ASSESSMENT:
        return _assessment(record, step, start, today, died)
    return _event(record, step, start, course, today)


# ---------------------------------------------------------------- treatment


def _treatment(record: PatientRecord, step: Step, start: date, today: date, died: date | None) -> StepStatus:
    first = on_day(start, step.day)
    last = on_day(start, step.until_day if step.until_day is not None else step.day)
    if died is not None and died < first:
        return StepStatus(step, StepState.NOT_EXPECTED, first, last, note=f"the patient died on {died.isoformat()}")
    state = StepState.UPCOMING if today < first else StepState.CURRENT if today <= last else StepState.PAST
    actions = tuple(_action(record, action, first) for action in step.actions) if today >= first else ()
    return StepStatus(step, state, first, last, actions=actions)


def _action(record: PatientRecord, action: Action, on: date) -> ActionStatus:
    courses = [c for c in record.active_medications(on) if _matches(action, c)]
    if not courses:
        covered = record.covers(on, on)
        truth = Truth.FALSE if covered else Truth.UNKNOWN
        why = "the record covers that day" if covered else "the record does not cover that day"
        return ActionStatus(action.text, truth, (), f"no matching course active on {on.isoformat()} ({why})")
    if action.dose is None:
        return ActionStatus(action.text, Truth.TRUE, tuple(course_evidence(c) for c in courses))
    judged = [(c, *_dose_matches(record, action, c, on)) for c in courses]
    truth = max((t for _, t, _ in judged), key=lambda t: t.value)
    notes = "; ".join(note for _, _, note in judged if note)
    return ActionStatus(action.text, truth, tuple(course_evidence(c) for c, _, _ in judged), notes)


def _matches(action: Action, course: MedicationCourse) -> bool:
    if course.drug in action.drugs:
        return True
    entry = DRUGS.get(course.drug)
    return action.drug_class is not None and entry is not None and action.drug_class in entry.classes


def _dose_matches(record: PatientRecord, action: Action, course: MedicationCourse, on: date) -> tuple[Truth, str]:
    expected = action.dose
    assert expected is not None
    if expected.route is not None and course.route is not expected.route:
        return Truth.FALSE, f"{course.id}: route {course.route.value}, the protocol names {expected.route.value}"
    dose = course.dose_on(on)
    if dose is None:
        return Truth.UNKNOWN, f"{course.id}: no dose recorded"
    try:
        amount = dose_amount(dose)
    except UnitError as exc:
        return Truth.UNKNOWN, f"{course.id}: the dose unit cannot be read ({exc.message})"
    if amount.per is not PerBody.KG or amount.per_day is None:
        return Truth.UNKNOWN, (
            f"{course.id}: dose recorded as {dose.amount:g} {dose.unit} {dose.frequency.value}, "
            f"not per kg: not compared with {expected.mg_per_kg_day:g} mg/kg/day"
        )
    if abs(amount.per_day - expected.mg_per_kg_day) < 1e-9:
        return Truth.TRUE, ""
    return Truth.FALSE, f"{course.id}: {amount.per_day:g} mg/kg/day recorded"


# ---------------------------------------------------------------- assessments


def _assessment(record: PatientRecord, step: Step, start: date, today: date, died: date | None) -> StepStatus:
    due = on_day(start, step.day)
    first, last = on_day(start, step.day - step.window_before), on_day(start, step.day + step.window_after)
    if died is not None and died < first:
        return StepStatus(
            step,
            StepState.NOT_EXPECTED,
            first,
            last,
            due=due,
            note=f"the patient died on {died.isoformat()}, before the window opened",
        )
    visit = _visit(record, step, first, min(last, today), due)
    if visit is None:
        if today < first:
            state = StepState.UPCOMING
        elif today <= last:
            state = StepState.DUE
        else:
            state = StepState.OVERDUE
        captures: tuple[CaptureStatus, ...] = ()
        if state is StepState.OVERDUE:
            captures = tuple(
                _capture(record, item, None, first=first, last=last, today=today) for item in step.captures
            )
        return StepStatus(step, state, first, last, due=due, captures=captures)
    evidence = (Evidence("encounter", visit.id, visit.date, _encounter_text(visit)),)
    captures = tuple(_capture(record, item, visit, first=first, last=last, today=today) for item in step.captures)
    return StepStatus(step, StepState.DONE, first, last, due=due, on=visit.date, captures=captures, evidence=evidence)


def _visit(record: PatientRecord, step: Step, first: date, last: date, due: date) -> Encounter | None:
    candidates = [e for e in record.encounters if first <= e.date <= last and e.kind is not EncounterKind.ADMISSION]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda e: (
            e.month != step.month if step.month is not None else False,
            e.kind is not EncounterKind.BASELINE if step.day == 0 else False,
            abs((e.date - due).days),
            e.date,
        ),
    )


def _encounter_text(encounter: Encounter) -> str:
    label = f"month {encounter.month} " if encounter.month is not None else ""
    note = f": {encounter.note}" if encounter.note else ""
    return f"{label}{encounter.kind.value} visit {encounter.date.isoformat()}{note}"


def applies(item: DataItem, record: PatientRecord) -> bool:
    """An item applies when it names no condition, or names one of the
    patient's conditions or its group (``said``)."""
    return not item.applies_to or has_condition(record, item.applies_to)


def _capture(
    record: PatientRecord, item: DataItem, visit: Encounter | None, *, first: date, last: date, today: date
) -> CaptureStatus:
    if not applies(item, record):
        return CaptureStatus(item, CaptureState.NOT_APPLICABLE, (), f"applies to {', '.join(item.applies_to)} only")
    if item.instrument is not None:
        return _instrument(record, item, visit)
    assert item.analyte is not None
    rows = record.values(item.analyte, first, min(last, today))
    if rows:
        chosen = _nearest(rows, visit)
        return CaptureStatus(item, CaptureState.CAPTURED, (observation_evidence(chosen),))
    state = CaptureState.PENDING if today < last else CaptureState.MISSING
    return CaptureStatus(item, state, (), f"no value in the visit window {first.isoformat()}..{last.isoformat()}")


def _nearest(rows: tuple[Observation, ...], visit: Encounter | None) -> Observation:
    if visit is None:
        return rows[-1]
    linked = [o for o in rows if o.encounter == visit.id]
    if linked:
        return linked[-1]
    return min(rows, key=lambda o: (abs((o.date - visit.date).days), o.date))


def _instrument(record: PatientRecord, item: DataItem, visit: Encounter | None) -> CaptureStatus:
    assert item.instrument is not None
    if visit is None:
        return CaptureStatus(item, CaptureState.MISSING, (), "no visit in the window")
    definition = catalogue.get(item.instrument)
    result = evaluate(definition, record, visit.date)
    score = result.score
    shown = f"{definition.id} {score.describe()}" if score is not None else f"{definition.id} not available"
    if isinstance(definition.score, ast.DiarySum) and definition.score.window.days_before is not None:
        days = definition.score.window.days_before + 1
        window_start = visit.date - timedelta(days=days - 1)
        recorded = len(record.diary_between(window_start, visit.date))
        evidence = (
            Evidence(
                "diary",
                f"{item.id}@{visit.date.isoformat()}",
                visit.date,
                f"{recorded} of {days} diary days recorded {window_start}..{visit.date}; {shown}",
            ),
        )
        if recorded == 0:
            return CaptureStatus(item, CaptureState.MISSING, (), f"no diary day recorded {window_start}..{visit.date}")
        state = CaptureState.CAPTURED if recorded == days else CaptureState.PARTIAL
        note = "" if state is CaptureState.CAPTURED else f"{days - recorded} diary day(s) missing: {shown}"
        return CaptureStatus(item, state, evidence, note)
    if score is None:
        return CaptureStatus(item, CaptureState.MISSING, (), shown)
    used = result.outcome.all_evidence()
    if score.is_point:
        return CaptureStatus(item, CaptureState.CAPTURED, used, shown)
    return CaptureStatus(item, CaptureState.PARTIAL, used, f"{shown} (items missing)")


# ---------------------------------------------------------------- events


def _event(record: PatientRecord, step: Step, start: date, course: MedicationCourse | None, today: date) -> StepStatus:
    detector = step.detector
    if course is None or detector is None:
        return StepStatus(step, StepState.NOT_DETECTED, None, None, note="no start course to inspect")
    if isinstance(detector, IntervalWidening):
        doses = sorted((d for d in course.doses if d.start <= today), key=lambda d: d.start)
        first_hours = doses[0].frequency.interval_hours if doses else None
        for dose in doses[1:]:
            hours = dose.frequency.interval_hours
            if first_hours is not None and hours is not None and hours > first_hours:
                day = (dose.start - start).days
                text = (
                    f"{course.drug} {doses[0].frequency.value} -> {dose.frequency.value} from "
                    f"{dose.start.isoformat()}" + (f" ({dose.text})" if dose.text else "")
                )
                return StepStatus(
                    step,
                    StepState.DETECTED,
                    dose.start,
                    course.stop,
                    on=dose.start,
                    evidence=(Evidence("medication", course.id, dose.start, text),),
                    note=f"detected on day {day}",
                )
        return StepStatus(
            step,
            StepState.NOT_DETECTED,
            None,
            None,
            note=f"no {course.drug} dose given less often than the first ({_first(course)})",
        )
    assert isinstance(detector, Cessation)
    if course.stop is not None and course.stop <= today and course.stop_reason in detector.reasons:
        return StepStatus(
            step,
            StepState.DETECTED,
            course.stop,
            course.stop,
            on=course.stop,
            evidence=(course_evidence(course),),
            note=f"detected on day {(course.stop - start).days}",
        )
    if course.stop is not None and course.stop <= today:
        reason = course.stop_reason.value if course.stop_reason else "no reason recorded"
        return StepStatus(
            step,
            StepState.NOT_DETECTED,
            None,
            None,
            evidence=(course_evidence(course),),
            note=f"{course.drug} stopped on {course.stop.isoformat()} ({reason}), not for "
            f"{'/'.join(r.value for r in detector.reasons)}",
        )
    return StepStatus(step, StepState.NOT_DETECTED, None, None, note=f"{course.drug} not stopped by {today}")


def _first(course: MedicationCourse) -> str:
    return course.doses[0].frequency.value if course.doses else "no dose recorded"
