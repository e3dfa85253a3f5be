"""Derived values that carry their explanation.

Every value the outcome code derives is a :class:`Derived`: the value, a
sentence saying why, the facts it rests on (the criteria engine's
:class:`~remit.rules.interpret.Evidence`: observations, findings, episodes,
courses, adverse events) and the instrument results used (id, version,
content hash, status and score as of a date).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from remit.core.analytes import analyte as analyte_spec
from remit.core.medications import MedicationCourse
from remit.core.record import (
    AdverseEvent,
    Observation,
)
from remit.rules.interpret import Evidence, Result
from remit.rules.serialize import content_hash

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InstrumentUse:
    """One evaluation of a definition that a derived value rests on."""

    instrument: str
    version: str
    content_hash: str
    as_of: date
    status: str
    score: tuple[float, float] | None = None
    baseline: date | None = None

    @classmethod
    def of(cls, result: Result) -> InstrumentUse:
        score = None
        if result.score is not None:
            score = (result.score.low, result.score.high)
        d = result.definition
        return cls(d.id, d.version, content_hash(d), result.index_date, result.status, score, result.baseline_date)

    def describe(self) -> str:
        text = f"{self.instrument} {self.status.replace('_', ' ')} on {self.as_of.isoformat()}"
        if self.score is not None:
            low, high = self.score
            text += f" (score {_number(low)})" if low == high else f" (score {_number(low)}–{_number(high)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "content_hash": self.content_hash,
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "score": None if self.score is None else [_finite(x) for x in self.score],
        }


def _number(x: float) -> str:
    return f"{x:g}" if math.isfinite(x) else ("∞" if x > 0 else "-∞")


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a derived value is what it is."""

    text: str
    evidence: tuple[Evidence, ...] = ()
    instruments: tuple[InstrumentUse, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "instruments": [i.to_dict() for i in self.instruments],
            "evidence": [
                {"kind": e.kind, "ref": e.ref, "date": e.date.isoformat() if e.date else None, "text": e.text}
                for e in self.evidence
            ],
        }


@dataclass(frozen=True, slots=True)
class Derived(Generic[T]):
    """A derived value and its explanation."""

    value: T
    because: Explanation


def course_evidence(course: MedicationCourse) -> Evidence:
    stop = course.stop.isoformat() if course.stop else "ongoing"
    reason = f", stopped for {course.stop_reason.value}" if course.stop_reason else ""
    switched = f", switched to {course.switched_to}" if course.switched_to else ""
    return Evidence(
        "medication", course.id, course.start, f"{course.drug} {course.start.isoformat()}..{stop}{reason}{switched}"
    )


def observation_evidence(obs: Observation) -> Evidence:
    """The evidence of an observation, in the criteria engine's format."""
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


def adverse_event_evidence(event: AdverseEvent) -> Evidence:
    serious = f", serious ({', '.join(sorted(c.value for c in event.serious_criteria))})" if event.serious else ""
    drug = f", suspected drug {event.drug}" if event.drug else ""
    return Evidence(
        "adverse_event",
        event.id,
        event.onset,
        f"{event.term} from {event.onset.isoformat()}{serious}{drug}, relatedness "
        f"{event.relatedness.value}, outcome {event.outcome.value}",
    )


def unique(evidence: list[Evidence] | tuple[Evidence, ...]) -> tuple[Evidence, ...]:
    """Evidence without repeats, in first-seen order."""
    seen: dict[tuple[str, str], Evidence] = {}
    for item in evidence:
        seen.setdefault((item.kind, item.ref), item)
    return tuple(seen.values())
