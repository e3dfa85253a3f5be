"""Writing a :class:`~remit.core.record.PatientRecord` as a case file.

The export is the import format, so a record can be taken out of the registry,
corrected by hand and read back: ``parse(dump(r)) == r`` for every record remit
builds. Values and units are written exactly as they were entered (the text of
``>2000``, the ``x10^3/uL`` spelling); reference ranges are written in the
analyte's canonical unit, which is how remit stores them. Dates are always
ISO; the ``day N`` shorthand is an input convenience only. Empty fields are
left out so the file stays readable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from remit.casefiles import dates
from remit.casefiles.documents import encode, syntax_of
from remit.casefiles.schema import FORMAT
from remit.core.codes import Coding
from remit.core.measurements import Measurement, ReferenceRange
from remit.core.medications import Dose, MedicationCourse
from remit.core.record import (
    AdverseEvent,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    Finding,
    Observation,
    Patient,
    PatientRecord,
    SeriousCriterion,
)


def dump(record: PatientRecord) -> dict[str, Any]:
    """The record as JSON-compatible case-file data, sections in file order."""
    return _compact(
        {
            "format": FORMAT,
            "patient": write_patient(record.patient),
            "follow_up": write_follow_up(record),
            **{section: [item(x) for x in getattr(record, section)] for section, item in SECTION_WRITERS.items()},
        }
    )


def write(record: PatientRecord, path: str | os.PathLike[str]) -> None:
    """Write the record to ``path`` as YAML (``.yaml``, ``.yml``) or JSON (``.json``)."""
    file = Path(path)
    file.write_text(encode(dump(record), syntax_of(file)), encoding="utf-8")


def write_follow_up(record: PatientRecord) -> dict[str, Any] | None:
    """The ``follow_up`` part of the case file (None when the record has none)."""
    if record.follow_up is None:
        return None
    return {"start": _iso(record.follow_up[0]), "end": _iso(record.follow_up[1])}


def write_patient(patient: Patient) -> dict[str, Any]:
    """The ``patient`` part of the case file (genotypes included)."""
    return _compact(
        {
            "id": patient.id,
            "site": patient.site,
            "sex": patient.sex.value,
            "birth": patient.birth.iso() if patient.birth is not None else None,
            "ethnicity": patient.ethnicity,
            "genotypes": [
                {
                    "gene": g.gene,
                    "variant": g.variant,
                    "zygosity": g.zygosity.value,
                    "classification": g.classification.value,
                }
                for g in patient.genotypes
            ],
            "note": patient.note,
        }
    )


def _diagnosis(diagnosis: Diagnosis) -> dict[str, Any]:
    return _compact(
        {
            "id": diagnosis.id,
            "condition": diagnosis.condition,
            "onset": _iso(diagnosis.onset),
            "status": diagnosis.status.value,
            "codings": [_coding(c) for c in diagnosis.codings],
            "recorded": _iso(diagnosis.recorded),
            "note": diagnosis.note,
        }
    )


def _encounter(encounter: Encounter) -> dict[str, Any]:
    return _compact(
        {
            "id": encounter.id,
            "date": _iso(encounter.date),
            "kind": encounter.kind.value,
            "end": _iso(encounter.end),
            "month": encounter.month,
            "weight": _quantity(encounter.weight),
            "height": _quantity(encounter.height),
            "note": encounter.note,
        }
    )


def _observation(observation: Observation) -> dict[str, Any]:
    m = observation.measurement
    return _compact(
        {
            "id": observation.id,
            "analyte": m.analyte,
            "value": m.text,
            "unit": m.unit,
            "date": _iso(observation.date),
            "time": dates.format_time(observation.time) if observation.time is not None else None,
            "encounter": observation.encounter,
            "reference_range": _reference(m),
            "source": observation.source,
            "code": _coding(observation.code) if observation.code is not None else None,
        }
    )


def _finding(finding: Finding) -> dict[str, Any]:
    return _compact(
        {
            "id": finding.id,
            "kind": finding.kind,
            "start": _iso(finding.start),
            "end": _iso(finding.end),
            "present": finding.present,
            "value": _quantity(finding.value),
            "attributes": dict(finding.attributes),
            "encounter": finding.encounter,
            "note": finding.note,
        }
    )


def _medication(course: MedicationCourse) -> dict[str, Any]:
    return _compact(
        {
            "id": course.id,
            "drug": course.drug,
            "route": course.route.value,
            "indication": course.indication,
            "start": _iso(course.start),
            "stop": _iso(course.stop),
            "stop_reason": course.stop_reason.value if course.stop_reason is not None else None,
            "switched_to": course.switched_to,
            "doses": [_dose(d) for d in course.doses],
            "note": course.note,
        }
    )


def _dose(dose: Dose) -> dict[str, Any]:
    return _compact(
        {
            "start": _iso(dose.start),
            "amount": _number(dose.amount),
            "unit": dose.unit,
            "frequency": dose.frequency.value,
            "text": dose.text,
            "count": dose.count,
        }
    )


def _episode(episode: Episode) -> dict[str, Any]:
    return _compact(
        {
            "id": episode.id,
            "kind": episode.kind.value,
            "start": _iso(episode.start),
            "end": _iso(episode.end),
            "duration_hours": _number(episode.duration_hours),
            "features": list(episode.features),
            "attributes": dict(episode.attributes),
            "note": episode.note,
        }
    )


def _adverse_event(event: AdverseEvent) -> dict[str, Any]:
    return _compact(
        {
            "id": event.id,
            "term": event.term,
            "onset": _iso(event.onset),
            "end": _iso(event.end),
            "serious": [c.value for c in SeriousCriterion if c in event.serious_criteria],
            "relatedness": event.relatedness.value,
            "outcome": event.outcome.value,
            "drug": event.drug,
            "note": event.note,
        }
    )


def _diary_day(day: DiaryDay) -> dict[str, Any]:
    return _compact({"date": _iso(day.date), **dict(day.items), "pain_relief": day.pain_relief})


# The item sections of a case file in file order, each with the function that writes one item
# (:mod:`remit.casefiles.differences` writes only the items an edit touched).
SECTION_WRITERS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "diagnoses": _diagnosis,
    "encounters": _encounter,
    "observations": _observation,
    "findings": _finding,
    "medications": _medication,
    "episodes": _episode,
    "adverse_events": _adverse_event,
    "diary": _diary_day,
}


def _quantity(measurement: Measurement | None) -> dict[str, Any] | None:
    if measurement is None:
        return None
    return _compact({"value": measurement.text, "unit": measurement.unit, "reference_range": _reference(measurement)})


def _reference(measurement: Measurement) -> dict[str, Any] | None:
    reference: ReferenceRange | None = measurement.reference
    if reference is None:
        return None
    return _compact(
        {
            "low": _number(reference.low),
            "high": _number(reference.high),
            "unit": measurement.canonical_unit,
            "source": reference.source,
        }
    )


def _coding(coding: Coding) -> dict[str, Any]:
    return _compact({"system": coding.system_name, "code": coding.code, "display": coding.display})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _number(value: float | None) -> float | int | None:
    """Whole numbers are written without ``.0`` (``100``, not ``100.0``)."""
    if value is not None and float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Leave out unset fields (None, empty lists and mappings); keep ``False`` and ``0``."""
    return {key: value for key, value in fields.items() if value is not None and value not in ([], {})}
