"""Who may call which route: one rule per route, checked by one guard for all.

Every endpoint is decorated with :func:`allow` and a :class:`Rule`; the app
runs :func:`guard` before every route (an app-wide dependency) and refuses to
start if a route has no rule. The guard, in this order:

1. signs the caller in from the session cookie (else 303 to ``/login``, or 401 on ``/api``);
2. resolves a ``{patient_id}`` in the path among the caller's sites - a patient of
   another site, like one that does not exist, is 404 for every role and method;
3. checks the role against the rule (403);
4. checks the CSRF token of every state-changing request (form field
   ``csrf_token`` or header ``X-CSRF-Token``; 403).

Statisticians see pseudonymised patients: the ``{patient_id}`` they use is the
pseudonym (HMAC of the id), never the registry id.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from remit.errors import NotFoundError, RemitError
from remit.persistence.accounts import Account, PatientPlace
from remit.services.accounts import Role
from remit.services.web_records import patients_of
from remit.services.web_sessions import session_access

if TYPE_CHECKING:
    from remit.web.state import AppState

F = TypeVar("F", bound=Callable[..., Any])

SESSION_COOKIE = "remit_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Access(enum.Enum):
    PUBLIC = "public"  # anyone (sign-in page, health)
    DIARY = "diary"  # the bearer of a diary link (the token in the path is checked by the route)
    SIGNED_IN = "signed_in"  # a signed-in user whose role is in ``roles``


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    access: Access
    roles: frozenset[Role] = frozenset()

    def allows(self, role: Role) -> bool:
        return self.access is not Access.SIGNED_IN or role in self.roles


_ALL = frozenset(Role)
_WRITERS = frozenset({Role.ADMINISTRATOR, Role.INVESTIGATOR, Role.DATA_ENTRY})

PUBLIC = Rule("public", Access.PUBLIC)
DIARY_LINK = Rule("diary link", Access.DIARY)
READ = Rule("read", Access.SIGNED_IN, _ALL)
EDIT = Rule("edit", Access.SIGNED_IN, _WRITERS)
DELETE = Rule("delete", Access.SIGNED_IN, frozenset({Role.ADMINISTRATOR, Role.INVESTIGATOR}))
EXPORT = Rule("export", Access.SIGNED_IN, frozenset({Role.ADMINISTRATOR, Role.INVESTIGATOR, Role.STATISTICIAN}))
AUDIT = Rule("audit", Access.SIGNED_IN, frozenset({Role.ADMINISTRATOR, Role.INVESTIGATOR}))
ADMINISTER = Rule("administer", Access.SIGNED_IN, frozenset({Role.ADMINISTRATOR}))
RULES = (PUBLIC, DIARY_LINK, READ, EDIT, DELETE, EXPORT, AUDIT, ADMINISTER)

IDENTIFIED_EXPORT_ROLES = frozenset({Role.ADMINISTRATOR, Role.INVESTIGATOR})
"""Roles that may take identified data out; a statistician's exports are always de-identified."""


class MissingAccessRuleError(RuntimeError):
    """A route was added without an access rule."""


class NotSignedInError(Exception):
    """No valid session: the handler redirects HTML requests to the sign-in page."""


class AccessDeniedError(RemitError, PermissionError):
    code = "forbidden"


class CsrfError(AccessDeniedError):
    code = "csrf_refused"


def allow(rule: Rule) -> Callable[[F], F]:
    """Declare the access rule of an endpoint (read by :func:`guard` and the access-matrix test)."""

    def mark(endpoint: F) -> F:
        endpoint.__remit_access__ = rule  # type: ignore[attr-defined]
        return endpoint

    return mark


