"""Administration (sites, users, roles) and the audit log.

Administrators manage every account; patient data stays limited to their own
sites like everyone's. Every change of a site or user is audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from remit.errors import RemitError
from remit.services.accounts import (
    Role,
    create_site,
    create_user,
    get_user,
    list_sites,
    list_users,
    rename_site,
    set_password,
    update_user,
)
from remit.services.web_records import audit_log, patients_of
from remit.web.access import ADMINISTER, AUDIT, Principal, allow, app_state, db_session, principal
from remit.web.forms import Field, FormState, InvalidFormError, form_values
from remit.web.pages import redirect, render
from remit.web.routes.patients import _failed, _version

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(db_session)]
UserDep = Annotated[Principal, Depends(principal)]
ROLE_CHOICES = tuple((r.value, r.label) for r in Role)


def _user_fields(session: Session, *, new: bool) -> list[Field]:
    sites = tuple((s.code, s.code + (f" - {s.name}" if s.name else "")) for s in list_sites(session))
    fields = [Field("username", "Username", required=True)] if new else []
    fields += [
        Field("display_name", "Display name"),
        Field("role", "Role", "select", ROLE_CHOICES, required=True),
        Field("sites", "Sites", "checkboxes", sites),
    ]
    if new:
        fields.append(Field("password", "Password", "password", required=True, hint="at least 10 characters"))
    else:
        fields.append(Field("active", "Active", "select", (("yes", "active"), ("no", "deactivated")), required=True))
    return fields


@allow(ADMINISTER)
def admin_page(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "admin.html", users=list_users(session), sites=list_sites(session), site_state=FormState())


@allow(ADMINISTER)
async def add_site(request: Request, session: SessionDep, user: UserDep) -> Response:
    values = form_values((await request.form()).multi_items())
    try:
        create_site(session, str(values.get("code", "")), str(values.get("name", "")), actor=user.name)
    except RemitError as exc:
        return render(
            request,
            "admin.html",
            422,
            users=list_users(session),
            sites=list_sites(session),
            site_state=_failed(values, exc),
        )
    return redirect("/admin", "site_saved")


@allow(ADMINISTER)
async def change_site(request: Request, session: SessionDep, user: UserDep, site_code: str) -> Response:
    values = form_values((await request.form()).multi_items())
    rename_site(session, site_code, str(values.get("name", "")), actor=user.name)
    return redirect("/admin", "site_saved")


@allow(ADMINISTER)
def new_user_form(request: Request, session: SessionDep) -> HTMLResponse:
    return render(
        request,
        "form.html",
        title="New user",
        fields=_user_fields(session, new=True),
        state=FormState(values={"role": "data_entry"}),
        action="/admin/users/new",
        cancel="/admin",
    )


@allow(ADMINISTER)
async def add_user(request: Request, session: SessionDep, user: UserDep) -> Response:
    values = form_values((await request.form()).multi_items(), ("sites",))
    sites = values.get("sites", [])
    try:
        create_user(
            session,
            username=str(values.get("username", "")),
            display_name=str(values.get("display_name", "")),
            password=str(values.get("password", "")),
            role_name=str(values.get("role", "")),
            sites=[sites] if isinstance(sites, str) else sites,
            actor=user.name,
            hasher=app_state(request).hasher,
        )
    except RemitError as exc:
        values.pop("password", None)
        return render(
            request,
            "form.html",
            422,
            title="New user",
            fields=_user_fields(session, new=True),
            state=_failed(values, exc),
            action="/admin/users/new",
            cancel="/admin",
        )
    return redirect("/admin", "user_saved")


def _user_page(
    request: Request, session: Session, user_id: int, state: FormState, status_code: int = 200
) -> HTMLResponse:
    account = get_user(session, user_id)
    return render(
        request,
        "form.html",
        status_code,
        title=f"User {account.username}",
        fields=_user_fields(session, new=False),
        state=state,
        action=f"/admin/users/{user_id}",
        cancel="/admin",
        password_action=f"/admin/users/{user_id}/password",
    )


@allow(ADMINISTER)
def user_form(request: Request, session: SessionDep, user_id: int) -> HTMLResponse:
    account = get_user(session, user_id)
    values: dict[str, str | list[str]] = {
        "display_name": account.display_name,
        "role": account.role,
        "sites": list(account.sites),
        "active": "yes" if account.active else "no",
    }
    return _user_page(request, session, user_id, FormState(values=values, version=account.version))


@allow(ADMINISTER)
async def save_user(request: Request, session: SessionDep, user: UserDep, user_id: int) -> Response:
    get_user(session, user_id)
    values = form_values((await request.form()).multi_items(), ("sites",))
    sites = values.get("sites", [])
    try:
        active = values.get("active")
        if active not in ("yes", "no"):
            raise InvalidFormError({"active": "choose active or deactivated"})
        update_user(
            session,
            user_id,
            expected_version=_version(values),
            actor=user.name,
            display_name=str(values.get("display_name", "")),
            role_name=str(values.get("role", "")),
            sites=[sites] if isinstance(sites, str) else sites,
            active=active == "yes",
        )
    except RemitError as exc:
        return _user_page(request, session, user_id, _failed(values, exc), 422)
    return redirect("/admin", "user_saved")


@allow(ADMINISTER)
async def change_password(request: Request, session: SessionDep, user: UserDep, user_id: int) -> Response:
    get_user(session, user_id)
    values = form_values((await request.form()).multi_items())
    try:
        set_password(
            session,
            user_id,
            str(values.get("password", "")),
            expected_version=_version(values),
            actor=user.name,
            hasher=app_state(request).hasher,
        )
    except RemitError as exc:
        values.pop("password", None)
        return _user_page(request, session, user_id, _failed(values, exc), 422)
    return redirect("/admin", "user_saved")


@allow(AUDIT)
def audit_page(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    mine = {p.patient_id for p in patients_of(session, user.sites)}
    entries = audit_log(session, patient_ids=mine, accounts=user.may(ADMINISTER), limit=300)
    return render(request, "audit.html", entries=entries, patient_id=None)


router.add_api_route("/admin", admin_page, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/admin/sites", add_site, methods=["POST"])
router.add_api_route("/admin/sites/{site_code}", change_site, methods=["POST"])
router.add_api_route("/admin/users/new", new_user_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/admin/users/new", add_user, methods=["POST"])
router.add_api_route("/admin/users/{user_id}", user_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/admin/users/{user_id}", save_user, methods=["POST"])
router.add_api_route("/admin/users/{user_id}/password", change_password, methods=["POST"])
router.add_api_route("/audit", audit_page, methods=["GET"], response_class=HTMLResponse)
