"""The access matrix, generated from the app's route table.

Every route x method x caller (anonymous or each role) x patient (own site or
other site) is requested, and the status is checked against the route's access
rule (:mod:`remit.web.access`). A route added without a rule fails here (and
the app refuses to start). Patient routes of another site are 404 for every
role and method; a role the rule does not allow gets 403; anonymous callers
are sent to the sign-in page (401 on the API).

State-changing requests carry a valid CSRF token, so the rule, not the token,
decides; their bodies are empty, so nothing is stored (the forms require a
version or fields) - except sign-out, which each case does on its own session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from remit.services.web_sessions import create_diary_link
from remit.web.access import Access, MissingAccessRuleError, Rule, allow, api_routes, check_routes, rule_of
from tests.conftest import BACKENDS
from tests.databases import empty_postgres
from tests.web.conftest import PATIENT_A, PATIENT_B, SITE_A, World, build_world

CALLERS = ("anonymous", "admin", "investigator", "dataentry", "statistician")


def _app_without_database() -> FastAPI:
    """The app's route table, read before any database exists (collection time)."""
    import shutil
    import tempfile

    from remit.config import Settings
    from remit.persistence.schema import migrate
    from remit.web import create_app
    from tests.web.conftest import web_settings

    folder = tempfile.mkdtemp(prefix="remit-routes-")
    url = f"sqlite:///{folder}/routes.sqlite3"
    migrate(url)
    app = create_app(Settings(database_url=url), web_settings())
    app.state.remit.db.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return app


_APP = _app_without_database()


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    caller: str
    site: str  # own | other | none

    @property
    def id(self) -> str:
        return f"{self.method} {self.path} {self.caller} {self.site}"


def _routes() -> list[APIRoute]:
    """The route table of an app (the routes do not depend on the database it serves)."""
    return list(api_routes(_APP.routes))


def _cases() -> list[Case]:
    cases = []
    for route in _routes():
        for method in sorted(route.methods or ()):
            sites = ("own", "other") if "{patient_id}" in route.path else ("none",)
            for caller in CALLERS:
                cases.extend(Case(method, route.path, caller, site) for site in sites)
    return cases


CASES = _cases()


@pytest.fixture(scope="module", params=BACKENDS)
def matrix_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if request.param == "sqlite":
        from remit.persistence.schema import migrate

        url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'remit.sqlite3'}"
        migrate(url)
    else:
        url = request.getfixturevalue("postgres_url")
    world = build_world(url)
    try:
        yield world
    finally:
        world.db.dispose()
        world.app.state.remit.db.dispose()
        if request.param != "sqlite":
            empty_postgres(url)


def _fill(world: World, case: Case) -> str:
    patient = PATIENT_A if case.site == "own" else PATIENT_B
    ref = world.pseudonym(patient) if case.caller == "statistician" else patient
    with world.db.session() as session:
        link = create_diary_link(session, PATIENT_A, actor="tests")
    values = {
        "patient_id": ref,
        "section": "medications",
        "item_id": "m1",
        "link_id": str(link.link.id),
        "user_id": str(world.users["dataentry"].id),
        "site_code": SITE_A,
        "token": link.token,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], case.path)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_route_answers_as_its_access_rule_says(matrix_world: World, case: Case) -> None:
    route = next(r for r in _routes() if r.path == case.path and case.method in (r.methods or ()))
    rule = rule_of(route)
    client = matrix_world.client(None if case.caller == "anonymous" else case.caller)
    url = _fill(matrix_world, case)
    headers = {"X-CSRF-Token": client.csrf} if client.csrf else {}
    response = client.request(case.method, url, headers=headers)
    status = response.status_code
    assert status < 500, response.text[:500]
    if rule.access is Access.PUBLIC:
        assert status != 404
        return
    if rule.access is Access.DIARY:
        assert status in (200, 303, 403, 422), "a valid diary link opens its page; a POST without its token is 403"
        return
    if case.caller == "anonymous":
        if case.path.startswith("/api/"):
            assert status == 401
        else:
            assert status == 303
            assert response.headers["location"].startswith("/login?next=")
        return
    role = matrix_world.users[case.caller].role
    if case.site == "other":
        assert status == 404, "another site's patient does not exist for this user"
    elif not rule.allows(role_of(role)):
        assert status == 403
    else:
        assert status not in (401, 403, 404), response.text[:500]


def role_of(value: str):  # type: ignore[no-untyped-def]
    from remit.services.accounts import Role

    return Role(value)


def test_every_route_has_an_access_rule() -> None:
    for route in _routes():
        assert isinstance(rule_of(route), Rule)


def test_a_route_without_an_access_rule_stops_the_app() -> None:
    from fastapi import APIRouter

    router = APIRouter()

    def unguarded() -> dict[str, str]:
        return {}

    router.add_api_route("/unguarded", unguarded, methods=["GET"])
    with pytest.raises(MissingAccessRuleError, match="/unguarded"):
        check_routes(router.routes)
    allow(Rule("test", Access.PUBLIC))(unguarded)
    check_routes(router.routes)


def test_the_matrix_covers_every_route_of_the_app(matrix_world: World) -> None:
    app_routes = {(r.path, m) for r in api_routes(matrix_world.app.routes) for m in r.methods or ()}
    covered = {(c.path, c.method) for c in CASES}
    assert app_routes == covered
