"""Translate a ``PatientRecord`` into table rows and back.

Writing stores each measurement as entered (text, unit) and its derived
canonical columns; reading rebuilds every measurement with
:func:`remit.core.measurements.measure` from the as-entered columns, so a loaded
record is exactly the saved one and is re-validated by the current unit and
plausibility rules. A stored value those rules no longer accept is reported,
naming the patient and the fact, rather than silently loaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

from remit.core.codes import Coding
from remit.core.measurements import Measurement, ReferenceRange, measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    AdverseEvent,
    AdverseEventOutcome,
    Attribute,
    BirthDate,
    Diagnosis,
    DiagnosisStatus,
    DiaryDay,
    Encounter,
    EncounterKind,
    Episode,
    EpisodeKind,
    Finding,
    Genotype,
    GenotypeClass,
    Observation,
    Patient,
    PatientRecord,
    Relatedness,
    SeriousCriterion,
    Sex,
    Zygosity,
)
from remit.errors import RecordError, RemitError
from remit.persistence.tables import (
    AdverseEventRow,
    DiagnosisCodingRow,
    DiagnosisRow,
    DiaryAnswerRow,
    DiaryDayRow,
    DoseRow,
    EncounterRow,
    EpisodeAttributeRow,
    EpisodeFeatureRow,
    EpisodeRow,
    FindingAttributeRow,
    FindingRow,
    GenotypeRow,
    MedicationCourseRow,
    ObservationRow,
    PatientRow,
    SeriousCriterionRow,
)

# ----- domain -> rows ------------------------------------------------------


def fill_patient_row(row: PatientRow, record: PatientRecord) -> None:
    """Set every column and child collection of ``row`` from ``record``.

    The caller owns identity (``pseudonym``), site, version and timestamps.
    """
    patient = record.patient
    row.sex = patient.sex.value
    row.birth_year = patient.birth.year if patient.birth else None
    row.birth_month = patient.birth.month if patient.birth else None
    row.birth_day = patient.birth.day if patient.birth else None
    row.ethnicity = patient.ethnicity
    row.note = patient.note
    row.follow_up_start, row.follow_up_end = record.follow_up or (None, None)
    row.genotypes = genotype_rows(patient)
    row.diagnoses = [_diagnosis_row(i, d) for i, d in enumerate(record.diagnoses)]
    row.encounters = [_encounter_row(e) for e in record.encounters]
    row.observations = [_observation_row(o) for o in record.observations]
    row.findings = [_finding_row(f) for f in record.findings]
    row.medications = [_course_row(m) for m in record.medications]
    row.episodes = [_episode_row(e) for e in record.episodes]
    row.adverse_events = [_adverse_event_row(a) for a in record.adverse_events]
    row.diary = [_diary_row(i, d) for i, d in enumerate(record.diary)]


def item_rows(section: str, items: tuple[Any, ...], first: int = 0) -> list[Any]:
    """The rows of ``items`` of one record section (``encounters``, ``diary`` ...), without
    ``patient_id``; ``first`` is the position of the first item where the section keeps one."""
    if section in ("diagnoses", "diary"):
        build = _diagnosis_row if section == "diagnoses" else _diary_row
        return [build(first + i, item) for i, item in enumerate(items)]
    return [SECTION_ROWS[section](item) for item in items]


def genotype_rows(patient: Patient) -> list[GenotypeRow]:
    return [
        GenotypeRow(
            position=i, gene=g.gene, variant=g.variant, zygosity=g.zygosity.value, classification=g.classification.value
        )
        for i, g in enumerate(patient.genotypes)
    ]


def _diagnosis_row(position: int, d: Diagnosis) -> DiagnosisRow:
    return DiagnosisRow(
        position=position,
        key=d.id,
        condition=d.condition,
        onset_date=d.onset,
        status=d.status.value,
        recorded_on=d.recorded,
        note=d.note,
        codings=[
            DiagnosisCodingRow(position=i, system=c.system, code=c.code, display=c.display)
            for i, c in enumerate(d.codings)
        ],
    )


def _encounter_row(e: Encounter) -> EncounterRow:
    weight, height = _body_measure(e, "weight"), _body_measure(e, "height")
    weight_ref, height_ref = _reference_columns(weight), _reference_columns(height)
    return EncounterRow(
        key=e.id,
        encounter_date=e.date,
        kind=e.kind.value,
        schedule_month=e.month,
        end_date=e.end,
        note=e.note,
        weight_text=weight.text if weight else None,
        weight_unit=weight.unit if weight else None,
        weight_kg=weight.value if weight else None,
        weight_reference_low=weight_ref[0],
        weight_reference_high=weight_ref[1],
        weight_reference_source=weight_ref[2],
        height_text=height.text if height else None,
        height_unit=height.unit if height else None,
        height_cm=height.value if height else None,
        height_reference_low=height_ref[0],
        height_reference_high=height_ref[1],
        height_reference_source=height_ref[2],
    )


def _body_measure(e: Encounter, name: str) -> Measurement | None:
    m: Measurement | None = getattr(e, name)
    if m is not None and m.analyte != name:
        raise RecordError(f"encounter {e.id}: the {name} field holds a {m.analyte} value", field="encounters")
    return m


def _reference_columns(m: Measurement | None) -> tuple[float | None, float | None, str | None]:
    """(low, high, source) of the canonical reference range; source is NULL iff there is none."""
    if m is None or m.reference is None:
        return (None, None, None)
    return (m.reference.low, m.reference.high, m.reference.source)


def _bound(x: float) -> float | None:
    """Infinite interval ends are stored as NULL, which SQL reads as 'no bound'."""
    return None if math.isinf(x) else x


def _observation_row(o: Observation) -> ObservationRow:
    m = o.measurement
    reference = _reference_columns(m)
    return ObservationRow(
        key=o.id,
        analyte=m.analyte,
        value_text=m.text,
        unit=m.unit,
        ucum=m.ucum,
        comparator=m.comparator.value if m.comparator else None,
        number=m.number,
        qualitative=m.qualitative.value if m.qualitative else None,
        low=_bound(m.interval.low),
        high=_bound(m.interval.high),
        low_closed=m.interval.low_closed,
        high_closed=m.interval.high_closed,
        reference_low=reference[0],
        reference_high=reference[1],
        reference_source=reference[2],
        observed_on=o.date,
        observed_time=o.time,
        encounter_key=o.encounter,
        source=o.source,
        code_system=o.code.system if o.code else None,
        code=o.code.code if o.code else None,
        code_display=o.code.display if o.code else None,
    )


def _finding_row(f: Finding) -> FindingRow:
    v = f.value
    reference = _reference_columns(v)
    return FindingRow(
        key=f.id,
        kind=f.kind,
        start_date=f.start,
        end_date=f.end,
        present=f.present,
        value_analyte=v.analyte if v else None,
        value_text=v.text if v else None,
        value_unit=v.unit if v else None,
        value_low=_bound(v.interval.low) if v else None,
        value_high=_bound(v.interval.high) if v else None,
        value_low_closed=v.interval.low_closed if v else None,
        value_high_closed=v.interval.high_closed if v else None,
        value_reference_low=reference[0],
        value_reference_high=reference[1],
        value_reference_source=reference[2],
        encounter_key=f.encounter,
        note=f.note,
        attributes=[FindingAttributeRow(position=i, name=k, **_typed(val)) for i, (k, val) in enumerate(f.attributes)],
    )


def _course_row(m: MedicationCourse) -> MedicationCourseRow:
    return MedicationCourseRow(
        key=m.id,
        drug=m.drug,
        route=m.route.value,
        start_date=m.start,
        stop_date=m.stop,
        stop_reason=m.stop_reason.value if m.stop_reason else None,
        switched_to=m.switched_to,
        indication=m.indication,
        note=m.note,
        doses=[
            DoseRow(
                position=i,
                start_date=d.start,
                amount=d.amount,
                unit=d.unit,
                frequency=d.frequency.value,
                text=d.text,
                count=d.count,
            )
            for i, d in enumerate(m.doses)
        ],
    )


def _episode_row(e: Episode) -> EpisodeRow:
    return EpisodeRow(
        key=e.id,
        kind=e.kind.value,
        start_date=e.start,
        end_date=e.end,
        duration_hours=e.duration_hours,
        note=e.note,
        features=[EpisodeFeatureRow(position=i, feature=name) for i, name in enumerate(e.features)],
        attributes=[EpisodeAttributeRow(position=i, name=k, **_typed(val)) for i, (k, val) in enumerate(e.attributes)],
    )


def _typed(value: str | int | float | bool) -> dict[str, str]:
    """An attribute value as (value_type, value) text; ``repr`` keeps every float digit."""
    if isinstance(value, bool):
        return {"value_type": "boolean", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"value_type": "integer", "value": str(value)}
    if isinstance(value, float):
        return {"value_type": "number", "value": repr(value)}
    return {"value_type": "text", "value": value}


def _adverse_event_row(a: AdverseEvent) -> AdverseEventRow:
    return AdverseEventRow(
        key=a.id,
        term=a.term,
        onset_date=a.onset,
        end_date=a.end,
        relatedness=a.relatedness.value,
        outcome=a.outcome.value,
        drug=a.drug,
        note=a.note,
        serious_criteria=[SeriousCriterionRow(criterion=c.value) for c in sorted(a.serious_criteria, key=_value)],
    )


def _value(c: SeriousCriterion) -> str:
    return c.value


def _diary_row(position: int, d: DiaryDay) -> DiaryDayRow:
    return DiaryDayRow(
        position=position,
        diary_date=d.date,
        pain_relief=d.pain_relief,
        answers=[DiaryAnswerRow(position=i, item=item, answer=answer) for i, (item, answer) in enumerate(d.items)],
    )


SECTION_ROWS: dict[str, Callable[[Any], Any]] = {
    "encounters": _encounter_row,
    "observations": _observation_row,
    "findings": _finding_row,
    "medications": _course_row,
    "episodes": _episode_row,
    "adverse_events": _adverse_event_row,
}


# ----- rows -> domain ------------------------------------------------------


def record_from_row(row: PatientRow) -> PatientRecord:
    """The domain record for a fully loaded ``row`` (see ``repositories.LOAD_ALL``)."""
    patient = Patient(
        id=row.pseudonym,
        site=row.site.code,
        sex=Sex(row.sex),
        birth=_birth(row),
        genotypes=tuple(
            Genotype(g.gene, g.variant, Zygosity(g.zygosity), GenotypeClass(g.classification)) for g in row.genotypes
        ),
        ethnicity=row.ethnicity,
        note=row.note,
    )
    follow_up: tuple[date, date] | None = None
    if row.follow_up_start is not None and row.follow_up_end is not None:
        follow_up = (row.follow_up_start, row.follow_up_end)
    where = f"stored patient {row.pseudonym}"
    return PatientRecord(
        patient=patient,
        diagnoses=tuple(_diagnosis(d) for d in row.diagnoses),
        encounters=tuple(_encounter(e, where) for e in row.encounters),
        observations=tuple(_observation(o, where) for o in row.observations),
        findings=tuple(_finding(f, where) for f in row.findings),
        medications=tuple(_course(m) for m in row.medications),
        episodes=tuple(_episode(e) for e in row.episodes),
        adverse_events=tuple(_adverse_event(a) for a in row.adverse_events),
        diary=tuple(
            DiaryDay(d.diary_date, tuple((a.item, a.answer) for a in d.answers), d.pain_relief) for d in row.diary
        ),
        follow_up=follow_up,
    )


def _birth(row: PatientRow) -> BirthDate | None:
    if row.birth_year is None or row.birth_month is None:
        return None
    return BirthDate(row.birth_year, row.birth_month, row.birth_day)


def _diagnosis(d: DiagnosisRow) -> Diagnosis:
    return Diagnosis(
        id=d.key,
        condition=d.condition,
        onset=d.onset_date,
        status=DiagnosisStatus(d.status),
        codings=tuple(Coding(c.system, c.code, c.display) for c in d.codings),
        recorded=d.recorded_on,
        note=d.note,
    )


def _remeasure(
    analyte: str, text: str, unit: str | None, where: str, reference: ReferenceRange | None = None
) -> Measurement:
    try:
        return measure(analyte, text, unit, reference=reference)
    except RemitError as exc:
        raise RecordError(f"{where}: {exc} (stored as {text!r} {unit or ''}); correct the record", field=where) from exc


def _reference(low: float | None, high: float | None, source: str | None) -> ReferenceRange | None:
    """Reference ranges are stored canonical, so they are rebuilt as stored."""
    return ReferenceRange(low, high, source) if source is not None else None


def _encounter(e: EncounterRow, where: str) -> Encounter:
    at = f"{where}, encounter {e.key}"
    weight = height = None
    if e.weight_text is not None:
        reference = _reference(e.weight_reference_low, e.weight_reference_high, e.weight_reference_source)
        weight = _remeasure("weight", e.weight_text, e.weight_unit, at, reference)
    if e.height_text is not None:
        reference = _reference(e.height_reference_low, e.height_reference_high, e.height_reference_source)
        height = _remeasure("height", e.height_text, e.height_unit, at, reference)
    return Encounter(
        id=e.key,
        date=e.encounter_date,
        kind=EncounterKind(e.kind),
        month=e.schedule_month,
        weight=weight,
        height=height,
        end=e.end_date,
        note=e.note,
    )


def _observation(o: ObservationRow, where: str) -> Observation:
    reference = _reference(o.reference_low, o.reference_high, o.reference_source)
    code = Coding(o.code_system, o.code, o.code_display) if o.code_system is not None and o.code is not None else None
    return Observation(
        id=o.key,
        measurement=_remeasure(o.analyte, o.value_text, o.unit, f"{where}, observation {o.key}", reference),
        date=o.observed_on,
        time=o.observed_time,
        encounter=o.encounter_key,
        source=o.source,
        code=code,
    )


def _finding(f: FindingRow, where: str) -> Finding:
    value = None
    if f.value_analyte is not None and f.value_text is not None:
        reference = _reference(f.value_reference_low, f.value_reference_high, f.value_reference_source)
        value = _remeasure(f.value_analyte, f.value_text, f.value_unit, f"{where}, finding {f.key}", reference)
    return Finding(
        id=f.key,
        kind=f.kind,
        start=f.start_date,
        present=f.present,
        end=f.end_date,
        value=value,
        attributes=_attributes(f.attributes),
        encounter=f.encounter_key,
        note=f.note,
    )


def _attributes(rows: list[FindingAttributeRow] | list[EpisodeAttributeRow]) -> tuple[Attribute, ...]:
    return tuple((a.name, _attribute_value(a.value_type, a.value)) for a in rows)


def _attribute_value(value_type: str, value: str) -> str | int | float | bool:
    if value_type == "text":
        return value
    if value_type == "integer":
        return int(value)
    if value_type == "number":
        return float(value)
    if value_type == "boolean" and value in ("true", "false"):
        return value == "true"
    raise RecordError(f"stored attribute value {value!r} of type {value_type!r} cannot be read", field="attributes")


def _course(m: MedicationCourseRow) -> MedicationCourse:
    return MedicationCourse(
        id=m.key,
        drug=m.drug,
        route=Route(m.route),
        start=m.start_date,
        doses=tuple(Dose(d.start_date, d.amount, d.unit, Frequency(d.frequency), d.text, d.count) for d in m.doses),
        stop=m.stop_date,
        stop_reason=StopReason(m.stop_reason) if m.stop_reason is not None else None,
        switched_to=m.switched_to,
        indication=m.indication,
        note=m.note,
    )


def _episode(e: EpisodeRow) -> Episode:
    return Episode(
        id=e.key,
        kind=EpisodeKind(e.kind),
        start=e.start_date,
        end=e.end_date,
        features=tuple(f.feature for f in e.features),
        attributes=_attributes(e.attributes),
        duration_hours=e.duration_hours,
        note=e.note,
    )


def _adverse_event(a: AdverseEventRow) -> AdverseEvent:
    return AdverseEvent(
        id=a.key,
        term=a.term,
        onset=a.onset_date,
        end=a.end_date,
        serious_criteria=frozenset(SeriousCriterion(c.criterion) for c in a.serious_criteria),
        relatedness=Relatedness(a.relatedness),
        outcome=AdverseEventOutcome(a.outcome),
        drug=a.drug,
        note=a.note,
    )
