"""Importing FHIR written by other systems: every resource gets a report line,
unreadable ones are skipped with the reason, malformed input stores nothing."""

from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from remit.core.intervals import Op
from remit.core.medications import Frequency, Route
from remit.core.record import (
    DiagnosisStatus,
)
from remit.errors import RecordError
from remit.interop.errors import MalformedFileError
from remit.interop.fhir import load_bundle, read_bundle, read_fhir
from remit.interop.report import Imported, Outcome

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
SUBJECT = {"reference": "Patient/pat-1"}


def observation(rid: str, code: str, value: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": SUBJECT,
        "effectiveDateTime": "2021-03-04T08:15:00+01:00",
        **value,
        **extra,
    }


def administration(rid: str, day: str, mg: float) -> dict[str, Any]:
    return {
        "resourceType": "MedicationAdministration",
        "id": rid,
        "status": "completed",
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "L04AC03"}]},
        "subject": SUBJECT,
        "effectiveDateTime": day,
        "dosage": {"dose": {"value": mg, "unit": "mg", "system": UCUM, "code": "mg"}},
    }


RESOURCES: list[dict[str, Any]] = [
    {
        "resourceType": "Patient",
        "id": "pat-1",
        "identifier": [{"system": "urn:hospital:mrn", "value": "12345"}],
        "gender": "female",
        "birthDate": "2012-05-06",
    },
    {"resourceType": "Practitioner", "id": "dr-1"},
    {
        "resourceType": "Encounter",
        "id": "enc-1",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": SUBJECT,
        "period": {"start": "2021-03-04", "end": "2021-03-09"},
    },
    {
        "resourceType": "Condition",
        "id": "cond-sjia",
        "subject": SUBJECT,
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M08.29"}]},
        "verificationStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "provisional"}]
        },
        "onsetDateTime": "2021-02-20",
    },
    {
        "resourceType": "Condition",
        "id": "cond-periodic",
        "subject": SUBJECT,
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M04.1"}]},
    },
    observation(
        "obs-crp",
        "1988-5",
        {"valueQuantity": {"value": Decimal("3.6"), "unit": "mg/dL", "system": UCUM, "code": "mg/dL"}},
        encounter={"reference": "Encounter/enc-1"},
    ),
    observation(
        "obs-ferritin",
        "2276-4",
        {"valueQuantity": {"value": 2000, "comparator": ">", "unit": "ug/L", "system": UCUM, "code": "ug/L"}},
    ),
    observation(
        "obs-platelets",
        "777-3",
        {
            "valueCodeableConcept": {"text": "low"},
            "interpretation": [
                {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "L"}
                    ]
                }
            ],
            "referenceRange": [{"low": {"value": 150, "unit": "10*3/uL", "system": UCUM, "code": "10*3/uL"}}],
        },
    ),
    observation("obs-unknown", "9999-9", {"valueQuantity": {"value": 1, "unit": "mg/L"}}),
    observation(
        "obs-badunit", "1988-5", {"valueQuantity": {"value": 5, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}}
    ),
    observation(
        "obs-implausible",
        "777-3",
        {"valueQuantity": {"value": 4, "unit": "10*3/mL", "system": UCUM, "code": "10*3/mL"}},
    ),
    {
        **observation("obs-orphan", "1988-5", {"valueQuantity": {"value": 1, "unit": "mg/L"}}),
        "subject": {"reference": "Patient/nobody"},
    },
    {
        k: v
        for k, v in observation("obs-nosubject", "1988-5", {"valueQuantity": {"value": 1, "unit": "mg/L"}}).items()
        if k != "subject"
    },
    {"resourceType": "Medication", "id": "med-mtx", "code": {"coding": [{"system": ATC, "code": "L04AX03"}]}},
    {
        "resourceType": "MedicationRequest",
        "id": "req-mtx",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": "Medication/med-mtx"},
        "subject": SUBJECT,
        "authoredOn": "2021-03-05",
        "dosageInstruction": [
            {
                "timing": {
                    "repeat": {"boundsPeriod": {"start": "2021-03-06"}, "frequency": 1, "period": 1, "periodUnit": "wk"}
                },
                "route": {"text": "oral"},
                "doseAndRate": [{"doseQuantity": {"value": 15, "unit": "mg/m2"}}],
            }
        ],
    },
    administration("adm-1", "2021-03-04T09:00:00Z", 100),
    administration("adm-2", "2021-03-05T09:00:00Z", 100),
    administration("adm-3", "2021-03-06T09:00:00Z", 100),
    administration("adm-4", "2021-05-20T09:00:00Z", 100),
    {
        "resourceType": "MedicationStatement",
        "id": "stmt-colchicine",
        "status": "stopped",
        "medicationCodeableConcept": {"text": "Colchicine"},
        "subject": SUBJECT,
        "effectivePeriod": {"start": "2020-01-01", "end": "2020-06-30"},
    },
    {
        "resourceType": "AdverseEvent",
        "id": "ae-1",
        "actuality": "actual",
        "subject": SUBJECT,
        "event": {"text": "injection site reaction"},
        "date": "2021-03-10",
        "suspectEntity": [{"instance": {"display": "Kineret"}}],
    },
]


