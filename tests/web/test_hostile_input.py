"""A NUL character (U+0000) anywhere a request carries text is refused, on both backends.

PostgreSQL cannot store or even compare text holding U+0000 (SQLite can), so
before these checks a ``%00`` in a patient id, a sign-in name or a note was a
server error on PostgreSQL only (found by the hostile-input tests of issue 9).
Now every way in - path, query, form field, sign-in form, case-file body, API
encounter - answers with a structured 4xx naming the field, and stores nothing.
"""

from __future__ import annotations

import pytest

from remit import casefiles
from remit.services.web_records import read_version
from tests.web.conftest import PATIENT_A, SITE_A, World, form_token
from tests.web.records import sjia_patient


def _unchanged(world: World) -> None:
    with world.db.session() as session:
        assert read_version(session, PATIENT_A) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/patients/pa-1%00",
        "/patients/%00/figure.png",
        "/api/v1/patients/pa%001",
        "/api/v1/patients/pa-1/criteria?on=2024-01-10%00",
        "/patients?q=%00",
        "/api/v1/patients?q=a%00b",
    ],
)
def test_a_nul_in_the_path_or_query_is_a_422_not_a_server_error(world: World, url: str) -> None:
    response = world.client("investigator").get(url)
    assert response.status_code == 422, response.text[:300]
    if url.startswith("/api/"):
        assert "NUL" in response.json()["error"]["message"]


def test_a_nul_in_a_form_field_is_refused_beside_the_field(world: World) -> None:
    client = world.client("investigator")
    page = client.get(f"/patients/{PATIENT_A}/encounters/new").text
    version = form_token(page, "version")
    response = client.form(
        f"/patients/{PATIENT_A}/encounters/new",
        {"version": version, "date": "2024-02-01", "kind": "unscheduled", "note": "a\x00b"},
    )
    assert response.status_code == 422
    assert "NUL" in response.text
    _unchanged(world)


def test_a_nul_in_the_sign_in_form_is_a_refused_sign_in(world: World) -> None:
    client = world.client()
    page = client.get("/login").text
    response = client.post(
        "/login", data={"username": "admin\x00", "password": "x\x00", "csrf_token": form_token(page)}
    )
    assert response.status_code == 401
    assert "wrong username or password" in response.text


def test_a_nul_in_a_case_file_body_names_the_field(world: World) -> None:
    client = world.client("investigator")
    body = casefiles.dump(sjia_patient("pa-nul", SITE_A))
    body["encounters"][0]["note"] = "visit\x00note"
    response = client.json_call("POST", "/api/v1/patients", json=body)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["error"]["field"] == "encounters[0].note"
    with world.db.session() as session, pytest.raises(Exception, match="pa-nul"):
        read_version(session, "pa-nul")


def test_a_nul_in_an_api_encounter_names_the_field(world: World) -> None:
    client = world.client("investigator")
    body = {"version": 1, "date": "2024-02-01", "labs": [{"analyte": "ferritin", "value": "8\x0000", "unit": "ng/mL"}]}
    response = client.json_call("POST", f"/api/v1/patients/{PATIENT_A}/encounters", json=body)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["error"]["field"] == "labs[0].value"
    _unchanged(world)


@pytest.mark.parametrize("ref", ["%C3%A9", "%F2%B4%A0%8Du", "R%E2%80%AE00"])
def test_a_statistician_asking_for_a_non_ascii_pseudonym_gets_a_404(world: World, ref: str) -> None:
    """The pseudonym comparison took only ASCII text and failed as a server error (found by schemathesis)."""
    client = world.client("statistician")
    for url in (f"/patients/{ref}", f"/api/v1/patients/{ref}/version"):
        response = client.get(url)
        assert response.status_code == 404, f"{url}: {response.status_code}"