def rule_of(route: APIRoute) -> Rule:
    found = getattr(route.endpoint, "__remit_access__", None)
    if not isinstance(found, Rule):
        raise MissingAccessRuleError(
            f"route {sorted(route.methods or ())} {route.path} ({route.name}) has no access rule"
        )
    return found


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every API route of a route table, including those of included routers (which recent
    FastAPI versions keep inside an included-router object instead of copying them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from api_routes(inner.routes)


def check_routes(routes: Iterable[Any]) -> None:
    """Refuse to build an app with an unguarded route."""
    for route in api_routes(routes):
        rule_of(route)


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in user of this request."""

    account: Account
    role: Role
    sites: frozenset[str]
    csrf_token: str
    token: str

    @property
    def name(self) -> str:
        return self.account.username

    @property
    def pseudonymised(self) -> bool:
        return self.role is Role.STATISTICIAN

    def may(self, rule: Rule) -> bool:
        return rule.allows(self.role)

    @property
    def identified_exports(self) -> bool:
        return self.role in IDENTIFIED_EXPORT_ROLES


def app_state(request: Request) -> AppState:
    found: AppState = request.app.state.remit
    return found


async def db_session(request: Request) -> AsyncIterator[Session]:
    """The request's database session. Async, so FastAPI does not hand its opening and closing to
    the thread pool (two thread switches per request): a ``Session`` connects only when a
    service begins a transaction, and every service ends its transactions itself."""
    with app_state(request).db.session() as session:
        yield session


def signed_in(request: Request, session: Session, patient_id: str | None = None) -> Principal | None:
    """The signed-in user, from the session cookie; with ``patient_id``, the place of that
    patient is read in the same query and kept for :func:`resolve_patient` and the route."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = session_access(session, token, patient_id)
    if found is None:
        return None
    account = found.account
    request.state.patient_place = found.patient
    return Principal(account, Role(account.role), frozenset(account.sites), found.session.csrf_token, token)


async def guard(request: Request, session: Annotated[Session, Depends(db_session)]) -> None:
    """The one access check, run before every route."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):  # pragma: no cover - only API routes have dependencies
        raise MissingAccessRuleError(f"no route to check for {request.url.path}")
    rule = rule_of(route)
    _refuse_nul_in_url(request)
    if rule.access is not Access.SIGNED_IN:
        request.state.principal = signed_in(request, session) if rule.access is Access.PUBLIC else None
        return
    ref = request.path_params.get("patient_id")
    principal = signed_in(request, session, None if ref is None else str(ref))
    if principal is None:
        raise NotSignedInError
    request.state.principal = principal
    if ref is not None:
        request.state.patient_id = resolve_patient(request, session, principal, str(ref))
    if not rule.allows(principal.role):
        raise AccessDeniedError(f"your role ({principal.role.label}) may not do this ({rule.name})")
    if request.method not in SAFE_METHODS:
        await check_csrf(request, principal.csrf_token)


def _refuse_nul_in_url(request: Request) -> None:
    """A path or query parameter holding U+0000 (``%00``) is refused before it reaches a query:
    PostgreSQL cannot compare text with it (it would fail as a server error), and no id or value has one."""
    named = [*request.path_params.items(), *request.query_params.multi_items()]
    for name, value in named:
        if "\x00" in f"{name}{value}":
            raise RemitError("may not contain a NUL character (U+0000)", field=str(name).replace("\x00", ""))


async def check_csrf(request: Request, expected: str) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not given or not secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise CsrfError(
            "the form has expired or did not come from this site (CSRF token missing or wrong); "
            "reload the page and try again"
        )


def resolve_patient(request: Request, session: Session, principal: Principal, ref: str) -> str:
    """The registry id of the patient ``ref`` names, if the caller may see it; else 404.

    For everyone but a statistician ``ref`` is the registry id, and its site was read with the
    session (:func:`signed_in`); a statistician's pseudonym is looked for among the patients of
    their sites (and the version is then read by the route, not known here)."""
    if principal.pseudonymised:
        request.state.patient_place = None
        keys = app_state(request).keys
        wanted = ref.encode("utf-8", "surrogatepass")  # compare_digest refuses non-ASCII str (a 500 before)
        for summary in patients_of(session, principal.sites):
            if secrets.compare_digest(keys.pseudonym(summary.patient_id).encode("utf-8"), wanted):
                return summary.patient_id
    else:
        place = getattr(request.state, "patient_place", None)
        if isinstance(place, PatientPlace) and place.site in principal.sites:
            return ref
    raise NotFoundError(f"no patient {ref!r} among the patients of your sites")


def patient_place(request: Request) -> PatientPlace | None:
    """The site, version and live diary links of the request's patient as the guard read them
    (None for a statistician, whose patient the guard finds by pseudonym). Routes use the version
    as the record cache's check, instead of reading it again."""
    found = getattr(request.state, "patient_place", None)
    return found if isinstance(found, PatientPlace) else None


def known_version(request: Request) -> int | None:
    place = patient_place(request)
    return None if place is None else place.version


async def principal(request: Request) -> Principal:
    """The signed-in user (for routes whose rule requires one). Async, like :func:`patient_ref`:
    a sync dependency costs a trip through the thread pool."""
    found = getattr(request.state, "principal", None)
    if not isinstance(found, Principal):  # pragma: no cover - the guard ran first
        raise NotSignedInError
    return found


def optional_principal(request: Request) -> Principal | None:
    found = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else None


PATIENT_PATH_DESCRIPTION = "The patient's id; for a statistician, the patient's pseudonym."


async def patient_ref(request: Request, patient_id: Annotated[str, Path(description=PATIENT_PATH_DESCRIPTION)]) -> str:
    """The registry id of the ``{patient_id}`` of the path, resolved by the guard.

    ``patient_id`` is declared here (not read from ``request.path_params``) so that every route
    using this dependency documents the path parameter in the OpenAPI description."""
    del patient_id  # the guard has resolved it (a statistician's pseudonym is not the registry id)
    found = getattr(request.state, "patient_id", None)
    if not isinstance(found, str):  # pragma: no cover - the guard ran first
        raise NotFoundError("no patient")
    return found