def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


@pytest.fixture(scope="module")
def imported() -> Imported:
    return read_bundle(bundle(RESOURCES))


def line(imported: Imported, where: str) -> tuple[Outcome, str | None]:
    (found,) = [x for x in imported.report if x.where == where]
    return found.outcome, found.reason


def test_every_resource_gets_exactly_one_report_line(imported: Imported) -> None:
    assert len(imported.report) == len(RESOURCES)
    assert {x.where for x in imported.report} == {f"{r['resourceType']}/{r['id']}" for r in RESOURCES}


@pytest.mark.parametrize(
    ("where", "outcome", "reason"),
    [
        pytest.param("Practitioner/dr-1", Outcome.SKIPPED, "not imported by remit", id="other-type"),
        pytest.param("Condition/cond-periodic", Outcome.SKIPPED, "M04.1 fits fmf, mkd, traps", id="ambiguous-code"),
        pytest.param("Observation/obs-unknown", Outcome.SKIPPED, "unknown code", id="unknown-code"),
        pytest.param("Observation/obs-badunit", Outcome.SKIPPED, "unit not convertible", id="unit"),
        pytest.param("Observation/obs-implausible", Outcome.SKIPPED, "implausible value", id="implausible"),
        pytest.param("Observation/obs-orphan", Outcome.SKIPPED, "missing subject", id="orphan"),
        pytest.param("Observation/obs-nosubject", Outcome.SKIPPED, "missing subject", id="no-subject"),
        pytest.param("Medication/med-mtx", Outcome.MERGED, "its code was used", id="medication"),
        pytest.param("MedicationAdministration/adm-2", Outcome.MERGED, "course admin-adm-1", id="administration"),
    ],
)
def test_report_says_what_happened_and_why(imported: Imported, where: str, outcome: Outcome, reason: str) -> None:
    found, why = line(imported, where)
    assert found is outcome
    assert reason in (why or "")


def test_values_are_read_as_if_typed(imported: Imported) -> None:
    (record,) = imported.records
    assert record.patient.id == "pat-1"
    (crp,) = record.values("crp")
    assert crp.measurement.value == 36.0  # 3.6 mg/dL = 36 mg/L
    assert (crp.date, crp.time) == (date(2021, 3, 4), time(8, 15))
    (ferritin,) = record.values("ferritin")
    assert ferritin.measurement.comparator is Op.GT
    assert ferritin.measurement.interval.low == 2000  # ug/L = ng/mL
    (platelets,) = record.values("platelets")
    assert platelets.measurement.qualitative is not None
    assert platelets.measurement.interval.high == 150  # "low" against a lower limit of 150 x10^9/L
    assert crp.encounter == record.encounters[0].id


