"""The role x site matrix with real requests: the JSON API with valid bodies, and exports.

``test_access_matrix.py`` calls every route with an empty body, so the rule (not
the input) decides. Here every role sends requests that *would* succeed -
a valid case file, an encounter at the right version, a deletion at the right
version, an export of every format - for a patient of its own site and of
another site, and the answer and the stored data are checked: another site's
patient is 404 and untouched, a role the rule does not allow is 403 and
untouched, and an allowed one changes exactly what it asked for. Exports hold
only the patients of the caller's sites, are de-identified for a statistician
whatever the form says, and are refused to data entry.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from remit import casefiles
from remit.services.accounts import Role
from remit.services.web_records import audit_log, read_record, read_version
from remit.web.access import DELETE, EDIT, EXPORT
from tests.web.conftest import PATIENT_A, PATIENT_B, ROLE_USERS, SITE_A, SITE_B, World
from tests.web.records import sjia_patient

ROLES = tuple(ROLE_USERS)


def _ref(world: World, role: str, patient: str) -> str:
    return world.pseudonym(patient) if role == "statistician" else patient


def _versions(world: World) -> tuple[int, int]:
    with world.db.session() as session:
        return read_version(session, PATIENT_A), read_version(session, PATIENT_B)


def _expected(role: str, rule: Any, site: str) -> int | None:
    """The status the matrix promises, or None for "allowed"."""
    if site == "other":
        return 404
    if not rule.allows(ROLE_USERS[role]):
        return 403
    return None


def _call(world: World, role: str, op: str, patient: str) -> Any:
    client = world.client(role)
    ref = _ref(world, role, patient)
    if op == "replace":
        record = sjia_patient(patient, SITE_A if patient == PATIENT_A else SITE_B)
        body = casefiles.dump(record)
        body["patient"]["note"] = "replaced through the API"
        return client.json_call("PUT", f"/api/v1/patients/{ref}?version=1", json=body)
    if op == "encounter":
        body = {"version": 1, "date": "2024-02-01", "labs": [{"analyte": "ferritin", "value": "800", "unit": "ng/mL"}]}
        return client.json_call("POST", f"/api/v1/patients/{ref}/encounters", json=body)
    return client.json_call("DELETE", f"/api/v1/patients/{ref}?version=1")


RULES = {"replace": EDIT, "encounter": EDIT, "delete": DELETE}


@pytest.mark.parametrize("site", ["own", "other"])
@pytest.mark.parametrize("op", sorted(RULES))
@pytest.mark.parametrize("role", ROLES)
def test_api_writes_with_valid_bodies_follow_the_matrix(world: World, role: str, op: str, site: str) -> None:
    patient = PATIENT_A if site == "own" else PATIENT_B
    before = _versions(world)
    response = _call(world, role, op, patient)
    expected = _expected(role, RULES[op], site)
    if expected is not None:
        assert response.status_code == expected, response.text[:300]
        assert _versions(world) == before, "a refused request changed a record"
        echoed = response.text.replace(repr(_ref(world, role, patient)), "")  # the 404 names the id asked for
        assert PATIENT_B not in echoed
        assert SITE_B not in echoed
        return
    assert response.status_code in (200, 201, 204), response.text[:300]
    with world.db.session() as session:
        if op == "delete":
            with pytest.raises(Exception, match="pa-1"):
                read_version(session, PATIENT_A)
        else:
            assert read_version(session, PATIENT_A) == 2
        assert read_version(session, PATIENT_B) == 1, "the other site's patient is untouched"


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_patient_on_another_site_is_refused(world: World, role: str) -> None:
    client = world.client(role)
    body = casefiles.dump(sjia_patient("pb-new", SITE_B))
    response = client.json_call("POST", "/api/v1/patients", json=body)
    if not EDIT.allows(ROLE_USERS[role]):
        assert response.status_code == 403
    else:
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "patient.site"
    with world.db.session() as session, pytest.raises(Exception, match="pb-new"):
        read_version(session, "pb-new")


def _export_files(response: Any, fmt: str) -> dict[str, bytes]:
    if fmt == "fhir":
        return {"bundle.json": response.content}
    if fmt == "casefile":
        return {"case.yaml": response.content}
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _exported_patients(world: World) -> list[set[str]]:
    with world.db.session() as session:
        entries = audit_log(session, patient_ids=None, accounts=False, limit=100)
    return [{e.entity_id} for e in entries if e.action == "export"]


@pytest.mark.parametrize("fmt", ["fhir", "redcap", "tidy", "spss"])
@pytest.mark.parametrize("role", ROLES)
def test_exports_hold_only_the_callers_sites_and_follow_the_role(world: World, role: str, fmt: str) -> None:
    client = world.client(role)
    response = client.form("/exports", {"format": fmt, "reason": "matrix"})
    if not EXPORT.allows(ROLE_USERS[role]):
        assert response.status_code == 403
        assert not _exported_patients(world)
        return
    assert response.status_code == 200, response.text[:300]
    everything = b"".join(_export_files(response, fmt).values())
    assert PATIENT_B.encode() not in everything
    assert SITE_B.encode() not in everything
    identified = ROLE_USERS[role] is not Role.STATISTICIAN
    assert (PATIENT_A.encode() in everything) is identified, "identified exports name the patient; others never"
    assert (world.pseudonym(PATIENT_A).encode() in everything) is not identified
    logged = _exported_patients(world)
    assert logged == [{PATIENT_A}], "the export is logged for the exported patient only"


@pytest.mark.parametrize("role", ["admin", "investigator"])
def test_exporting_another_sites_patient_by_name_is_refused(world: World, role: str) -> None:
    client = world.client(role)
    for fmt in ("casefile", "fhir"):
        response = client.form("/exports", {"format": fmt, "patient": PATIENT_B, "deidentify": "no"})
        assert response.status_code == 422
        assert PATIENT_B.encode() not in response.content.replace(b'value="pb-1"', b"")
    assert not _exported_patients(world)


def test_a_case_file_export_of_an_own_patient_round_trips(world: World) -> None:
    client = world.client("investigator")
    response = client.form("/exports", {"format": "casefile", "patient": PATIENT_A, "reason": "check"})
    assert response.status_code == 200
    import yaml

    record = casefiles.parse(yaml.safe_load(response.content), source="export")
    with world.db.session() as session:
        stored, _ = read_record(session, PATIENT_A)
    assert record == casefiles.parse(casefiles.dump(stored), source="stored")  # reading fills default codings
    assert json.dumps(casefiles.dump(record))
