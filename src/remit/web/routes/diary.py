"""The family's diary page: one patient's AIDAI items, reached through a link
with a random token and no account. The link shows nothing but the diary form
and the days already entered through it; it cannot reach any other page.

Its form token (CSRF) is an HMAC of the link token under the app's secret key,
so it changes with the link and cannot be guessed without it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from remit.core.record import AIDAI_ITEMS
from remit.errors import NotFoundError, RemitError
from remit.persistence.accounts import DiaryLink
from remit.services.web_records import save_diary_day
from remit.services.web_sessions import diary_link
from remit.web.access import CSRF_FIELD, DIARY_LINK, CsrfError, allow, app_state, db_session
from remit.web.forms import DIARY_LABELS, FormState, InvalidFormError, diary_day, form_values
from remit.web.pages import redirect, render

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(db_session)]
SHOWN_DAYS = 14


def _link(session: Session, token: str) -> DiaryLink:
    found = diary_link(session, token)
    if found is None:
        raise NotFoundError("this diary link is not valid (any more); ask the clinic for a new one")
    return found


def form_token(request: Request, token: str) -> str:
    key = app_state(request).web.secret_key.encode("utf-8")
    return hmac.new(key, f"diary:{token}".encode(), hashlib.sha256).hexdigest()


def _page(
    request: Request, session: Session, token: str, link: DiaryLink, state: FormState, status_code: int = 200
) -> HTMLResponse:
    record, _ = app_state(request).records.get(session, link.patient_id)
    recent = list(reversed(record.diary))[:SHOWN_DAYS]
    return render(
        request,
        "diary.html",
        status_code,
        token=token,
        state=state,
        items=AIDAI_ITEMS,
        labels=DIARY_LABELS,
        recent=recent,
        diary_csrf=form_token(request, token),
    )


@allow(DIARY_LINK)
def diary_form(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    link = _link(session, token)
    return _page(request, session, token, link, FormState())


@allow(DIARY_LINK)
async def diary_save(request: Request, session: SessionDep, token: str) -> Response:
    link = _link(session, token)
    form = await request.form()
    given = str(form.get(CSRF_FIELD, ""))
    if not secrets.compare_digest(given.encode(), form_token(request, token).encode()):
        raise CsrfError("the diary form expired; reload the page and enter the day again")
    values = form_values(form.multi_items())
    try:
        save_diary_day(session, link, diary_day(values), records=app_state(request).records)
    except RemitError as exc:
        errors = exc.errors if isinstance(exc, InvalidFormError) else ({exc.field: exc.message} if exc.field else {})
        return _page(request, session, token, link, FormState(values=values, errors=errors, message=exc.message), 422)
    return redirect(f"/diary/{token}", "diary_saved")


router.add_api_route("/diary/{token}", diary_form, methods=["GET"], response_class=HTMLResponse, name="diary_form")
router.add_api_route("/diary/{token}", diary_save, methods=["POST"])