def test_conditions_courses_and_events_are_recognised(imported: Imported) -> None:
    (record,) = imported.records
    (diagnosis,) = record.diagnoses
    assert (diagnosis.condition, diagnosis.status) == ("sjia", DiagnosisStatus.SUSPECTED)
    courses = {c.id: c for c in record.medications}
    mtx = courses["request-req-mtx"]
    assert (mtx.drug, mtx.start, mtx.route) == ("methotrexate", date(2021, 3, 6), Route.OTHER)
    assert mtx.doses[0].frequency is Frequency.WEEKLY
    first, second = (courses["admin-adm-1"], courses["admin-adm-4"])  # > 30 days apart: two courses
    assert (first.start, first.stop, first.doses[0].frequency, first.doses[0].count) == (
        date(2021, 3, 4),
        date(2021, 3, 6),
        Frequency.DAILY,
        3,
    )
    assert second.start == second.stop == date(2021, 5, 20)
    colchicine = courses["med-stmt-colchicine"]
    assert (colchicine.drug, colchicine.stop, colchicine.stop_reason) == ("colchicine", date(2020, 6, 30), None)
    (event,) = record.adverse_events
    assert (event.term, event.drug) == ("injection site reaction", "anakinra")


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        pytest.param({"resourceType": "Observation", "id": "x", "code": {"text": "no status"}}, "status", id="invalid"),
        pytest.param({"resourceType": "Nonsense", "id": "x"}, "unknown FHIR resource type", id="unknown-type"),
        pytest.param({"id": "x"}, "no resourceType", id="no-type"),
    ],
)
def test_one_malformed_resource_refuses_the_whole_input(broken: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedFileError, match=message):
        read_bundle(bundle([*RESOURCES, broken]))


def test_not_json_and_not_a_bundle_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(MalformedFileError, match="not JSON"):
        read_fhir(path)
    path.write_text(json.dumps({"resourceType": "Patient", "id": "p"}), encoding="utf-8")
    with pytest.raises(MalformedFileError, match="expected a FHIR Bundle"):
        read_fhir(path)


def _bulk(directory: Path, manifest: dict[str, Any], files: dict[str, list[dict[str, Any]]]) -> Path:
    directory.mkdir()
    for name, rows in files.items():
        (directory / name).write_text("".join(json.dumps(r, default=str) + "\n" for r in rows), encoding="utf-8")
    path = directory / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def test_bulk_manifest_of_any_version_with_server_urls_and_outcomes(tmp_path: Path) -> None:
    patient, crp = RESOURCES[0], RESOURCES[5]
    outcome = {
        "resourceType": "OperationOutcome",
        "id": "oo",
        "issue": [{"severity": "error", "code": "processing", "diagnostics": "Group too large"}],
    }
    manifest = {
        "transactionTime": "2024-01-02T03:04:05Z",
        "requiresAccessToken": True,
        "output": [
            {"type": "Patient", "url": "https://ehr.example/files/Patient.ndjson"},
            {"type": "Observation", "url": "Observation.ndjson"},
        ],
        "outcome": [{"type": "OperationOutcome", "url": "https://ehr.example/files/errors.ndjson"}],
    }
    path = _bulk(
        tmp_path / "bulk",
        manifest,
        {
            "Patient.ndjson": [patient],
            "Observation.ndjson": [{k: v for k, v in crp.items() if k != "encounter"}],
            "errors.ndjson": [outcome],
        },
    )
    for source in (path, path.parent):
        found = read_fhir(source)
        assert [r.patient.id for r in found.records] == ["pat-1"]
        assert line(found, "OperationOutcome/oo") == (Outcome.SKIPPED, "the sending server reported: Group too large")


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        pytest.param({"output": []}, "transactionTime", id="no-time"),
        pytest.param(
            {"transactionTime": "2024-01-01T00:00:00Z", "output": [{"type": "Patient", "url": "gone.ndjson"}]},
            "is not at",
            id="missing-file",
        ),
    ],
)
def test_broken_manifests_are_refused(tmp_path: Path, manifest: dict[str, Any], message: str) -> None:
    path = _bulk(tmp_path / "bulk", manifest, {})
    with pytest.raises(MalformedFileError, match=message):
        read_fhir(path)


def test_load_bundle_refuses_an_incomplete_or_multi_patient_bundle(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle(RESOURCES), default=str), encoding="utf-8")
    with pytest.raises(RecordError, match="could not be read"):
        load_bundle(path)
    good = RESOURCES[:3]
    path.write_text(json.dumps(bundle(good)), encoding="utf-8")
    assert load_bundle(path).patient.id == "pat-1"
    second = {**RESOURCES[0], "id": "pat-2"}
    path.write_text(json.dumps(bundle([*good, second])), encoding="utf-8")
    with pytest.raises(MalformedFileError, match="expected one patient"):
        load_bundle(path)
