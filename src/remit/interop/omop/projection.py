"""Exactly what of a record survives an OMOP export and import.

``read_omop(export(r)) == representable(r)`` for every record remit builds
(with the shipped map and the ``remit_source_key`` table); the tests check it
on random records. Kept: the patient's id, site, sex, birth and ethnicity;
the follow-up period (the first to last fact when none was declared); diagnoses
with an onset, recorded date or period to date them (onset becomes that date,
codings the condition's own); visits (an end equal to the start is dropped),
with weight and height; every lab, score and qualitative test with the value
and unit as entered and the reference range (its source becomes
"laboratory"; qualitative tests lose theirs); findings with their value
(without a reference range); courses with drug, route, dates, stop reason and
dosing steps (amount, unit, frequency).

Lost: genotypes, episodes, diary days, adverse events, free text (notes,
sources, dose texts), diagnosis record dates and extra codings, finding
attributes, course indications and switches, dose counts, displays of
received codes.
"""

from __future__ import annotations

from dataclasses import replace

from remit.core.analytes import LOCAL_SYSTEM, ValueKind, analyte
from remit.core.codes import LOINC, Coding
from remit.core.conditions import CONDITIONS
from remit.core.measurements import Measurement, ReferenceRange, measure
from remit.core.record import Diagnosis, Dose, Encounter, Finding, MedicationCourse, Observation, Patient, PatientRecord
from remit.interop.omop.reading import SOURCE_VALUE_SYSTEM


def representable(record: PatientRecord) -> PatientRecord:
    span = record.coverage()
    p = record.patient
    return PatientRecord(
        patient=Patient(p.id, p.site, p.sex, p.birth, ethnicity=p.ethnicity),
        diagnoses=tuple(d for d in (_diagnosis(d, span[0] if span else None) for d in record.diagnoses) if d),
        encounters=tuple(_encounter(e) for e in record.encounters),
        observations=tuple(_observation(o) for o in record.observations),
        findings=tuple(_finding(f) for f in record.findings),
        medications=tuple(_course(m) for m in record.medications),
        follow_up=span,
    )


def _diagnosis(d: Diagnosis, period_start: object) -> Diagnosis | None:
    start = d.onset or d.recorded or period_start
    if start is None:
        return None
    return Diagnosis(d.id, d.condition, start, d.status, CONDITIONS[d.condition].codings)  # type: ignore[arg-type]


def _encounter(e: Encounter) -> Encounter:
    weight = _again(e.weight, _laboratory(e.weight.reference)) if e.weight is not None else None
    height = _again(e.height, _laboratory(e.height.reference)) if e.height is not None else None
    return replace(e, end=None if e.end == e.date else e.end, weight=weight, height=height, note=None)


def _laboratory(reference: ReferenceRange | None) -> ReferenceRange | None:
    """OMOP keeps a range's limits, not its source."""
    return None if reference is None else ReferenceRange(reference.low, reference.high)


def _observation(o: Observation) -> Observation:
    spec = analyte(o.analyte)
    m = o.measurement
    reference = _laboratory(m.reference) if spec.kind is ValueKind.NUMERIC else None
    code = None
    if o.code is not None and o.code.code not in (spec.code, spec.id):
        if o.code.code in spec.alternate_codes:
            code = Coding(LOINC if spec.system == LOINC else LOCAL_SYSTEM, o.code.code)
        else:
            code = Coding(SOURCE_VALUE_SYSTEM, o.code.code)
    return replace(o, measurement=_again(m, reference), source=None, code=code)


def _again(m: Measurement, reference: ReferenceRange | None) -> Measurement:
    return measure(m.analyte, m.text, m.unit, reference=reference)


def _finding(f: Finding) -> Finding:
    value = _again(f.value, None) if f.value is not None else None
    return replace(f, value=value, attributes=(), note=None)


def _course(m: MedicationCourse) -> MedicationCourse:
    doses = tuple(Dose(d.start, d.amount, d.unit, d.frequency) for d in m.doses)
    return MedicationCourse(m.id, m.drug, m.route, m.start, doses, m.stop, m.stop_reason)
