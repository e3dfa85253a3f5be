"""The exports page: patients of the user's sites as a case file, a FHIR R4
Bundle, or a REDCap / tidy / SPSS dataset (zipped). Every patient exported is
logged in the audit trail with the format and the reason (through
:func:`remit.services.interop.export_patients`). Statisticians' exports are
always de-identified; identified exports need the administrator or investigator role.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import yaml
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from remit import casefiles
from remit.interop.deidentify import deidentify
from remit.interop.exports import DatasetFormat, write_dataset
from remit.interop.fhir.writing import collection, dumps, entries
from remit.interop.subjects import ExportSubject, identified
from remit.services.interop import export_patients
from remit.services.web_records import patients_of
from remit.web.access import EXPORT, Principal, allow, app_state, db_session, principal
from remit.web.forms import FormState, InvalidFormError, form_values
from remit.web.pages import render

router = APIRouter(include_in_schema=False)
FORMATS = {
    "casefile": "Case file (YAML, one patient, identified)",
    "fhir": "FHIR R4 Bundle (JSON)",
    "redcap": "REDCap CSV + data dictionary (zip)",
    "tidy": "Tidy CSV per form (zip)",
    "spss": "SPSS .sav (zip)",
}


def _page(
    request: Request, session: Session, user: Principal, state: FormState, status_code: int = 200
) -> HTMLResponse:
    ids = [] if user.pseudonymised else [p.patient_id for p in patients_of(session, user.sites)]
    return render(
        request,
        "exports.html",
        status_code,
        formats=FORMATS,
        state=state,
        patient_ids=ids,
        identified=user.identified_exports,
    )


@allow(EXPORT)
def exports_page(
    request: Request, session: Annotated[Session, Depends(db_session)], user: Annotated[Principal, Depends(principal)]
) -> HTMLResponse:
    return _page(request, session, user, FormState(values={"format": "fhir", "deidentify": "yes"}))


@allow(EXPORT)
async def export(
    request: Request, session: Annotated[Session, Depends(db_session)], user: Annotated[Principal, Depends(principal)]
) -> Response:
    values = form_values((await request.form()).multi_items())
    fmt = str(values.get("format", ""))
    patient = str(values.get("patient", "")).strip()
    deidentified = values.get("deidentify") == "yes" or not user.identified_exports
    reason = str(values.get("reason", "")).strip() or None
    errors: dict[str, str] = {}
    visible = [p.patient_id for p in patients_of(session, user.sites)]
    if fmt not in FORMATS:
        errors["format"] = "choose a format"
    if patient and (user.pseudonymised or patient not in visible):
        errors["patient"] = "not one of the patients of your sites"
    if fmt == "casefile" and (deidentified or not patient):
        errors["format"] = "a case file is one patient, identified: choose a patient and untick de-identify"
    if not visible:
        errors["patient"] = "there are no patients to export"
    if errors:
        state = FormState(values=values, errors=errors, message=InvalidFormError(errors).message)
        return _page(request, session, user, state, 422)
    ids = [patient] if patient else visible
    purpose = f"{fmt} export ({'de-identified' if deidentified else 'identified'}) from the web app"
    records = export_patients(session, ids, actor=user.name, purpose=purpose, reason=reason)
    keys = app_state(request).keys
    subjects: list[ExportSubject] = [deidentify(r, keys) if deidentified else identified(r) for r in records]
    stamp = datetime.now(UTC)
    name = f"remit-{fmt}-{stamp:%Y%m%dT%H%M%SZ}"
    if fmt == "casefile":
        text = yaml.safe_dump(casefiles.dump(records[0]), sort_keys=False, allow_unicode=True)
        return _attachment(text.encode("utf-8"), f"{records[0].patient.id}.yaml", "application/yaml")
    if fmt == "fhir":
        bundle = collection([entry for s in subjects for entry in entries(s)], timestamp=stamp)
        return _attachment((dumps(bundle) + "\n").encode("utf-8"), f"{name}.json", "application/fhir+json")
    with tempfile.TemporaryDirectory() as folder:
        written = write_dataset(subjects, DatasetFormat(fmt), folder, at=stamp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, Path(path).relative_to(folder).as_posix())
    return _attachment(buffer.getvalue(), f"{name}.zip", "application/zip")


def _attachment(data: bytes, filename: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


router.add_api_route("/exports", exports_page, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/exports", export, methods=["POST"])
