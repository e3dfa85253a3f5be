"""The JSON API against its own OpenAPI description, with generated requests (schemathesis).

Every operation of ``/api/v1/openapi.json`` is called with requests Hypothesis
builds from the schema - valid ones and hostile ones (wrong types, huge numbers,
odd unicode, broken case files) - by every role, on a patient of the caller's
own site, of another site, one that does not exist, or whatever id the
generator made up (``%00`` included). Two properties must hold for every
response (and schemathesis' own checks: documented status codes, content
types and response schemas):

* no 5xx: whatever the input, the app answers with a result or a structured
  error (``{"error": {"code", "message", "field"}}``);
* no leak: nothing of the other site's patient (its id, its site, its marker
  note) appears in a response unless the caller typed it into the request;
  another site's patient answers exactly like one that does not exist (same
  status, same error code); a statistician never sees a registry id or a
  birth date.

Found by it and fixed: the description did not declare the ``patient_id``
path parameter of eight operations (it was read by the access guard), so no
client generator could call them; a body that is not JSON answered an
undocumented 400.

Bounded and deterministic: ``derandomize=True``, a fixed number of examples per
operation, no deadline (the first call of an operation warms caches).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from remit.persistence.schema import migrate
from remit.services.web_records import add_patient
from tests.conftest import BACKENDS
from tests.databases import empty_postgres
from tests.web.conftest import PATIENT_A, PATIENT_B, SITE_A, SITE_B, Client, World, build_world
from tests.web.records import sjia_patient

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
"""Schemathesis' checks of what the API answers against what its description promises."""
ROLES = ("admin", "investigator", "dataentry", "statistician")
TARGETS = ("own", "other", "unknown", "generated")
MARKER_B = "marker-of-site-b-only"
BIRTH_A = "2016-05-17"


@pytest.fixture(scope="module", params=BACKENDS)
def api_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'remit.sqlite3'}"
        migrate(url)
    else:
        url = request.getfixturevalue("postgres_url")
    world = build_world(url)
    record = sjia_patient("pb-2", SITE_B)
    record = replace(record, patient=replace(record.patient, note=MARKER_B))
    with world.db.session() as session:
        add_patient(session, record, actor="tests")
    try:
        yield world
    finally:
        world.db.dispose()
        world.app.state.remit.db.dispose()
        if request.param != "sqlite":
            empty_postgres(url)


@pytest.fixture(scope="module")
def clients(api_world: World) -> dict[str, Client]:
    return {role: api_world.client(role) for role in ROLES}


def _schema() -> Any:
    """The schema of an app built at collection time (the operations do not depend on the data);
    every call is then sent to the module's own app (``case.call(app=...)``)."""
    import shutil
    import tempfile

    from remit.config import Settings
    from remit.web import create_app
    from tests.web.conftest import web_settings

    folder = tempfile.mkdtemp(prefix="remit-schema-")
    url = f"sqlite:///{folder}/schema.sqlite3"
    migrate(url)
    app = create_app(Settings(database_url=url), web_settings())
    loaded = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    app.state.remit.db.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return loaded


schema = _schema()


def _patient_ref(world: World, role: str, target: str) -> str:
    patient = {"own": PATIENT_A, "other": PATIENT_B, "unknown": "no-such-patient"}[target]
    return world.pseudonym(patient) if role == "statistician" else patient


def _request_text(case: Any) -> str:
    parts = [case.path_parameters, case.query, case.body]
    return json.dumps(parts, default=str, ensure_ascii=False)


def _code(response: Any) -> str | None:
    if response.status_code < 400:
        return None
    code = response.json()["error"]["code"]
    assert isinstance(code, str)
    return code


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), target=st.sampled_from(TARGETS))
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_never_leaks_another_sites_data(
    case: Any, role: str, target: str, api_world: World, clients: dict[str, Client]
) -> None:
    if case.path_parameters and "patient_id" in case.path_parameters and target != "generated":
        case.path_parameters["patient_id"] = _patient_ref(api_world, role, target)
    client = clients[role]
    cookies = dict(client.cookies.items())
    response = case.call(app=api_world.app, headers={"X-CSRF-Token": client.csrf}, cookies=cookies)
    status = response.status_code
    text = response.text
    assert status < 500, f"{case.method} {case.formatted_path}: {status} {text[:300]}"
    case.validate_response(response, checks=CHECKS)
    if status >= 400:
        error = response.json()["error"]
        assert {"code", "message", "field"} <= set(error), text[:300]
    asked = _request_text(case)
    for secret in (PATIENT_B, "pb-2", SITE_B, MARKER_B):
        if secret not in asked:
            assert secret not in text, f"{role} {case.method} {case.formatted_path} leaked {secret!r}"
    if target == "other" and case.path_parameters and "patient_id" in case.path_parameters:
        case.path_parameters["patient_id"] = _patient_ref(api_world, role, "unknown")
        absent = case.call(app=api_world.app, headers={"X-CSRF-Token": client.csrf}, cookies=cookies)
        assert (status, _code(response)) == (absent.status_code, _code(absent)), (
            "another site's patient must answer exactly like a patient that does not exist"
        )
    if role == "statistician":
        for identifier in (PATIENT_A, BIRTH_A, SITE_A + "/" + PATIENT_A):
            assert identifier not in text, f"statistician saw {identifier!r} in {case.formatted_path}"
