"""Adding, editing and deleting the items of a record (encounters with labs,
diagnoses, findings, medication courses and dose changes, episodes, adverse
events), and handing out diary links.

Every form carries the record version it was read at; a save on an older
version is refused with what changed since (see :class:`~remit.services.web_records.StaleEditError`)
and the form comes back with everything typed still in it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from remit.errors import RemitError
from remit.services.web_records import StaleEditError, change_record, find_item, without_item
from remit.services.web_sessions import create_diary_link, diary_links, revoke_diary_link
from remit.web.access import EDIT, Principal, allow, app_state, db_session, known_version, patient_ref, principal
from remit.web.forms import ALL_LAB_UNITS, ANALYTE_CHOICES, FormState, form_values, unit_choices
from remit.web.pages import redirect, render
from remit.web.record_forms import DoseChangeForm, EncounterForm, SectionForm, section_form
from remit.web.routes.patients import _failed, _version

router = APIRouter(include_in_schema=False)

SessionDep = Annotated[Session, Depends(db_session)]
UserDep = Annotated[Principal, Depends(principal)]
PatientDep = Annotated[str, Depends(patient_ref)]


def _render_section(
    request: Request,
    form: SectionForm,
    patient_id: str,
    item_id: str | None,
    state: FormState,
    record_fields: list[object],
    status_code: int = 200,
) -> HTMLResponse:
    base = f"/patients/{patient_id}/{form.slug}"
    action = f"{base}/{item_id}/edit" if item_id else f"{base}/new"
    lab_rows = form.rows_for(state.values) if isinstance(form, EncounterForm) else 0
    return render(
        request,
        "form.html",
        status_code,
        title=f"{'Edit' if item_id else 'New'} {form.title.lower()} - {patient_id}",
        fields=record_fields,
        state=state,
        action=action,
        cancel=f"/patients/{patient_id}",
        delete_action=f"{base}/{item_id}/delete" if item_id else None,
        lab_rows=lab_rows,
        analytes=ANALYTE_CHOICES,
        units=unit_choices(),
        all_units=ALL_LAB_UNITS,
        patient_id=patient_id,
    )


@allow(EDIT)
def new_item_form(request: Request, session: SessionDep, patient_id: PatientDep, section: str) -> HTMLResponse:
    form = section_form(section)
    record, version = app_state(request).records.get(session, patient_id, known_version(request))
    state = FormState(values=form.initial(record), version=version)
    return _render_section(request, form, patient_id, None, state, list(form.fields(record)))


@allow(EDIT)
def edit_item_form(
    request: Request, session: SessionDep, patient_id: PatientDep, section: str, item_id: str
) -> HTMLResponse:
    form = section_form(section)
    record, version = app_state(request).records.get(session, patient_id, known_version(request))
    state = FormState(values=form.values_of(record, item_id), version=version)
    return _render_section(request, form, patient_id, item_id, state, list(form.fields(record)))


async def _save(
    request: Request, session: Session, user: Principal, patient_id: str, section: str, item_id: str | None
) -> Response:
    form = section_form(section)
    values = form_values((await request.form()).multi_items(), form.multi())
    record, _ = app_state(request).records.get(session, patient_id, known_version(request))
    if item_id is not None:
        find_item(record, form.section, item_id)  # 404 for an unknown item
    try:
        version = _version(values)
        change_record(
            session,
            patient_id,
            lambda r: form.apply(r, values, item_id),
            expected_version=version,
            actor=user.name,
            reason="web form",
            records=app_state(request).records,
            stored_version=known_version(request),
        )
    except RemitError as exc:
        state = _failed(values, exc)
        return _render_section(
            request,
            form,
            patient_id,
            item_id,
            state,
            list(form.fields(record)),
            409 if isinstance(exc, StaleEditError) else 422,
        )
    return redirect(f"/patients/{patient_id}", "saved")


@allow(EDIT)
async def create_item(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, section: str
) -> Response:
    return await _save(request, session, user, patient_id, section, None)


@allow(EDIT)
async def update_item(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, section: str, item_id: str
) -> Response:
    return await _save(request, session, user, patient_id, section, item_id)


@allow(EDIT)
async def delete_item(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, section: str, item_id: str
) -> Response:
    form = section_form(section)
    values = form_values((await request.form()).multi_items())
    version = _version(values)
    change_record(
        session,
        patient_id,
        lambda r: without_item(r, form.section, item_id),
        expected_version=version,
        actor=user.name,
        reason="deleted in the web app",
        records=app_state(request).records,
        stored_version=known_version(request),
    )
    return redirect(f"/patients/{patient_id}", "deleted")


@allow(EDIT)
def lab_row(request: Request, patient_id: PatientDep, i: int = 0) -> HTMLResponse:
    """One more empty lab row (htmx appends it to the encounter form)."""
    return render(
        request,
        "partials/lab_row_fragment.html",
        i=max(0, min(i, 200)),
        state=FormState(),
        analytes=ANALYTE_CHOICES,
        units=unit_choices(),
        all_units=ALL_LAB_UNITS,
        patient_id=patient_id,
    )


# ----- dose changes ---------------------------------------------------------------------------

DOSES = DoseChangeForm()


def _dose_page(
    request: Request, patient_id: str, item_id: str, state: FormState, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "form.html",
        status_code,
        title=f"Dose change of {item_id} - {patient_id}",
        fields=DOSES.fields(),
        state=state,
        action=f"/patients/{patient_id}/medications/{item_id}/doses/new",
        cancel=f"/patients/{patient_id}",
        delete_action=None,
        lab_rows=0,
    )


@allow(EDIT)
def new_dose_form(request: Request, session: SessionDep, patient_id: PatientDep, item_id: str) -> HTMLResponse:
    record, version = app_state(request).records.get(session, patient_id, known_version(request))
    course = find_item(record, "medications", item_id)
    last = max(course.doses, key=lambda d: d.start) if course.doses else None
    values: dict[str, str | list[str]] = {"unit": last.unit, "frequency": last.frequency.value} if last else {}
    return _dose_page(request, patient_id, item_id, FormState(values=values, version=version))


@allow(EDIT)
async def create_dose(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, item_id: str
) -> Response:
    values = form_values((await request.form()).multi_items())
    record, _ = app_state(request).records.get(session, patient_id, known_version(request))
    find_item(record, "medications", item_id)
    try:
        version = _version(values)
        change_record(
            session,
            patient_id,
            lambda r: DOSES.apply(r, item_id, values),
            expected_version=version,
            actor=user.name,
            reason="dose change",
            records=app_state(request).records,
            stored_version=known_version(request),
        )
    except RemitError as exc:
        return _dose_page(
            request, patient_id, item_id, _failed(values, exc), 409 if isinstance(exc, StaleEditError) else 422
        )
    return redirect(f"/patients/{patient_id}", "saved")


# ----- diary links ----------------------------------------------------------------------------


@allow(EDIT)
def diary_links_page(request: Request, session: SessionDep, patient_id: PatientDep) -> HTMLResponse:
    return render(
        request, "diary_links.html", patient_id=patient_id, links=diary_links(session, patient_id), new_link=None
    )


@allow(EDIT)
def new_diary_link(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> HTMLResponse:
    made = create_diary_link(session, patient_id, actor=user.name)
    url = str(request.url_for("diary_form", token=made.token))
    return render(
        request, "diary_links.html", 201, patient_id=patient_id, links=diary_links(session, patient_id), new_link=url
    )


@allow(EDIT)
def revoke_link(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, link_id: int) -> Response:
    revoke_diary_link(session, patient_id, link_id, actor=user.name)
    return redirect(f"/patients/{patient_id}/diary-links", "link_revoked")


P = "/patients/{patient_id}"
router.add_api_route(P + "/lab-row", lab_row, methods=["GET"], response_class=HTMLResponse)
router.add_api_route(P + "/diary-links", diary_links_page, methods=["GET"], response_class=HTMLResponse)
router.add_api_route(P + "/diary-links", new_diary_link, methods=["POST"], response_class=HTMLResponse)
router.add_api_route(P + "/diary-links/{link_id}/revoke", revoke_link, methods=["POST"])
router.add_api_route(
    P + "/medications/{item_id}/doses/new", new_dose_form, methods=["GET"], response_class=HTMLResponse
)
router.add_api_route(P + "/medications/{item_id}/doses/new", create_dose, methods=["POST"])
router.add_api_route(P + "/{section}/new", new_item_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route(P + "/{section}/new", create_item, methods=["POST"])
router.add_api_route(P + "/{section}/{item_id}/edit", edit_item_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route(P + "/{section}/{item_id}/edit", update_item, methods=["POST"])
router.add_api_route(P + "/{section}/{item_id}/delete", delete_item, methods=["POST"])
