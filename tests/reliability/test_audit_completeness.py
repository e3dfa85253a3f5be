"""Every mutation through every route leaves exactly one audit entry, with the true before and after.

The routes are not listed by hand: :func:`mutating_routes` reads every POST,
PUT, PATCH and DELETE route from the app's router, and the first test fails if
one has no scenario below (or is not one of the two sign-in routes, whose
record is the ``login_attempts`` and ``web_sessions`` tables themselves). A new
route therefore cannot escape this file.

Each scenario makes one request as a real client would. Around it the test
reads every table of the database and the state of the changed entity through
the services (independently of the audit log), then checks that

* the request succeeded and changed stored data,
* exactly one audit row was added, naming the right entity, action and actor,
* its ``before`` is the entity as it was read before the request, and its
  ``after`` the entity as read after it (``None`` for a creation's before and a
  deletion's after).

The same requests on a stale version are refused and change nothing at all:
no row in any table, no audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.routing import Route

from tests.reliability.audit_scenarios import SCENARIOS, Scenario, audit_entries, state_of
from tests.reliability.registry import table_contents
from tests.web.conftest import PASSWORD, World, build_world, form_token

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
SIGN_IN_ROUTES = {("POST", "/login"), ("POST", "/logout")}
SIGN_IN_TABLES = {"web_sessions", "login_attempts"}


def mutating_routes(world: World) -> set[tuple[str, str]]:
    """(method, path) of every state-changing route: the app's own routes and those of every
    included router (FastAPI keeps them inside the included-router object)."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, Route):  # APIRoute is one too
                found.update((method, route.path) for method in (route.methods or set()) & MUTATING)
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)

    walk(world.app.routes)
    return found


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    built = build_world(database_url)
    try:
        yield built
    finally:
        built.db.dispose()
        built.app.state.remit.db.dispose()


def test_every_mutating_route_has_a_scenario(database_url: str) -> None:
    world = build_world(database_url)
    try:
        routes = mutating_routes(world)
    finally:
        world.db.dispose()
        world.app.state.remit.db.dispose()
    assert len(routes) > 20, routes  # the walk reached the included routers
    covered = {key for key, _, _ in SCENARIOS}
    assert routes - covered - SIGN_IN_ROUTES == set(), "mutating routes without an audit scenario"
    assert covered - routes == set(), "scenarios for routes the app no longer has"
    assert routes >= SIGN_IN_ROUTES


@pytest.mark.parametrize(("route", "scenario"), [pytest.param(k, s, id=i) for k, i, s in SCENARIOS])
def test_a_mutation_leaves_one_audit_entry_with_before_and_after(
    world: World, route: tuple[str, str], scenario: Scenario
) -> None:
    call = scenario(world)
    engine = world.db.engine
    tables_before = table_contents(engine)
    audit_before = audit_entries(world)
    fixed_id = call.entity_id if isinstance(call.entity_id, str) else None
    state_before = state_of(world, call.entity, fixed_id) if fixed_id else None

    response = call.send()
    assert response.status_code in (200, 201, 204, 303), response.text[:2000]

    entity_id = fixed_id or call.entity_id()  # type: ignore[operator]
    new = audit_entries(world)[len(audit_before) :]
    assert len(new) == 1, f"{route}: {len(new)} audit entries: {new}"
    [entry] = new
    assert (entry.entity, entry.entity_id, entry.action, entry.actor) == (
        call.entity,
        entity_id,
        call.action,
        call.actor,
    )
    if call.action == "export":
        assert (entry.before, entry.after) == (None, None)
        changed = {n for n, rows in table_contents(engine).items() if rows != tables_before[n]}
        assert changed == {"audit_log"}, "an export changed stored data"
        return
    assert entry.before == state_before
    assert entry.after == state_of(world, call.entity, entity_id)
    assert (entry.before is None) == (call.action == "create")
    assert (entry.after is None) == (call.action == "delete")
    tables_after = table_contents(engine)
    changed = {n for n, rows in tables_after.items() if rows != tables_before[n]} - {"audit_log"} - SIGN_IN_TABLES
    assert changed, f"{route} reported success but changed no stored data"


@pytest.mark.parametrize(
    ("route", "scenario"),
    [
        pytest.param(k, s, id=i)
        for k, i, s in SCENARIOS
        if i
        in {
            "edit-user",
            "set-password",
            "api-replace",
            "api-delete",
            "api-encounter",
            "dose-change",
            "new-encounters",
            "new-diagnoses",
            "edit-diagnosis",
            "delete-finding",
            "web-edit",
            "web-delete",
        }
    ],
)
def test_a_stale_mutation_is_refused_and_changes_nothing(
    world: World, route: tuple[str, str], scenario: Scenario
) -> None:
    call = scenario(world)
    assert call.versioned, f"{route} has no version to make stale"
    before = table_contents(world.db.engine)
    response = call.send(stale=True)
    assert response.status_code in (409, 422), response.text[:2000]
    assert table_contents(world.db.engine) == before


@pytest.mark.parametrize("route", sorted(SIGN_IN_ROUTES))
def test_signing_in_and_out_change_only_the_sign_in_record(world: World, route: tuple[str, str]) -> None:
    """The two routes without an audit entry: what they change *is* the record of sign-ins."""
    if route == ("POST", "/login"):
        client = world.client()
        token = form_token(client.get("/login").text)
        before = table_contents(world.db.engine)
        response = client.post("/login", data={"username": "investigator", "password": PASSWORD, "csrf_token": token})
    else:
        client = world.client("investigator")
        before = table_contents(world.db.engine)
        response = client.form("/logout")
    assert response.status_code == 303, response.text[:2000]
    after = table_contents(world.db.engine)
    changed = {n for n, rows in after.items() if rows != before[n]}
    assert changed, "signing in or out changed nothing"
    assert changed <= SIGN_IN_TABLES, changed
