"""The JSON API (``/api/v1``): the same services and views as the pages.

Authentication is the session cookie of ``POST /login``; state-changing calls
send the session's CSRF token (from ``GET /api/v1/me``) as ``X-CSRF-Token``.
Patients are exchanged in the case-file format (``docs/case-files.md``).
Errors have one shape: ``{"error": {"code", "message", "field", ...}}``; a
stale edit (409) adds ``current_version`` and ``changes``, an invalid form
(422) adds ``fields``.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from remit import casefiles
from remit.core.record import PatientRecord
from remit.errors import RemitError
from remit.services.web_records import add_patient, audit_log, change_record, read_version, remove_patient
from remit.web.access import (
    AUDIT,
    DELETE,
    EDIT,
    READ,
    Principal,
    allow,
    app_state,
    db_session,
    known_version,
    patient_ref,
    principal,
)
from remit.web.forms import Values, refuse_nul
from remit.web.record_forms import EncounterForm
from remit.web.routes.patients import cached_criteria, parse_day, patient_rows, visible_record
from remit.web.views import default_index_date, dose_checks

router = APIRouter(prefix="/api/v1", tags=["registry"])
SessionDep = Annotated[Session, Depends(db_session)]
UserDep = Annotated[Principal, Depends(principal)]
PatientDep = Annotated[str, Depends(patient_ref)]
CaseFile = Annotated[dict[str, Any], Body(description="A patient in the case-file format (docs/case-files.md).")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body could not be read (not JSON, or not UTF-8)."},
    401: {"description": "Not signed in."},
    403: {"description": "The role may not do this, or the CSRF token is missing or wrong."},
    404: {"description": "No such patient among the patients of your sites."},
    409: {"description": "Stale edit: the record changed since the given version (see `changes`)."},
    422: {"description": "Invalid input; `field` names the field."},
}


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    sites: list[str]
    csrf_token: str
    pseudonymised: bool


class Stored(BaseModel):
    id: str
    version: int


class LabIn(BaseModel):
    analyte: str = Field(description="Analyte id, e.g. ferritin (see `remit.core.analytes`).")
    value: str = Field(description="As reported: 2300, >2000, <0.5, high ...")
    unit: str | None = Field(default=None, description="UCUM unit as entered, e.g. ng/mL, 10*9/L.")


class EncounterIn(BaseModel):
    version: int = Field(description="The record version the new encounter is based on.")
    date: str
    kind: str = "unscheduled"
    month: int | None = None
    end: str | None = None
    weight_kg: str | None = None
    height_cm: str | None = None
    fever_c: str | None = Field(default=None, description="Maximum temperature; records a fever finding.")
    note: str | None = None
    labs: list[LabIn] = Field(default_factory=list)


class EncounterStored(BaseModel):
    id: str
    version: int
    encounter: str


def _shown_id(request: Request, user: Principal, patient_id: str) -> str:
    return app_state(request).keys.pseudonym(patient_id) if user.pseudonymised else patient_id


@allow(READ)
def me(user: UserDep) -> Me:
    a = user.account
    return Me(
        username=a.username,
        display_name=a.display_name,
        role=a.role,
        sites=sorted(user.sites),
        csrf_token=user.csrf_token,
        pseudonymised=user.pseudonymised,
    )


@allow(READ)
def list_patients(request: Request, session: SessionDep, user: UserDep, q: str = "") -> list[dict[str, Any]]:
    rows = patient_rows(request, session, user, q)
    return [
        {
            **row,
            "conditions": list(row["conditions"]),
            "drugs": list(row["drugs"]),
            "badges": [dataclasses.asdict(b) for b in row["badges"]],
        }
        for row in rows
    ]


@allow(EDIT)
def create_patient(session: SessionDep, user: UserDep, case_file: CaseFile, response: Response) -> Stored:
    record = casefiles.parse(case_file, source="request body")
    _check_site(record, user)
    version = add_patient(session, record, actor=user.name, reason="api")
    response.status_code = 201
    return Stored(id=record.patient.id, version=version)


def _check_site(record: PatientRecord, user: Principal) -> None:
    if record.patient.site not in user.sites:
        raise RemitError(
            f"site {record.patient.site!r} is not one of your sites ({', '.join(sorted(user.sites))})",
            field="patient.site",
        )


@allow(READ)
def get_patient(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> dict[str, Any]:
    record, version = visible_record(request, session, user, patient_id)
    return {"id": _shown_id(request, user, patient_id), "version": version, "record": casefiles.dump(record)}


@allow(EDIT)
def replace_patient(
    request: Request,
    session: SessionDep,
    user: UserDep,
    patient_id: PatientDep,
    case_file: CaseFile,
    version: Annotated[int, Query(description="The version the edit is based on.")],
) -> Stored:
    record = casefiles.parse(case_file, source="request body")
    _check_site(record, user)
    if record.patient.id != patient_id:
        raise RemitError(f"the body is patient {record.patient.id!r}, the path {patient_id!r}", field="patient.id")
    new = change_record(
        session,
        patient_id,
        lambda _: record,
        expected_version=version,
        actor=user.name,
        reason="api",
        records=app_state(request).records,
        stored_version=known_version(request),
    )
    return Stored(id=patient_id, version=new)


@allow(DELETE)
def delete_patient(
    session: SessionDep,
    user: UserDep,
    patient_id: PatientDep,
    version: Annotated[int, Query(description="The version the deletion is based on.")],
) -> Response:
    remove_patient(session, patient_id, expected_version=version, actor=user.name, reason="api")
    return Response(status_code=204)


@allow(READ)
def patient_criteria(
    request: Request,
    session: SessionDep,
    user: UserDep,
    patient_id: PatientDep,
    on: Annotated[str | None, Query(description="Index date YYYY-MM-DD (default: latest lab).")] = None,
) -> dict[str, Any]:
    record, version = visible_record(request, session, user, patient_id)
    day = parse_day(on) or default_index_date(record)
    return {
        "id": _shown_id(request, user, patient_id),
        "version": version,
        "on": day.isoformat() if day else None,
        "results": cached_criteria(request, patient_id, version, user, record, day),
    }


@allow(READ)
def patient_dose_checks(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> dict[str, Any]:
    record, version = visible_record(request, session, user, patient_id)
    return {
        "id": _shown_id(request, user, patient_id),
        "version": version,
        "checks": [c.to_dict() for c in dose_checks(record)],
    }


@allow(EDIT)
def add_encounter(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, body: EncounterIn, response: Response
) -> EncounterStored:
    values: Values = {
        "date": body.date,
        "kind": body.kind,
        "month": "" if body.month is None else str(body.month),
        "end": body.end or "",
        "weight": body.weight_kg or "",
        "height": body.height_cm or "",
        "fever": body.fever_c or "",
        "note": body.note or "",
    }
    for i, lab in enumerate(body.labs):
        values[f"labs[{i}].analyte"] = lab.analyte
        values[f"labs[{i}].value"] = lab.value
        values[f"labs[{i}].unit"] = lab.unit or ""
    refuse_nul(values)
    form = EncounterForm(lab_rows=len(body.labs))
    made: dict[str, str] = {}

    def change(record: PatientRecord) -> PatientRecord:
        changed = form.apply(record, values, None)
        known = {x.id for x in record.encounters}
        made["id"] = next(e.id for e in changed.encounters if e.id not in known)
        return changed

    version = change_record(
        session,
        patient_id,
        change,
        expected_version=body.version,
        actor=user.name,
        reason="api",
        records=app_state(request).records,
        stored_version=known_version(request),
    )
    response.status_code = 201
    return EncounterStored(id=patient_id, version=version, encounter=made["id"])


@allow(AUDIT)
def patient_history(session: SessionDep, patient_id: PatientDep) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "reason": e.reason,
            "before": e.before,
            "after": e.after,
        }
        for e in audit_log(session, patient_ids={patient_id}, accounts=False, limit=1000)
    ]


@allow(READ)
def patient_version(session: SessionDep, patient_id: PatientDep) -> dict[str, int]:
    return {"version": read_version(session, patient_id)}


router.add_api_route("/me", me, methods=["GET"], responses=ERRORS)
router.add_api_route("/patients", list_patients, methods=["GET"], responses=ERRORS)
router.add_api_route("/patients", create_patient, methods=["POST"], responses=ERRORS, status_code=201)
router.add_api_route("/patients/{patient_id}", get_patient, methods=["GET"], responses=ERRORS)
router.add_api_route("/patients/{patient_id}", replace_patient, methods=["PUT"], responses=ERRORS)
router.add_api_route(
    "/patients/{patient_id}",
    delete_patient,
    methods=["DELETE"],
    responses=ERRORS,
    status_code=204,
    response_class=Response,
)
router.add_api_route("/patients/{patient_id}/version", patient_version, methods=["GET"], responses=ERRORS)
router.add_api_route("/patients/{patient_id}/criteria", patient_criteria, methods=["GET"], responses=ERRORS)
router.add_api_route("/patients/{patient_id}/dose-checks", patient_dose_checks, methods=["GET"], responses=ERRORS)
router.add_api_route(
    "/patients/{patient_id}/encounters", add_encounter, methods=["POST"], responses=ERRORS, status_code=201
)
router.add_api_route("/patients/{patient_id}/history", patient_history, methods=["GET"], responses=ERRORS)
