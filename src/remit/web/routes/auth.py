"""Signing in and out.

The sign-in form is protected against login CSRF by a double-submit token: a
random value in an HttpOnly, SameSite=Strict cookie that the form must echo.
Against session fixation, the session token is always minted by the server at
sign-in, and a session the browser already held is ended by the new sign-in.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from remit.services.web_sessions import SignInRefusedError, TooManyAttemptsError, sign_in, sign_out
from remit.web.access import (
    CSRF_FIELD,
    PUBLIC,
    READ,
    SESSION_COOKIE,
    Principal,
    allow,
    app_state,
    db_session,
    optional_principal,
    principal,
)
from remit.web.forms import NUL
from remit.web.pages import redirect, render

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "remit_login_csrf"
REFUSED = "wrong username or password, or the account is inactive"  # as the sign-in service words it


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no protocol-relative URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/patients"
    return target


@allow(PUBLIC)
def home(request: Request) -> Response:
    return redirect("/patients" if optional_principal(request) else "/login")


@allow(PUBLIC)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return _login_page(request, next_url=safe_next(next))


def _login_page(
    request: Request, *, next_url: str, status_code: int = 200, error: str | None = None, username: str = ""
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", status_code, login_csrf=token, next_url=next_url, error=error, username=username
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/login",
        secure=app_state(request).web.secure_cookies,
    )
    return response


@allow(PUBLIC)
async def login(request: Request, session: Annotated[Session, Depends(db_session)]) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))
    password = str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "")))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    given = str(form.get(CSRF_FIELD, ""))
    if not expected or not secrets.compare_digest(expected.encode(), given.encode()):
        return _login_page(
            request,
            next_url=next_url,
            status_code=403,
            username=username,
            error="The sign-in form expired; please try again.",
        )
    state = app_state(request)
    address = request.client.host if request.client else "unknown"
    if NUL in username or NUL in password:  # no account has one, and PostgreSQL cannot even look it up
        return _login_page(request, next_url=next_url, status_code=401, username="", error=REFUSED)
    try:
        signed = sign_in(
            session, username, password, address=address, hasher=state.hasher, lifetime=state.web.session_lifetime
        )
    except TooManyAttemptsError as exc:
        return _login_page(request, next_url=next_url, status_code=429, username=username, error=exc.message)
    except SignInRefusedError as exc:
        return _login_page(request, next_url=next_url, status_code=401, username=username, error=exc.message)
    held = request.cookies.get(SESSION_COOKIE)
    if held:  # session fixation: a session planted in this browser must not outlive the new sign-in
        sign_out(session, held)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="strict",
        path="/",
        secure=state.web.secure_cookies,
        max_age=int(state.web.session_lifetime.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@allow(READ)
def logout(
    request: Request, user: Annotated[Principal, Depends(principal)], session: Annotated[Session, Depends(db_session)]
) -> Response:
    sign_out(session, user.token)
    response = redirect("/login", "signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


router.add_api_route("/", home, methods=["GET"])
router.add_api_route("/login", login_form, methods=["GET"], response_class=HTMLResponse)
router.add_api_route("/login", login, methods=["POST"])
router.add_api_route("/logout", logout, methods=["POST"])
