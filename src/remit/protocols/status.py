"""One patient against one protocol, as of a date: :func:`protocol_status`.

Pure: reads a :class:`~remit.core.record.PatientRecord` and the date it is
given. It explains where the record stands against the protocol - entry
criteria, steps, targets, alerts - and words the next step as what *the
protocol says*; it never orders a treatment, and it never decides one.
"""

from __future__ import annotations

from datetime import date

from remit.core.medications import MedicationCourse
from remit.core.record import (
    PatientRecord,
)
from remit.core.truth import Truth
from remit.protocols.eligibility import assess_eligibility
from remit.protocols.model import Cessation, IntervalWidening, Protocol, StepKind
from remit.protocols.results import (
    ActionStatus,
    Alert,
    CaptureState,
    EligibilityStatus,
    ProtocolStatus,
    Severity,
    StepState,
    StepStatus,
    TargetState,
    TargetStatus,
)
from remit.protocols.schedule import assess_step
from remit.protocols.targets import assess_target
from remit.protocols.timeline import course_evidence, death_date, start_course

SAYS = "The protocol says"


def protocol_status(record: PatientRecord, protocol: Protocol, today: date) -> ProtocolStatus:
    """Where ``record`` stands against ``protocol`` as of ``today`` (facts dated later are not used)."""
    course = start_course(record, protocol.start, today)
    start = course.start if course is not None else None
    died = death_date(record, today)
    eligibility = None
    if protocol.eligibility is not None:
        eligibility = assess_eligibility(record, protocol.eligibility, start or today, today)
    order = {kind: i for i, kind in enumerate(StepKind)}
    assessed = [
        assess_step(record, step, start=start, course=course, today=today, died=died)
        for step in sorted(protocol.steps, key=lambda s: (s.day, order[s.kind]))
    ]
    steps = tuple(sorted(assessed, key=_timeline_key))
    targets = tuple(assess_target(record, protocol, target, start, today) for target in protocol.targets)
    alerts = (
        _start_alerts(protocol, start, today, died)
        + _eligibility_alerts(eligibility)
        + _step_alerts(record, steps, course, today)
        + _target_alerts(targets)
    )
    return ProtocolStatus(
        protocol=protocol,
        patient=record.patient.id,
        today=today,
        start=start,
        start_evidence=(course_evidence(course),) if course is not None else (),
        eligibility=eligibility,
        steps=steps,
        targets=targets,
        alerts=alerts,
        next_action=_next_action(
            protocol, start=start, eligibility=eligibility, steps=steps, targets=targets, died=died
        ),
        current_step=_current(steps),
        due=_due(steps, targets, today),
    )


def _timeline_key(status: StepStatus) -> date:
    """Steps in date order: a treatment by its first day, an assessment by its
    due date, a detected event by its date; undetected events last."""
    when = status.on if status.step.kind is StepKind.EVENT else status.due or status.first_day
    return when or date.max


# ---------------------------------------------------------------- alerts


def _start_alerts(protocol: Protocol, start: date | None, today: date, died: date | None) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    if start is None:
        alerts.append(
            Alert(
                "not_started",
                Severity.INFO,
                f"No {protocol.start.drug} course is on record by {today.isoformat()}: "
                f"the protocol's day 0 ({protocol.start.label}) has not happened.",
            )
        )
    if died is not None:
        alerts.append(
            Alert(
                "patient_died",
                Severity.INFO,
                f"The record shows the patient died on {died.isoformat()}; later steps are not expected.",
            )
        )
    return tuple(alerts)


def _eligibility_alerts(eligibility: EligibilityStatus | None) -> tuple[Alert, ...]:
    if eligibility is None or eligibility.truth is Truth.TRUE:
        return ()
    window = f"{eligibility.window[0].isoformat()}..{eligibility.window[1].isoformat()}"
    parts = "; ".join(f"{c.criterion} {c.truth.status.replace('_', ' ')}" for c in eligibility.criteria)
    if eligibility.truth is Truth.FALSE:
        return (
            Alert(
                "eligibility_not_met",
                Severity.WARNING,
                f"The entry criteria ({eligibility.rule}) are not met on the record in the entry window "
                f"{window} ({parts}). The steps and targets below are shown for review only.",
            ),
        )
    decisive = f" Decisive: {' | '.join(eligibility.decisive_unknowns)}." if eligibility.decisive_unknowns else ""
    return (
        Alert(
            "eligibility_indeterminate",
            Severity.WARNING,
            f"The record does not show whether the entry criteria ({eligibility.rule}) are met in the entry "
            f"window {window} ({parts}).{decisive}",
        ),
    )


