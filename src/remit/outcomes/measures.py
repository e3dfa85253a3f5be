"""Named measures read at an assessment (the variables of Tables 2 and 3).

A measure is either a laboratory or clinical value recorded on the day (read
as its canonical number), or the score or status of a definition evaluated by
the criteria engine on the day (the AIDAI of the diary month before the visit,
arthritis present). :func:`measure_at` returns the value with its evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from remit.core.analytes import analyte as analyte_spec
from remit.core.record import PatientRecord
from remit.core.truth import Truth
from remit.outcomes.definitions import AIDAI_BEFORE_VISIT, ARTHRITIS
from remit.outcomes.explain import Derived, Explanation, InstrumentUse, observation_evidence
from remit.rules import ast
from remit.rules.interpret import evaluate


@dataclass(frozen=True, slots=True)
class Measure:
    """A variable of the analysis: an analyte on the day, or a definition evaluated on the day."""

    name: str
    label: str
    unit: str
    analyte: str | None = None
    definition: ast.Criterion | None = None
    binary: bool = False  # the definition's status (1 met, 0 not met) rather than its score

    def at(self, record: PatientRecord, day: date) -> Derived[float | None]:
        return measure_at(record, self, day)


def _lab(name: str, label: str | None = None) -> Measure:
    spec = analyte_spec(name)
    return Measure(name, label or spec.name, spec.canonical_unit, analyte=name)


MEASURES: Mapping[str, Measure] = MappingProxyType(
    {
        m.name: m
        for m in (
            Measure("aidai", "AIDAI (30 days before the visit)", "points", definition=AIDAI_BEFORE_VISIT),
            _lab("crp", "C-reactive protein"),
            _lab("esr", "Erythrocyte sedimentation rate"),
            _lab("platelets", "Platelet count"),
            _lab("ferritin", "Ferritin"),
            _lab("haemoglobin", "Haemoglobin"),
            _lab("wbc", "White blood cell count"),
            _lab("physician_global", "Physician's global assessment (0-10)"),
            _lab("patient_global", "Patient's global assessment (0-10)"),
            _lab("active_joint_count", "Active joint count"),
            Measure("arthritis", "Presence of arthritis", "yes/no", definition=ARTHRITIS, binary=True),
        )
    }
)


def measure(name: str) -> Measure:
    try:
        return MEASURES[name]
    except KeyError:
        raise ValueError(f"unknown measure {name!r}; known: {', '.join(MEASURES)}") from None


def measure_at(record: PatientRecord, spec: Measure, day: date) -> Derived[float | None]:
    """The measure on ``day``: the last exact value recorded that day, or the definition's score/status."""
    if spec.analyte is not None:
        rows = record.values(spec.analyte, day, day)
        if not rows:
            return Derived(None, Explanation(f"no {spec.analyte} recorded on {day.isoformat()}"))
        obs = rows[-1]
        value = obs.measurement.value
        text = (
            f"{spec.analyte} {obs.measurement.describe()} on {day.isoformat()}"
            if value is not None
            else f"{spec.analyte} {obs.measurement.describe()} on {day.isoformat()} is not an exact number"
        )
        return Derived(value, Explanation(text, (observation_evidence(obs),)))
    assert spec.definition is not None, "a measure is an analyte or a definition"
    result = evaluate(spec.definition, record, day)
    use = (InstrumentUse.of(result),)
    evidence = result.outcome.all_evidence()
    if spec.binary:
        numbers = {Truth.TRUE: 1.0, Truth.FALSE: 0.0, Truth.UNKNOWN: None}
        return Derived(
            numbers[result.truth],
            Explanation(f"{spec.definition.id} {result.status} on {day.isoformat()}", evidence, use),
        )
    score = result.score
    if score is None or not score.is_point:
        shown = "not available" if score is None else f"only bounded ({score.describe()})"
        return Derived(None, Explanation(f"{spec.definition.id} {shown} on {day.isoformat()}", evidence, use))
    return Derived(score.low, Explanation(f"{spec.definition.id} {score.low:g} on {day.isoformat()}", evidence, use))
