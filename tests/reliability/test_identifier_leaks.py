"""No page, API answer or export shows a direct identifier to the statistician role.

A patient is stored with an identifier in every place the data model has one:
the registry id, the birth date, ethnicity, every free-text note, a lab's
source, a dose as typed, item ids a person typed (holding a name and a date),
and real event dates set more than a year apart (so a date shifted back by
0-364 days can never land on another real date of the patient). Then the
statistician of that site:

* requests every GET route of the app's route table that their role may use
  (patient routes with the patient's pseudonym), full pages and htmx fragments;
* exports every format they may (FHIR, REDCap, tidy CSV, SPSS) - each file of
  each archive is searched as bytes;

and none of those strings appears anywhere. The same patient seen by an
investigator does show them (so the search is not vacuous), and the
statistician's identified requests (a case file, one named patient) are refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.routing import APIRoute

from remit.core.measurements import measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route
from remit.core.record import (
    BirthDate,
    Diagnosis,
    Encounter,
    EncounterKind,
    Finding,
    Observation,
    Patient,
    PatientRecord,
    Sex,
)
from remit.services.accounts import Role
from remit.services.web_records import add_patient
from remit.web.access import api_routes, rule_of
from tests.web.conftest import SITE_A, World, build_world

PATIENT = "pa-jane-doe-2015"
BIRTH = date(2015, 3, 9)
ONSET, VISIT, LATER = date(2019, 6, 21), date(2021, 1, 14), date(2022, 9, 2)
IDENTIFIERS = {
    "registry id": PATIENT,
    "birth date": BIRTH.isoformat(),
    "ethnicity": "Ethnicity-Marker-Q",
    "patient note": "Lives at 12 Marker Lane",
    "diagnosis note": "Dx-note-Marker",
    "visit note": "Visit-note-Marker-Smith",
    "finding note": "Finding-note-Marker",
    "course note": "Course-note-Marker",
    "lab source": "St-Marker-Hospital-Lab",
    "dose text": "Dose-text-Marker-2mg",
    "typed item id": "enc-smith-20210114",
    "onset date": ONSET.isoformat(),
    "visit date": VISIT.isoformat(),
    "later date": LATER.isoformat(),
}


def identified_patient() -> PatientRecord:
    weight = measure("weight", "21", "kg")
    return PatientRecord(
        patient=Patient(
            PATIENT,
            SITE_A,
            Sex.FEMALE,
            BirthDate(BIRTH.year, BIRTH.month, BIRTH.day),
            ethnicity=IDENTIFIERS["ethnicity"],
            note=IDENTIFIERS["patient note"],
        ),
        diagnoses=(Diagnosis("dx1", "sjia", ONSET, note=IDENTIFIERS["diagnosis note"]),),
        encounters=(
            Encounter(
                IDENTIFIERS["typed item id"],
                VISIT,
                EncounterKind.BASELINE,
                weight=weight,
                note=IDENTIFIERS["visit note"],
            ),
            Encounter("e2", LATER, EncounterKind.UNSCHEDULED, weight=weight),
        ),
        observations=(
            Observation(
                "o1",
                measure("ferritin", "2400", "ng/mL"),
                VISIT,
                encounter=IDENTIFIERS["typed item id"],
                source=IDENTIFIERS["lab source"],
            ),
            Observation("o2", measure("platelets", "95", "10*9/L"), LATER, encounter="e2"),
        ),
        findings=(
            Finding(
                "f1",
                "fever",
                VISIT,
                value=measure("temperature", "39.2", "Cel"),
                encounter=IDENTIFIERS["typed item id"],
                note=IDENTIFIERS["finding note"],
            ),
        ),
        medications=(
            MedicationCourse(
                "m1",
                "anakinra",
                Route.SC,
                VISIT,
                (Dose(VISIT, 2, "mg/kg", Frequency.DAILY, text=IDENTIFIERS["dose text"]),),
                indication="sjia",
                note=IDENTIFIERS["course note"],
            ),
        ),
    )


@pytest.fixture
def stored(database_url: str) -> Iterator[World]:
    """The web tests' world (two sites, one user per role on site A) plus the identified patient."""
    world = build_world(database_url)
    with world.db.session() as session:
        add_patient(session, identified_patient(), actor="tests")
    try:
        yield world
    finally:
        world.db.dispose()
        world.app.state.remit.db.dispose()