def _step_alerts(
    record: PatientRecord, steps: tuple[StepStatus, ...], course: MedicationCourse | None, today: date
) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    for status in steps:
        step = status.step
        span = f"{status.first_day}..{status.last_day}"
        if status.state is StepState.OVERDUE:
            alerts.append(
                Alert(
                    "assessment_overdue",
                    Severity.WARNING,
                    f"{step.label}: due {status.due} (window {span}); no visit is recorded.",
                    step.id,
                )
            )
        elif status.state is StepState.DUE:
            alerts.append(
                Alert(
                    "assessment_due",
                    Severity.INFO,
                    f"{step.label}: due {status.due}, window open until {status.last_day}.",
                    step.id,
                )
            )
        if status.state is StepState.DONE:
            alerts.extend(_capture_alerts(status))
        alerts.extend(_action_alerts(status, status.actions))
    alerts.extend(_widening_alerts(record, steps, course, today))
    return tuple(alerts)


def _capture_alerts(status: StepStatus) -> list[Alert]:
    alerts: list[Alert] = []
    missing = [c.item.label for c in status.captures if c.state is CaptureState.MISSING]
    if missing:
        alerts.append(
            Alert(
                "data_missing",
                Severity.WARNING,
                f"{status.step.label} ({status.on}): not recorded: {', '.join(missing)}.",
                status.step.id,
            )
        )
    for capture in status.captures:
        if capture.state is CaptureState.PARTIAL:
            alerts.append(
                Alert(
                    "data_partial",
                    Severity.INFO,
                    f"{status.step.label} ({status.on}): {capture.item.label} incomplete: {capture.note}.",
                    status.step.id,
                )
            )
    return alerts


def _action_alerts(status: StepStatus, actions: tuple[ActionStatus, ...]) -> list[Alert]:
    alerts: list[Alert] = []
    for action in actions:
        if action.truth is Truth.TRUE:
            continue
        severity = Severity.WARNING if action.truth is Truth.FALSE else Severity.INFO
        word = "differs from the record" if action.evidence else "is not shown in the record"
        alerts.append(
            Alert(
                "action_not_recorded",
                severity,
                f'{status.step.label}: "{action.text}" {word} ({action.note}).',
                status.step.id,
            )
        )
    return alerts


def _widening_alerts(
    record: PatientRecord, steps: tuple[StepStatus, ...], course: MedicationCourse | None, today: date
) -> list[Alert]:
    alerts: list[Alert] = []
    widening = next((s for s in steps if isinstance(s.step.detector, IntervalWidening)), None)
    cessation = next((s for s in steps if isinstance(s.step.detector, Cessation)), None)
    if widening is not None and widening.state is StepState.DETECTED and widening.on is not None:
        end = course.stop if course is not None and course.stop is not None else today
        for episode in record.episodes:
            if widening.on <= episode.start <= min(end, today):
                alerts.append(
                    Alert(
                        "episode_during_widening",
                        Severity.INFO,
                        f"{episode.kind.value.replace('_', ' ')} from {episode.start.isoformat()} "
                        f"during the interval widening (from {widening.on.isoformat()}). "
                        f"{widening.step.note}",
                        widening.step.id,
                    )
                )
    if (
        cessation is not None
        and cessation.state is StepState.DETECTED
        and widening is not None
        and (widening.on is None or cessation.on is None or widening.on > cessation.on)
    ):
        alerts.append(
            Alert(
                "cessation_without_widening",
                Severity.INFO,
                f"{cessation.step.label} on {cessation.on} without a recorded interval widening before "
                f"it. {cessation.step.note}",
                cessation.step.id,
            )
        )
    return alerts


