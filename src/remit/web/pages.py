"""Rendering pages: the context every template gets, notices after a redirect,
and whether a request wants a whole page or an htmx fragment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from remit.web.access import CSRF_FIELD, app_state, optional_principal

# Messages shown after a redirect, by key: the query string never carries text to show.
NOTICES = {
    "saved": "Saved.",
    "created": "Patient created.",
    "deleted": "Deleted.",
    "signed_out": "You are signed out.",
    "link_created": "Diary link created. Copy it now: it is shown only once.",
    "link_revoked": "Diary link revoked.",
    "diary_saved": "Thank you - the day is saved.",
    "user_saved": "User saved.",
    "site_saved": "Site saved.",
}


def today() -> date:
    """The date protocol follow-up is judged against (the only clock the pages read)."""
    return datetime.now(UTC).date()


def wants_fragment(request: Request) -> bool:
    """An htmx request (not a boosted page load) gets only the fragment."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    principal = optional_principal(request)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    response: HTMLResponse = app_state(request).templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "csrf_field": CSRF_FIELD,
            "csrf_token": principal.csrf_token if principal is not None else "",
            "notice": notice,
            **context,
        },
        status_code=status_code,
    )
    return response


def redirect(url: str, notice: str | None = None) -> RedirectResponse:
    if notice is not None:
        assert notice in NOTICES
        url += ("&" if "?" in url else "?") + f"notice={notice}"
    return RedirectResponse(url, status_code=303)