def leaked(body: bytes) -> list[str]:
    return [name for name, value in IDENTIFIERS.items() if value.encode("utf-8") in body]


def _get_routes(world: World, role: Role) -> list[str]:
    paths = []
    for route in api_routes(world.app.routes):
        assert isinstance(route, APIRoute)
        if (
            "GET" in (route.methods or ())
            and rule_of(route).allows(role)
            and "{" not in route.path.replace("{patient_id}", "")
        ):
            paths.append(route.path)
    return paths


def test_the_statistician_sees_no_identifier_on_any_page_or_api_answer(stored: World) -> None:
    client = stored.client("statistician")
    pseudonym = stored.pseudonym(PATIENT)
    paths = _get_routes(stored, Role.STATISTICIAN)
    assert "/patients/{patient_id}" in paths
    assert "/api/v1/patients/{patient_id}" in paths
    assert "/exports" in paths
    assert "/cohort" in paths
    seen = 0
    for path in paths:
        url = path.replace("{patient_id}", pseudonym)
        for extra in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=extra)
            assert response.status_code in (200, 303), f"{url}: {response.status_code}"
            assert not leaked(response.content), f"{url} {extra}: {leaked(response.content)}"
            seen += 1
    for url in (f"/patients/{pseudonym}?on=2021-01-01", f"/api/v1/patients/{pseudonym}/criteria?on=2021-01-01"):
        response = client.get(url)
        assert response.status_code == 200
        assert not leaked(response.content), f"{url}: {leaked(response.content)}"
    listing = client.get("/api/v1/patients").json()
    assert pseudonym in [row["id"] for row in listing]
    assert seen >= 20


def test_the_registry_id_does_not_open_the_patient_for_the_statistician(stored: World) -> None:
    client = stored.client("statistician")
    for url in (f"/patients/{PATIENT}", f"/api/v1/patients/{PATIENT}", f"/patients/{PATIENT}/figure.png"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert leaked(response.content) in ([], ["registry id"]), "only the id the caller typed is echoed"


def test_an_investigator_does_see_the_identifiers_so_the_search_is_real(stored: World) -> None:
    client = stored.client("investigator")
    page = client.get(f"/patients/{PATIENT}").content
    api = client.get(f"/api/v1/patients/{PATIENT}").content
    found = set(leaked(page)) | set(leaked(api))
    assert found == set(IDENTIFIERS), set(IDENTIFIERS) - found


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "tidy", "spss"])
def test_the_statisticians_exports_hold_no_identifier(stored: World, fmt: str) -> None:
    client = stored.client("statistician")
    response = client.form("/exports", {"format": fmt, "deidentify": "no", "reason": "analysis"})
    assert response.status_code == 200, response.text[:300]
    if fmt == "fhir":
        files = {"bundle.json": response.content}
    else:
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    assert files
    for name, body in files.items():
        assert not leaked(body), f"{fmt} {name}: {leaked(body)}"
    everything = b"".join(files.values())
    assert stored.pseudonym(PATIENT).encode() in everything, "the patient is in the export, under its pseudonym"


def test_an_identified_export_is_not_the_statisticians_to_take(stored: World) -> None:
    client = stored.client("statistician")
    casefile = client.form("/exports", {"format": "casefile", "patient": PATIENT, "deidentify": "no"})
    assert casefile.status_code == 422
    named = client.form("/exports", {"format": "fhir", "patient": PATIENT})
    assert named.status_code == 422
    assert not leaked(casefile.content.replace(PATIENT.encode(), b""))
    page = client.get("/exports").text
    assert PATIENT not in page
    assert not re.search(r'name="deidentify"[^>]*type="checkbox"', page) or "disabled" in page


def test_the_investigators_identified_export_does_carry_the_identifiers(stored: World) -> None:
    client = stored.client("investigator")
    response = client.form("/exports", {"format": "fhir", "reason": "transfer"})
    assert response.status_code == 200
    assert "registry id" in leaked(response.content)
    assert "birth date" in leaked(response.content)
