"""The JSON API: the same services as the pages, one error shape."""

from __future__ import annotations

from remit import casefiles
from remit.web.app import error_body
from tests.web.conftest import PATIENT_A, World
from tests.web.records import sjia_patient

ERROR_KEYS = {"code", "message", "field"}


def test_the_error_shape_is_one_shape(world: World) -> None:
    assert error_body("x", "y") == {"error": {"code": "x", "message": "y", "field": None}}
    anonymous = world.client().get("/api/v1/patients")
    assert anonymous.status_code == 401
    assert set(anonymous.json()["error"]) == ERROR_KEYS
    client = world.client("investigator")
    missing = client.get("/api/v1/patients/pb-1")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    invalid = client.json_call("DELETE", "/api/v1/patients/pa-1")
    assert invalid.status_code == 422
    assert set(invalid.json()["error"]) == ERROR_KEYS
    assert invalid.json()["error"]["field"] == "version"
    unknown = client.get("/api/v1/nothing")
    assert unknown.status_code == 404
    assert set(unknown.json()["error"]) == ERROR_KEYS


def test_me_and_the_patient_list(world: World) -> None:
    client = world.client("investigator")
    me = client.get("/api/v1/me").json()
    assert me["role"] == "investigator"
    assert me["sites"] == ["site-a"]
    assert me["csrf_token"] == client.csrf
    patients = client.get("/api/v1/patients").json()
    assert [p["id"] for p in patients] == ["pa-1"]
    assert [b["kind"] for b in patients[0]["badges"]] == ["overdue"]  # no visit at month 3 or 12


def test_reading_a_patient_its_criteria_and_dose_checks(world: World) -> None:
    client = world.client("dataentry")
    body = client.get("/api/v1/patients/pa-1").json()
    assert body["version"] == 1
    assert body["record"]["patient"]["id"] == PATIENT_A
    criteria = client.get("/api/v1/patients/pa-1/criteria?on=2024-01-10").json()
    mas = next(r for r in criteria["results"] if r["instrument"] == "mas_2016")
    assert mas["status"] == "not_met"
    checks = client.get("/api/v1/patients/pa-1/dose-checks").json()["checks"]
    assert checks[0]["drug"] == "anakinra"
    assert client.get("/api/v1/patients/pa-1/version").json() == {"version": 1}


def test_adding_an_encounter_and_a_stale_replacement_is_a_409_with_the_changes(world: World) -> None:
    client = world.client("dataentry")
    added = client.json_call(
        "POST",
        "/api/v1/patients/pa-1/encounters",
        json={
            "version": 1,
            "date": "2024-02-01",
            "fever_c": "39.5",
            "labs": [
                {"analyte": "ferritin", "value": "5000", "unit": "ng/mL"},
                {"analyte": "platelets", "value": "100", "unit": "10*9/L"},
                {"analyte": "ast", "value": "200", "unit": "U/L"},
            ],
        },
    )
    assert added.status_code == 201, added.text
    assert added.json()["version"] == 2
    badges = client.get("/api/v1/patients").json()[0]["badges"]
    assert [b["kind"] for b in badges] == ["mas_met", "overdue"]
    stale = client.json_call(
        "PUT", "/api/v1/patients/pa-1?version=1", json=casefiles.dump(sjia_patient(PATIENT_A, "site-a"))
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict"
    assert error["current_version"] == 2
    assert any("encounters: added" in line for line in error["changes"][0]["lines"])
    bad_lab = client.json_call(
        "POST",
        "/api/v1/patients/pa-1/encounters",
        json={"version": 2, "date": "2024-02-02", "labs": [{"analyte": "ferritin", "value": "12", "unit": "mmol/L"}]},
    )
    assert bad_lab.status_code == 422
    assert bad_lab.json()["error"]["field"] == "labs[0].unit"


def test_creating_replacing_and_deleting_through_the_api(world: World) -> None:
    client = world.client("investigator")
    new = casefiles.dump(sjia_patient("pa-9", "site-a"))
    assert client.json_call("POST", "/api/v1/patients", json=new).status_code == 201
    elsewhere = casefiles.dump(sjia_patient("pa-10", "site-b"))
    refused = client.json_call("POST", "/api/v1/patients", json=elsewhere)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "patient.site"
    new["patient"]["sex"] = "male"
    assert client.json_call("PUT", "/api/v1/patients/pa-9?version=1", json=new).json()["version"] == 2
    history = client.get("/api/v1/patients/pa-9/history").json()
    assert [h["action"] for h in history] == ["replace", "create"]
    assert client.json_call("DELETE", "/api/v1/patients/pa-9?version=2").status_code == 204
    assert client.get("/api/v1/patients/pa-9").status_code == 404


def test_a_statistician_reads_pseudonymised_records_only(world: World) -> None:
    client = world.client("statistician")
    pseudonym = world.pseudonym(PATIENT_A)
    body = client.get(f"/api/v1/patients/{pseudonym}").json()
    assert body["id"] == pseudonym
    assert "birth" not in body["record"]["patient"]
    assert body["record"]["patient"]["id"] == pseudonym
    assert client.json_call("DELETE", f"/api/v1/patients/{pseudonym}?version=1").status_code == 403


def test_the_openapi_document_lists_the_api_and_no_page(world: World) -> None:
    spec = world.client().get("/api/v1/openapi.json").json()
    assert "/api/v1/patients/{patient_id}/encounters" in spec["paths"]
    assert all(path.startswith("/api/v1/") for path in spec["paths"])
