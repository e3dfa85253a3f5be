"""Hypothesis strategies: random patients shaped by what a definition reads.

Values cluster around the definition's own thresholds (exactly on, just above,
just below), censored and qualitative results appear, and every kind of data
is randomly missing - the cases where two engines are most likely to differ.

Item ids carry their kind (``obs-``, ``finding-``): ids must be unique across a
record, and a name can be both an analyte and a finding kind
(``morning_stiffness``). Plain ``<name><n>`` ids once made every draw for the
inactive-disease instruments raise ``RecordError`` - which the differential
test had recorded as a compiled/interpreted disagreement.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from remit.core.analytes import ANALYTES, ValueKind
from remit.core.findings import FINDING_KINDS
from remit.core.measurements import ReferenceRange, measure
from remit.core.medications import MedicationCourse, Route
from remit.core.record import (
    AIDAI_ITEMS,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    EpisodeKind,
    Finding,
    Genotype,
    GenotypeClass,
    Observation,
    Patient,
    PatientRecord,
    Sex,
)
from remit.rules import ast
from remit.rules.check import required_inputs
from remit.rules.interpret import iter_nodes

INDEX = date(2020, 6, 15)


def _thresholds(definition: ast.Criterion) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    roots: list[ast.Node] = [definition.rule] + ([definition.score] if definition.score else [])
    for root in roots:
        for node in iter_nodes(root):
            if isinstance(node, ast.Compare) and isinstance(node.value, ast.Measure):
                found.setdefault(node.value.analyte, []).append(node.threshold)
    return found


def _attribute_values(definition: ast.Criterion) -> dict[str, list[Any]]:
    values: dict[str, list[Any]] = {}
    roots: list[ast.Node] = [definition.rule] + ([definition.score] if definition.score else [])
    for root in roots:
        for node in iter_nodes(root):
            tests = getattr(node, "attributes", ())
            for test in tests:
                options = values.setdefault(test.name, [])
                if isinstance(test.value, tuple):
                    options.extend(test.value)
                elif isinstance(test.value, int | float) and not isinstance(test.value, bool):
                    options.extend([test.value, test.value - 0.5, test.value + 0.5])
                else:
                    options.append(test.value)
                options.append("other")
    return values


@st.composite
def _value(draw: st.DrawFn, analyte: str, thresholds: list[float]) -> tuple[str, str | None, ReferenceRange | None]:
    spec = ANALYTES[analyte]
    unit = None if spec.canonical_unit == "1" else spec.canonical_unit
    if spec.kind is ValueKind.QUALITATIVE:
        return draw(st.sampled_from(["positive", "negative", "low", "normal"])), unit, None
    low = spec.plausible_low if spec.plausible_low is not None else 0.0
    high = spec.plausible_high if spec.plausible_high is not None else 1e6
    centre = draw(st.sampled_from(thresholds)) if thresholds else (low + min(high, low + 100)) / 2
    offset = draw(st.sampled_from([0.0, 1.0, -1.0, 0.5, -0.5, 10.0, -10.0, 0.1]))
    number = min(max(centre + offset, low), high)
    kind = draw(st.sampled_from(["exact", "exact", "exact", "censored", "qualitative"]))
    if kind == "censored":
        sign = draw(st.sampled_from([">", "<", ">=", "<="]))
        return f"{sign}{number:g}", unit, None
    if kind == "qualitative":
        ref = None
        if draw(st.booleans()):
            ref = ReferenceRange(number - 1 if number - 1 >= low else low, number + 1, "assumed")
        return draw(st.sampled_from(["low", "normal", "high"])), unit, ref
    return f"{number:g}", unit, None


def _day(draw: st.DrawFn, span: int = 20) -> date:
    return INDEX + timedelta(days=draw(st.integers(-span, 2)))


@st.composite
def patient_for(draw: st.DrawFn, definition: ast.Criterion, person_id: str) -> PatientRecord:
    inputs = required_inputs(definition)
    thresholds = _thresholds(definition)
    attribute_values = _attribute_values(definition)
    long_span = any(
        isinstance(n, ast.Sustained | ast.RunLength)
        for root in [definition.rule] + ([definition.score] if definition.score else [])
        for n in iter_nodes(root)
    )
    span = 400 if long_span else 40
    birth = None
    if draw(st.booleans()) or "patient" in inputs:
        year = draw(st.integers(2001, 2019))
        birth = BirthDate(year, draw(st.integers(1, 12)), draw(st.one_of(st.none(), st.integers(1, 28))))
    genotypes = tuple(
        Genotype(gene, "v", classification=draw(st.sampled_from(list(GenotypeClass))))
        for gene in sorted(inputs["genes"])
        if draw(st.booleans())
    )
    patient = Patient(person_id, "test", draw(st.sampled_from(list(Sex))), birth, genotypes)
    diagnoses = tuple(
        Diagnosis(f"dx{i}", condition, onset=draw(st.one_of(st.none(), st.just(_day(draw, span)))))
        for i, condition in enumerate(sorted(inputs["conditions"] | {"fmf"}))
        if draw(st.booleans())
    )
    observations = []
    for analyte in sorted(inputs["analytes"]):
        for j in range(draw(st.integers(0, 3))):
            text, unit, ref = draw(_value(analyte, thresholds.get(analyte, [])))
            m = measure(analyte, text, unit, reference=ref)
            observations.append(Observation(f"obs-{analyte}{j}", m, _day(draw, span)))
    findings = []
    for kind in sorted(inputs["findings"]):
        spec = FINDING_KINDS[kind]
        for j in range(draw(st.integers(0, 3))):
            start = _day(draw, span)
            end = draw(st.one_of(st.none(), st.integers(0, 60).map(lambda d, s=start: s + timedelta(days=d))))
            attributes = tuple(
                (name, draw(st.sampled_from(attribute_values[name])))
                for name in spec.attributes
                if name in attribute_values and draw(st.booleans())
            )
            value = None
            if spec.value_analyte and draw(st.booleans()):
                text, unit, _ = draw(_value(spec.value_analyte, thresholds.get(spec.value_analyte, [])))
                if not text[0].isalpha():
                    value = measure(spec.value_analyte, text, unit)
            findings.append(Finding(f"finding-{kind}{j}", kind, start, draw(st.booleans()), end, value, attributes))
    episodes = []
    features = sorted(FINDING_KINDS)
    for kind_name in sorted(inputs["episodes"]):
        for j in range(draw(st.integers(0, 4))):
            start = _day(draw, span)
            end = draw(st.one_of(st.none(), st.integers(0, 9).map(lambda d, s=start: s + timedelta(days=d))))
            hours = draw(st.one_of(st.none(), st.sampled_from([5.0, 6.0, 12.0, 24.0, 48.0, 72.0, 73.0, 200.0])))
            feats = tuple(draw(st.lists(st.sampled_from(features), max_size=3, unique=True)))
            attributes = tuple(
                (name, draw(st.sampled_from(options)))
                for name, options in sorted(attribute_values.items())
                if draw(st.booleans())
            )
            episodes.append(Episode(f"{kind_name}{j}", EpisodeKind(kind_name), start, end, feats, attributes, hours))
    medications = []
    for j, drug in enumerate(sorted(inputs["drugs"])):
        if draw(st.booleans()):
            start = _day(draw, span)
            stop = draw(st.one_of(st.none(), st.integers(0, 200).map(lambda d, s=start: s + timedelta(days=d))))
            medications.append(MedicationCourse(f"m{j}", drug, Route.SC, start, (), stop))
    diary = []
    if inputs["diary"]:
        for offset in range(-35, 1):
            if draw(st.integers(0, 4)) == 0:
                continue
            answers = tuple((item, draw(st.booleans())) for item in AIDAI_ITEMS if draw(st.integers(0, 5)) > 0)
            diary.append(DiaryDay(INDEX + timedelta(days=offset), answers))
    encounters = tuple(
        Encounter(f"e{j}", INDEX - timedelta(days=draw(st.integers(0, span)))) for j in range(draw(st.integers(0, 6)))
    )
    follow_up = None
    if draw(st.booleans()):
        follow_up = (
            INDEX - timedelta(days=draw(st.integers(0, 500))),
            INDEX + timedelta(days=draw(st.integers(0, 30))),
        )
    return PatientRecord(
        patient,
        diagnoses,
        encounters,
        tuple(observations),
        tuple(findings),
        tuple(medications),
        tuple(episodes),
        (),
        tuple(diary),
        follow_up,
    )


def baseline_for(definition: ast.Criterion) -> date | None:
    return INDEX - timedelta(days=90) if definition.needs_baseline else None