def _target_alerts(targets: tuple[TargetStatus, ...]) -> tuple[Alert, ...]:
    alerts: list[Alert] = []
    for status in targets:
        t = status.target
        if status.state is TargetState.MISSED:
            alerts.append(
                Alert(
                    "target_missed",
                    Severity.WARNING,
                    f"{t.label}: missed ({status.note}). {SAYS}: {status.escalation}",
                    t.id,
                )
            )
        elif status.state is TargetState.INDETERMINATE:
            alerts.append(Alert("target_indeterminate", Severity.WARNING, f"{t.label}: {status.note}.", t.id))
    return tuple(alerts)


# ---------------------------------------------------------------- summary


def _current(steps: tuple[StepStatus, ...]) -> str | None:
    for wanted in (StepState.CURRENT, StepState.DUE, StepState.UPCOMING):
        for status in steps:
            if status.state is wanted:
                return status.step.id
    return None


def _due(steps: tuple[StepStatus, ...], targets: tuple[TargetStatus, ...], today: date) -> tuple[str, ...]:
    lines: list[str] = []
    for status in steps:
        if status.state in (StepState.DUE, StepState.OVERDUE):
            lines.append(
                f"{status.state.value}: {status.step.label} (due {status.due}, "
                f"window {status.first_day}..{status.last_day})"
            )
    for target in targets:
        if target.state is TargetState.NOT_YET_ASSESSABLE and target.window is not None and target.window[0] <= today:
            lines.append(f"due: {target.target.label} (by {target.window[1]})")
    return tuple(lines)


def _next_action(
    protocol: Protocol,
    *,
    start: date | None,
    eligibility: EligibilityStatus | None,
    steps: tuple[StepStatus, ...],
    targets: tuple[TargetStatus, ...],
    died: date | None,
) -> str:
    if died is not None:
        return f"The record shows the patient died on {died.isoformat()}; the protocol's remaining steps do not apply."
    if start is None:
        return f"{SAYS}: {protocol.guidance.not_started}"
    parts: list[str] = []
    if eligibility is not None and eligibility.truth is not Truth.TRUE:
        shown = "are not met" if eligibility.truth is Truth.FALSE else "are not shown to be met"
        parts.append(f"The protocol's entry criteria {shown} on the record (see eligibility).")
    escalations = dict.fromkeys(t.escalation for t in targets if t.state is TargetState.MISSED and t.escalation)
    parts.extend(f"{SAYS}: {text}" for text in escalations)
    for status in steps:
        if status.state is StepState.OVERDUE:
            parts.append(
                f"{SAYS} the {status.step.label.lower()} is due between {status.first_day} and "
                f"{status.last_day}; none is recorded."
            )
    if not escalations and not any(s.state is StepState.OVERDUE for s in steps):
        upcoming = _upcoming(steps, targets)
        if upcoming is not None:
            parts.append(f"{SAYS}: {protocol.guidance.on_track} Next on the protocol: {upcoming}.")
        else:
            parts.append(f"{SAYS}: {protocol.guidance.completed}")
    unclear = [t.target.label for t in targets if t.state is TargetState.INDETERMINATE]
    if unclear:
        parts.append(f"The record cannot show whether these targets were met: {'; '.join(unclear)}.")
    return " ".join(parts)


def _upcoming(steps: tuple[StepStatus, ...], targets: tuple[TargetStatus, ...]) -> str | None:
    """The earliest open item: a target not yet assessable or a step not yet done."""
    items: list[tuple[date, str]] = []
    for target in targets:
        if target.state is TargetState.NOT_YET_ASSESSABLE and target.window is not None:
            items.append((target.window[1], f"{target.target.label} (by {target.window[1]})"))
    for status in steps:
        if status.state in (StepState.DUE, StepState.UPCOMING) and status.due is not None:
            items.append((status.due, f"{status.step.label} (due {status.due})"))
        elif status.state in (StepState.CURRENT, StepState.UPCOMING) and status.last_day is not None:
            items.append((status.last_day, f"{status.step.label} (until {status.last_day})"))
    return min(items)[1] if items else None
