"""What :func:`remit.protocols.protocol_status` returns: immutable results with
the evidence they rest on, and one stable JSON shape (``to_dict``).

States are enums with stable string values; the JSON and the CLI use the
values. Evidence is the criteria engine's
:class:`~remit.rules.interpret.Evidence`, so a protocol status and a criterion
result cite facts the same way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from remit.core.truth import Truth
from remit.protocols.model import DataItem, Protocol, Step, StepKind, Target
from remit.rules.interpret import Evidence


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _truth(truth: Truth | None) -> str | None:
    return truth.status if truth is not None else None


# ---------------------------------------------------------------- eligibility


@dataclass(frozen=True, slots=True)
class CriterionAssessment:
    """One catalogue criterion judged over the entry window."""

    criterion: str
    title: str
    verification: str
    truth: Truth
    assessed_on: date  # the evaluation date reported (see Eligibility)
    dates_assessed: int
    evidence: tuple[Evidence, ...]
    decisive_unknowns: tuple[str, ...]
    note: str = ""
    not_met: tuple[str, ...] = ()  # the rule's top-level items that are not met, when the criterion is not met

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "title": self.title,
            "verification": self.verification,
            "status": self.truth.status,
            "assessed_on": self.assessed_on.isoformat(),
            "dates_assessed": self.dates_assessed,
            "evidence": [e.to_dict() for e in self.evidence],
            "decisive_unknowns": list(self.decisive_unknowns),
            "not_met": list(self.not_met),
            "note": self.note or None,
        }


@dataclass(frozen=True, slots=True)
class EligibilityStatus:
    truth: Truth
    window: tuple[date, date]
    criteria: tuple[CriterionAssessment, ...]
    decisive_unknowns: tuple[str, ...]  # criteria whose resolution alone would decide eligibility
    rule: str  # the rule in words ("ilar_sjia_2001 AND mas_ravelli_2005")

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.truth.status,
            "rule": self.rule,
            "window": [self.window[0].isoformat(), self.window[1].isoformat()],
            "criteria": [c.to_dict() for c in self.criteria],
            "decisive_unknowns": list(self.decisive_unknowns),
        }


# ---------------------------------------------------------------- steps


class StepState(enum.Enum):
    NOT_STARTED = "not_started"  # the start event is not on record
    UPCOMING = "upcoming"
    CURRENT = "current"  # a treatment period containing today
    PAST = "past"  # a treatment period that has ended
    DUE = "due"  # an assessment whose window is open and that is not recorded yet
    OVERDUE = "overdue"  # an assessment whose window closed without a visit
    DONE = "done"  # an assessment with a visit in its window
    DETECTED = "detected"  # an optional event recognised in the record
    NOT_DETECTED = "not_detected"
    NOT_EXPECTED = "not_expected"  # after the patient's death


class CaptureState(enum.Enum):
    CAPTURED = "captured"
    PARTIAL = "partial"  # recorded incompletely (a diary with missing days)
    MISSING = "missing"
    PENDING = "pending"  # the visit window is still open
    NOT_APPLICABLE = "not_applicable"  # the item does not apply to the patient's conditions


@dataclass(frozen=True, slots=True)
class ActionStatus:
    text: str
    truth: Truth  # the record shows the action (met), shows otherwise (not met), or cannot tell
    evidence: tuple[Evidence, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.text,
            "recorded": self.truth.status,
            "evidence": [e.to_dict() for e in self.evidence],
            "note": self.note or None,
        }


@dataclass(frozen=True, slots=True)
class CaptureStatus:
    item: DataItem
    state: CaptureState
    evidence: tuple[Evidence, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item.id,
            "label": self.item.label,
            "state": self.state.value,
            "evidence": [e.to_dict() for e in self.evidence],
            "note": self.note or None,
        }


@dataclass(frozen=True, slots=True)
class StepStatus:
    step: Step
    state: StepState
    first_day: date | None  # treatment: the period; assessment: the visit window; event: when detected
    last_day: date | None
    due: date | None = None  # an assessment's due date
    on: date | None = None  # the visit or the detected event
    actions: tuple[ActionStatus, ...] = ()
    captures: tuple[CaptureStatus, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        s = self.step
        return {
            "step": s.id,
            "label": s.label,
            "kind": s.kind.value,
            "optional": s.optional,
            "day": s.day,
            "until_day": s.until_day,
            "window_days": [s.day - s.window_before, s.day + s.window_after] if s.kind is StepKind.ASSESSMENT else None,
            "state": self.state.value,
            "from": _iso(self.first_day),
            "to": _iso(self.last_day),
            "due": _iso(self.due),
            "on": _iso(self.on),
            "basis": s.source.basis.value,
            "source": s.source.text or None,
            "window_basis": s.window_source.describe() if s.window_source else None,
            "actions": [a.to_dict() for a in self.actions],
            "captures": [c.to_dict() for c in self.captures],
            "evidence": [e.to_dict() for e in self.evidence],
            "note": self.note or None,
        }


# ---------------------------------------------------------------- targets


class TargetState(enum.Enum):
    MET = "met"
    MISSED = "missed"
    NOT_YET_ASSESSABLE = "not_yet_assessable"  # the window has not closed and the target is not met so far
    INDETERMINATE = "indeterminate"  # the window closed and the record cannot tell
    NOT_APPLICABLE = "not_applicable"  # nothing to judge (every value was normal at entry)


@dataclass(frozen=True, slots=True)
class TargetItem:
    """One analyte of a :class:`~remit.protocols.model.Normalises` target."""

    analyte: str
    label: str
    judged: bool
    truth: Truth | None
    evidence: tuple[Evidence, ...]
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "analyte": self.analyte,
            "label": self.label,
            "judged": self.judged,
            "status": _truth(self.truth),
            "evidence": [e.to_dict() for e in self.evidence],
            "note": self.note or None,
        }


@dataclass(frozen=True, slots=True)
class TargetStatus:
    target: Target
    state: TargetState
    window: tuple[date, date] | None
    due: date | None
    met_on: date | None = None
    evidence: tuple[Evidence, ...] = ()
    decisive_unknowns: tuple[str, ...] = ()
    items: tuple[TargetItem, ...] = ()
    note: str = ""
    escalation: str | None = None  # the protocol's text, when missed

    @property
    def met_day(self) -> int | None:
        if self.met_on is None or self.due is None:
            return None
        return self.target.day - (self.due - self.met_on).days

    def to_dict(self) -> dict[str, Any]:
        t = self.target
        return {
            "target": t.id,
            "label": t.label,
            "day": t.day,
            "window_days": [t.day - t.window_before, t.day + t.window_after],
            "state": self.state.value,
            "window": [self.window[0].isoformat(), self.window[1].isoformat()] if self.window else None,
            "due": _iso(self.due),
            "met_on": _iso(self.met_on),
            "met_day": self.met_day,
            "basis": t.source.basis.value,
            "source": t.source.text or None,
            "evidence": [e.to_dict() for e in self.evidence],
            "decisive_unknowns": list(self.decisive_unknowns),
            "items": [i.to_dict() for i in self.items],
            "note": self.note or None,
            "escalation": self.escalation,
            "escalation_basis": t.on_miss.source.describe(),
        }


# ---------------------------------------------------------------- status


class Severity(enum.Enum):
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Alert:
    code: str  # stable: target_missed, assessment_overdue, data_missing, ...
    severity: Severity
    message: str
    ref: str | None = None  # the step or target id

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message, "ref": self.ref}


@dataclass(frozen=True, slots=True)
class ProtocolStatus:
    protocol: Protocol
    patient: str
    today: date
    start: date | None
    start_evidence: tuple[Evidence, ...]
    eligibility: EligibilityStatus | None
    steps: tuple[StepStatus, ...]
    targets: tuple[TargetStatus, ...]
    alerts: tuple[Alert, ...]
    next_action: str
    current_step: str | None
    due: tuple[str, ...]

    @property
    def day(self) -> int | None:
        """Today's protocol day (day 0 = the start event)."""
        return None if self.start is None else (self.today - self.start).days

    def step(self, step_id: str) -> StepStatus:
        for status in self.steps:
            if status.step.id == step_id:
                return status
        raise KeyError(step_id)

    def target(self, target_id: str) -> TargetStatus:
        for status in self.targets:
            if status.target.id == target_id:
                return status
        raise KeyError(target_id)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document of ``remit protocol status --json``."""
        p = self.protocol
        return {
            "protocol": p.id,
            "version": p.version,
            "title": p.title,
            "kind": p.kind,
            "citation": p.citation.describe(),
            "doi": p.citation.doi,
            "patient": self.patient,
            "today": self.today.isoformat(),
            "start": _iso(self.start),
            "start_event": p.start.label,
            "day": self.day,
            "start_evidence": [e.to_dict() for e in self.start_evidence],
            "eligibility": self.eligibility.to_dict() if self.eligibility else None,
            "current_step": self.current_step,
            "steps": [s.to_dict() for s in self.steps],
            "targets": [t.to_dict() for t in self.targets],
            "due": list(self.due),
            "alerts": [a.to_dict() for a in self.alerts],
            "next_action": self.next_action,
            "parameters": dict(p.parameters),
            "caveats": list(p.caveats),
        }


__all__ = [
    "ActionStatus",
    "Alert",
    "CaptureState",
    "CaptureStatus",
    "CriterionAssessment",
    "EligibilityStatus",
    "ProtocolStatus",
    "Severity",
    "StepState",
    "StepStatus",
    "TargetItem",
    "TargetState",
    "TargetStatus",
]
