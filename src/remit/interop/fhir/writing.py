"""A patient record as FHIR R4 resources, a collection Bundle, or JSON text.

Resources come out in a fixed order (Patient, Conditions, Encounters,
Observations for labs and visit measures, findings, episodes, diary days,
MedicationStatements, AdverseEvents) with ids derived from the patient and
item ids, so exporting twice gives the same bytes. Every resource is checked
against the ``fhir.resources`` R4B model before it is returned: remit never
writes FHIR that does not validate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from remit.core.record import PatientRecord
from remit.interop.fhir.adverse_events import adverse_event_resource
from remit.interop.fhir.conditions import condition_resource
from remit.interop.fhir.context import WriteContext
from remit.interop.fhir.elements import JSON, full_url
from remit.interop.fhir.encounters import encounter_resource
from remit.interop.fhir.findings import diary_resource, episode_resource, finding_resource
from remit.interop.fhir.medications import statement_resource
from remit.interop.fhir.observations import encounter_measure_resources, observation_resource
from remit.interop.fhir.patients import patient_resource
from remit.interop.fhir.validation import validate
from remit.interop.subjects import ExportSubject, subjects


def patient_resources(item: PatientRecord | ExportSubject) -> list[JSON]:
    """Every resource of one patient, validated, in the documented order."""
    (subject,) = subjects([item])
    record = subject.record
    ctx = WriteContext(record.patient.id)
    resources = [patient_resource(subject, ctx)]
    resources += [condition_resource(d, ctx) for d in record.diagnoses]
    resources += [encounter_resource(e, ctx) for e in record.encounters]
    resources += [observation_resource(o, ctx) for o in record.observations]
    for e in record.encounters:
        resources += encounter_measure_resources(e, ctx)
    resources += [finding_resource(f, ctx) for f in record.findings]
    resources += [episode_resource(e, ctx) for e in record.episodes]
    resources += [diary_resource(d, ctx) for d in record.diary]
    resources += [statement_resource(m, ctx) for m in record.medications]
    resources += [adverse_event_resource(a, ctx) for a in record.adverse_events]
    for resource in resources:
        validate(resource, where=f"{resource['resourceType']}/{resource['id']}")
    return [_ordered(resource) for resource in resources]


_FIRST = ("resourceType", "id", "extension", "identifier")


def _ordered(resource: JSON) -> JSON:
    """``resourceType``, ``id``, ``extension`` and ``identifier`` first, as FHIR examples show them."""
    return {key: resource[key] for key in _FIRST if key in resource} | {
        key: value for key, value in resource.items() if key not in _FIRST
    }


def entries(item: PatientRecord | ExportSubject) -> list[JSON]:
    """One patient's Bundle entries (``fullUrl`` + ``resource``)."""
    return [{"fullUrl": full_url(r["resourceType"], r["id"]), "resource": r} for r in patient_resources(item)]


def collection(all_entries: list[JSON], *, timestamp: datetime | None = None) -> JSON:
    """A ``collection`` Bundle of the given entries."""
    found: JSON = {"resourceType": "Bundle", "type": "collection"}
    if timestamp is not None:
        found["timestamp"] = timestamp.isoformat()
    found["entry"] = all_entries
    validate({**found, "entry": []}, where="Bundle")
    return found


def bundle(items: Iterable[PatientRecord | ExportSubject], *, timestamp: datetime | None = None) -> JSON:
    """A ``collection`` Bundle of every resource of every patient."""
    return collection([entry for item in items for entry in entries(item)], timestamp=timestamp)


def dumps(resource: JSON, *, indent: int | None = 2) -> str:
    return json.dumps(resource, ensure_ascii=False, indent=indent, allow_nan=False)


def write_bundle(
    items: Iterable[PatientRecord | ExportSubject], path: str | Path, *, timestamp: datetime | None = None
) -> int:
    """Write a collection Bundle as JSON; returns the number of entries."""
    found = bundle(items, timestamp=timestamp)
    Path(path).write_text(dumps(found) + "\n", encoding="utf-8")
    return len(found["entry"])
