"""The patient list, the patient page and its fragments, and adding, editing
and deleting a patient."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.errors import RemitError, ValueParseError
from remit.persistence.repositories import PatientSummary
from remit.services.web_records import (
    StaleEditError,
    add_patient,
    audit_log,
    change_record,
    patients_of,
    remove_patient,
)
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
    patient_place,
    patient_ref,
    principal,
)
from remit.web.figures import course_png
from remit.web.forms import (
    FormState,
    InvalidFormError,
    edited_patient,
    form_values,
    new_patient,
    patient_fields,
    patient_values,
)
from remit.web.pages import redirect, render, today, wants_fragment
from remit.web.record_forms import SECTION_FORMS
from remit.web.views import (
    Badge,
    activity_over_time,
    badges,
    criteria_panel,
    default_index_date,
    diary_summary,
    dose_checks,
    pseudonymised,
    score_text,
    shifted_badges,
)

router = APIRouter(include_in_schema=False)

SessionDep = Annotated[Session, Depends(db_session)]
UserDep = Annotated[Principal, Depends(principal)]
PatientDep = Annotated[str, Depends(patient_ref)]


# ----- shared with the API -----------------------------------------------------------------


def visible_record(request: Request, session: Session, user: Principal, patient_id: str) -> tuple[PatientRecord, int]:
    """The record as this user may see it (pseudonymised for statisticians), and its version."""
    state = app_state(request)
    record, version = state.records.get(session, patient_id, known_version(request))
    return shown_record(request, user, patient_id, record, version), version


def shown_record(
    request: Request, user: Principal, patient_id: str, record: PatientRecord, version: int
) -> PatientRecord:
    """The stored ``record`` as this user may see it (pseudonymised for statisticians)."""
    if not user.pseudonymised:
        return record
    state = app_state(request)
    shown = state.derived.get_or_make(("pseudonymised", patient_id, version), lambda: pseudonymised(record, state.keys))
    assert isinstance(shown, PatientRecord)
    return shown


def patient_rows(request: Request, session: Session, user: Principal, query: str = "") -> list[dict[str, Any]]:
    """One row per visible patient: id as the user addresses it, summary and badges."""
    state = app_state(request)
    rows = []
    needle = query.strip().casefold()
    for summary in patients_of(session, user.sites):
        shown_id = state.keys.pseudonym(summary.patient_id) if user.pseudonymised else summary.patient_id
        if needle and not _matches(summary, shown_id, needle, pseudonymised=user.pseudonymised):
            continue
        record, version = state.records.get(session, summary.patient_id, summary.version)
        found = visible_badges(request, user, summary.patient_id, record, version)
        rows.append(
            {
                "id": shown_id,
                "site": summary.site,
                "sex": summary.sex.value,
                "birth": None if user.pseudonymised or summary.birth is None else summary.birth.iso(),
                "conditions": summary.conditions,
                "drugs": summary.drugs,
                "observations": summary.observations,
                "version": version,
                "badges": found,
            }
        )
    return rows


def visible_badges(
    request: Request, user: Principal, patient_id: str, record: PatientRecord, version: int
) -> tuple[Badge, ...]:
    """The list and page flags of the stored ``record`` (never of a pseudonymised copy, whose
    shifted dates would misjudge what is overdue today), with their dates shifted for a statistician."""
    state = app_state(request)
    day = today()
    found = badge_list(state.badges.get_or_make((patient_id, version, day), partial(badges, record, day)))
    if not user.pseudonymised:
        return found
    shown = state.derived.get_or_make(
        ("shifted badges", patient_id, version, day),
        lambda: shifted_badges(found, state.keys.shift_days(patient_id)),
    )
    return badge_list(shown)


def _matches(summary: PatientSummary, shown_id: str, needle: str, *, pseudonymised: bool) -> bool:
    haystack = [shown_id, summary.site, *summary.conditions, *summary.drugs, summary.sex.value]
    if not pseudonymised:
        haystack.append(summary.patient_id)
    return any(needle in text.casefold() for text in haystack)


def cached_criteria(
    request: Request, patient_id: str, version: int, user: Principal, record: PatientRecord, day: date | None
) -> list[dict[str, Any]]:
    """The criteria panel of a record version as of ``day`` (the record as this user sees it)."""
    if day is None:
        return []
    found = app_state(request).derived.get_or_make(
        ("criteria", patient_id, version, user.pseudonymised, day), lambda: criteria_panel(record, day)
    )
    assert isinstance(found, list)
    return found


def parse_day(text: str | None, field: str = "on") -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueParseError(f"{text!r} is not a date; use YYYY-MM-DD", field=field) from None


def badge_list(value: object) -> tuple[Badge, ...]:
    assert isinstance(value, tuple)
    return value


# ----- pages -------------------------------------------------------------------------------


@allow(READ)
def patient_list(request: Request, session: SessionDep, user: UserDep, q: str = "") -> HTMLResponse:
    rows = patient_rows(request, session, user, q)
    template = "partials/patient_rows.html" if wants_fragment(request) else "patients.html"
    return render(request, template, rows=rows, q=q)


@allow(READ)
def patient_page(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, on: str | None = None
) -> HTMLResponse:
    state = app_state(request)
    stored, version = state.records.get(session, patient_id, known_version(request))
    record = shown_record(request, user, patient_id, stored, version)
    day = parse_day(on) or default_index_date(record)
    key = ("page", patient_id, version, user.role, day, today())

    def build() -> Markup:
        columns, rows = activity_over_time(record)
        context = {
            "principal": user,
            "record": record,
            "version": version,
            "patient_id": state.keys.pseudonym(patient_id) if user.pseudonymised else patient_id,
            "on": day,
            "criteria": cached_criteria(request, patient_id, version, user, record, day),
            "score_text": score_text,
            "forms": SECTION_FORMS,
            "badges": visible_badges(request, user, patient_id, stored, version),
            "checks": dose_checks(record),
            "activity_columns": columns,
            "activity_rows": rows,
            "diary": diary_summary(record),
        }
        return Markup(state.templates.get_template("partials/patient_body.html").render(context))  # noqa: S704 - autoescaped template output

    body = state.pages.get_or_make(key, build)
    shown_id = state.keys.pseudonym(patient_id) if user.pseudonymised else patient_id
    place = patient_place(request)  # read with the session by the guard (None for a statistician)
    links = (place.diary_links, place.live_diary_links) if place is not None else (0, 0)
    return render(request, "patient.html", patient_id=shown_id, body=body, links=links)


@allow(READ)
def criteria_fragment(
    request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep, on: str | None = None
) -> Response:
    record, version = visible_record(request, session, user, patient_id)
    day = parse_day(on) or default_index_date(record)
    shown_id = app_state(request).keys.pseudonym(patient_id) if user.pseudonymised else patient_id
    if not wants_fragment(request):
        return redirect(f"/patients/{shown_id}" + (f"?on={day.isoformat()}" if day else ""))
    criteria = cached_criteria(request, patient_id, version, user, record, day)
    return render(request, "partials/criteria.html", criteria=criteria, on=day, patient_id=shown_id)


@allow(READ)
def course_figure(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> Response:
    record, version = visible_record(request, session, user, patient_id)
    image = app_state(request).figures.get_or_make(
        (patient_id, version, user.pseudonymised), lambda: course_png(record)
    )
    return Response(image, media_type="image/png")


@allow(AUDIT)
def patient_history(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> HTMLResponse:
    entries = audit_log(session, patient_ids={patient_id}, accounts=False, limit=500)
    return render(request, "audit.html", entries=entries, patient_id=patient_id)


# ----- adding, editing, deleting a patient ---------------------------------------------------


@allow(EDIT)
def new_patient_form(request: Request, user: UserDep) -> HTMLResponse:
    sites = sorted(user.sites)
    state = FormState(values={"site": sites[0] if sites else "", "sex": "unknown", "condition": "sjia"})
    return render(
        request,
        "form.html",
        title="New patient",
        fields=patient_fields(sites, new=True),
        state=state,
        action="/patients/new",
        cancel="/patients",
    )


@allow(EDIT)
async def create_patient(request: Request, session: SessionDep, user: UserDep) -> Response:
    values = form_values((await request.form()).multi_items())
    sites = sorted(user.sites)
    try:
        record = new_patient(values, sites)
        add_patient(session, record, actor=user.name, reason="web form")
    except RemitError as exc:
        state = _failed(values, exc)
        return render(
            request,
            "form.html",
            422,
            title="New patient",
            fields=patient_fields(sites, new=True),
            state=state,
            action="/patients/new",
            cancel="/patients",
        )
    return redirect(f"/patients/{record.patient.id}", "created")


@allow(EDIT)
def edit_patient_form(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> HTMLResponse:
    record, version = app_state(request).records.get(session, patient_id, known_version(request))
    state = FormState(values=patient_values(record), version=version)
    return _patient_form(request, user, patient_id, state)


def _patient_form(
    request: Request, user: Principal, patient_id: str, state: FormState, status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        "form.html",
        status_code,
        title=f"Edit patient {patient_id}",
        fields=patient_fields(sorted(user.sites), new=False),
        state=state,
        action=f"/patients/{patient_id}/edit",
        cancel=f"/patients/{patient_id}",
        delete_action=f"/patients/{patient_id}/delete" if user.may(DELETE) else None,
    )


@allow(EDIT)
async def save_patient(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> Response:
    values = form_values((await request.form()).multi_items())
    try:
        version = _version(values)
        change_record(
            session,
            patient_id,
            lambda r: edited_patient(r, values, sorted(user.sites)),
            expected_version=version,
            actor=user.name,
            reason="web form",
        )
    except RemitError as exc:
        return _patient_form(
            request, user, patient_id, _failed(values, exc), 409 if isinstance(exc, StaleEditError) else 422
        )
    return redirect(f"/patients/{patient_id}", "saved")


@allow(DELETE)
async def delete_patient(request: Request, session: SessionDep, user: UserDep, patient_id: PatientDep) -> Response:
    values = form_values((await request.form()).multi_items())
    version = _version(values)
    remove_patient(
        session,
        patient_id,
        expected_version=version,
        actor=user.name,
        reason=str(values.get("reason") or "") or "deleted in the web app",
    )
    return redirect("/patients", "deleted")


def _version(values: dict[str, Any]) -> int:
    text = values.get("version")
    if not isinstance(text, str) or not text.strip().isdigit():
        raise InvalidFormError({"version": "the form has no version; reload the page and try again"})
    return int(text)


def _failed(values: dict[str, Any], exc: RemitError) -> FormState:
    """The form again, with what was typed, the errors beside their fields, and for a stale
    edit the changes made since - and the current version, so saving again applies on top."""
    version_text = values.get("version")
    version = int(version_text) if isinstance(version_text, str) and version_text.isdigit() else None
    if isinstance(exc, StaleEditError):
        return FormState(values=values, message=exc.message, changes=exc.changes, version=exc.current_version)
    if isinstance(exc, InvalidFormError):
        return FormState(
            values=values, errors=exc.errors, message="Please correct the fields marked below.", version=version
        )
    errors = {exc.field: exc.message} if exc.field else {}
    return FormState(values=values, errors=errors, message=exc.message, version=version)


router.add_api_route("/patients", patient_list, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/patients/new", new_patient_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/patients/new", create_patient, methods=["POST"])
router.add_api_route("/patients/{patient_id}", patient_page, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/patients/{patient_id}/criteria", criteria_fragment, methods=["GET"])
router.add_api_route("/patients/{patient_id}/figure.png", course_figure, methods=["GET"])
router.add_api_route("/patients/{patient_id}/history", patient_history, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/patients/{patient_id}/edit", edit_patient_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/patients/{patient_id}/edit", save_patient, methods=["POST"])
router.add_api_route("/patients/{patient_id}/delete", delete_patient, methods=["POST"])
