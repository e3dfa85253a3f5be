"""``create_app(settings)``: the registry in a browser, and its JSON API.

Pages are server-rendered Jinja2 templates; the parts htmx refreshes (the
criteria panel, the patient list rows, a lab row) are the same template files
the full pages include. Every page works without JavaScript. The JSON API
lives under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``) and calls the
same services as the pages. One JSON error shape everywhere:
``{"error": {"code": ..., "message": ..., "field": ...}}``.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from remit import __version__
from remit.config import Settings
from remit.errors import RemitError
from remit.services.accounts import password_hasher
from remit.services.web_database import WebDatabase
from remit.web import access
from remit.web.settings import WebSettings
from remit.web.state import AppState

HERE = Path(__file__).parent
API_PREFIX = "/api/v1"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # diary links carry their token in the path
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

_RAW_SECURITY_HEADERS = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()
)
_NO_STORE = (b"cache-control", b"no-store")

STATUS_BY_CODE = {
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "csrf_refused": 403,
    "sign_in_refused": 401,
    "too_many_attempts": 429,
    "storage_error": 503,
}


def create_app(settings: Settings, web: WebSettings | None = None) -> FastAPI:
    """The web app on the registry ``settings`` point at (which must be migrated: ``remit init``)."""
    web_settings = web or WebSettings.from_env()
    database = WebDatabase(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if web_settings.warm_cache:
            threading.Thread(target=_warm, args=(app.state.remit,), daemon=True).start()
        yield
        database.dispose()

    app = FastAPI(
        title="remit",
        version=__version__,
        description="Registry, criteria and outcomes for IL-1 blockade in paediatric systemic inflammatory disease. "
        "Research software, not a medical device: it explains and checks, it never decides. Sign in with "
        "`POST /login` (form) to get the session cookie; send the session's CSRF token "
        "(`GET /api/v1/me`) as `X-CSRF-Token` with every POST, PUT and DELETE.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN and needs inline script: not under this CSP
        redoc_url=None,
        dependencies=[Depends(access.guard)],
        lifespan=lifespan,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["remit_version"] = __version__
    templates.env.globals.update({rule.name.upper().replace(" ", "_"): rule for rule in access.RULES})
    app.state.remit = AppState(
        settings=settings,
        web=web_settings,
        db=database,
        templates=templates,
        hasher=password_hasher(
            time_cost=web_settings.argon2_time_cost,
            memory_cost=web_settings.argon2_memory_kib,
            parallelism=web_settings.argon2_parallelism,
        ),
        keys=web_settings.deidentification_keys,
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from remit.web.routes import admin, api, auth, cohort, diary, editing, exports, patients

    for module in (auth, patients, editing, diary, cohort, exports, admin, api):
        app.include_router(module.router)
    access.check_routes(app.routes)
    _install_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` (and ``Cache-Control: no-store`` outside ``/static/``) to every
    response that does not set them itself. A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware``
    (``app.middleware("http")``) costs a task and a stream per request, a measurable share of a page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # The raw header list, read once: ``MutableHeaders`` scanned and lower-cased it for
                # every header looked up and added (a twentieth of a cached page's server time).
                raw = list(message.get("headers", ()))
                present = {name.lower() for name, _ in raw}
                raw += [header for header in _RAW_SECURITY_HEADERS if header[0] not in present]
                if not static and b"cache-control" not in present:
                    raw.append(_NO_STORE)
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, with_headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The one JSON error shape."""
    return {"error": {"code": code, "message": message, "field": field, **extra}}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(access.NotSignedInError)
    async def not_signed_in(request: Request, exc: access.NotSignedInError) -> Response:
        if is_api(request):
            return JSONResponse(error_body("not_signed_in", "sign in first (POST /login)"), status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(RemitError)
    async def remit_error(request: Request, exc: RemitError) -> Response:
        status = STATUS_BY_CODE.get(exc.code, 422)
        if is_api(request):
            body = exc.to_dict()
            return JSONResponse({"error": body}, status_code=status)
        return _error_page(request, status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(first.get("msg", "invalid request"))
        if is_api(request):
            return JSONResponse(error_body("invalid_request", message, where or None), status_code=422)
        return _error_page(request, 422, f"{where}: {message}" if where else message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        if is_api(request) or request.url.path.startswith("/static/"):
            return JSONResponse(
                error_body(code, str(exc.detail)), status_code=exc.status_code, headers=getattr(exc, "headers", None)
            )
        return _error_page(request, exc.status_code, str(exc.detail))


def _error_page(request: Request, status: int, message: str) -> Response:
    state: AppState = request.app.state.remit
    response: HTMLResponse = state.templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "principal": access.optional_principal(request)},
        status_code=status,
    )
    return response


def _warm(state: AppState) -> None:
    """Fill the record and badge caches in the background, so the first patient list is quick."""
    from remit.services.web_records import patients_of
    from remit.web.pages import today
    from remit.web.views import badges

    try:
        with state.db.session() as session:
            for summary in patients_of(session, _all_sites(session)):
                record, version = state.records.get(session, summary.patient_id)
                day = today()
                state.badges.get_or_make((summary.patient_id, version, day), partial(badges, record, day))
    except Exception:  # warming is an optimisation: the pages compute what is missing on demand
        return


def _all_sites(session: Any) -> set[str]:
    from remit.services.accounts import list_sites

    return {s.code for s in list_sites(session)}
