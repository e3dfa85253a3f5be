"""Session fixation, CSRF and sign-in throttling, attacked rather than only used.

* Session fixation: a session token is minted by the server at sign-in and by
  nobody else; a cookie planted before sign-in is never adopted, and a session
  the browser already held is ended when someone signs in over it (an attacker
  who planted their own session learns nothing from what the victim does next).
* CSRF: every state-changing route, read from the app's route table, refuses a
  request without the session's token and with another session's token, and
  nothing is stored.
* Throttling: per username (case-insensitive) and per address, and the window
  ends.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute

from remit.services import web_sessions
from remit.services.web_records import read_version
from remit.services.web_sessions import MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_USER, THROTTLE_WINDOW
from remit.web.access import SAFE_METHODS, SESSION_COOKIE, Access, api_routes, rule_of
from tests.web.conftest import PASSWORD, PATIENT_A, Client, World


def login_token(html: str) -> str:
    """The sign-in form's own token (a signed-in page also carries the session's, for signing out)."""
    found = re.search(r'action="/login"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]*)"', html)
    assert found is not None, "no sign-in form"
    return found.group(1)


def sign_in(client: Client, username: str, password: str = PASSWORD) -> int:
    page = client.get("/login")
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": login_token(page.text)}
    )
    issued = answer.cookies.get(SESSION_COOKIE)
    if issued:  # one session cookie in the jar, as in a browser (the server's replaces a planted one)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, issued)
    return answer.status_code


def session_cookie(client: Client) -> str | None:
    return client.cookies.get(SESSION_COOKIE)


def with_token(world: World, token: str) -> Client:
    client = world.client()
    client.cookies.set(SESSION_COOKIE, token)
    return client


# ----- session fixation ----------------------------------------------------------------------


def test_a_planted_session_cookie_is_never_adopted(world: World) -> None:
    planted = "attacker-chosen-session-token-0123456789abcdef"
    client = world.client()
    client.cookies.set(SESSION_COOKIE, planted)
    assert client.get("/patients").status_code == 303, "an unknown token signs nobody in"
    assert sign_in(client, "investigator") == 303
    issued = session_cookie(client)
    assert issued is not None
    assert issued != planted
    assert with_token(world, planted).get("/patients").status_code == 303
    assert with_token(world, issued).get("/patients").status_code == 200


def test_signing_in_over_a_live_session_ends_that_session(world: World) -> None:
    """The attacker signs in to their own account and plants the cookie; the victim then signs in."""
    attacker = world.client()
    assert sign_in(attacker, "dataentry") == 303
    planted = session_cookie(attacker)
    assert planted is not None
    victim = world.client()
    victim.cookies.set(SESSION_COOKIE, planted)
    assert sign_in(victim, "investigator") == 303
    issued = session_cookie(victim)
    assert issued is not None
    assert issued != planted
    assert with_token(world, planted).get("/patients").status_code == 303, "the planted session is over"
    me = with_token(world, issued).get("/api/v1/me").json()
    assert me["username"] == "investigator"


def test_every_sign_in_gets_a_new_session_and_csrf_token(world: World) -> None:
    first, second = world.client(), world.client()
    assert sign_in(first, "admin") == 303
    assert sign_in(second, "admin") == 303
    assert session_cookie(first) != session_cookie(second)
    assert first.get("/api/v1/me").json()["csrf_token"] != second.get("/api/v1/me").json()["csrf_token"]


def test_a_signed_out_session_token_cannot_be_replayed(world: World) -> None:
    client = world.client()
    assert sign_in(client, "investigator") == 303
    token = session_cookie(client)
    assert token is not None
    csrf = client.get("/api/v1/me").json()["csrf_token"]
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
    replay = with_token(world, token)
    assert replay.get("/patients").status_code == 303
    assert replay.get("/api/v1/me").status_code == 401


def test_a_password_change_ends_the_users_other_sessions(world: World) -> None:
    from remit.services.accounts import set_password
    from tests.web.conftest import HASHER

    client = world.client("dataentry")
    assert client.get("/patients").status_code == 200
    with world.db.session() as session:
        set_password(
            session,
            world.users["dataentry"].id,
            "a new password 123",
            expected_version=world.users["dataentry"].version,
            actor="admin",
            hasher=HASHER,
        )
    assert client.get("/patients").status_code == 303


# ----- CSRF --------------------------------------------------------------------------------


def _state_changing_routes(world: World) -> list[tuple[str, str]]:
    found = []
    for route in api_routes(world.app.routes):
        assert isinstance(route, APIRoute)
        if rule_of(route).access is not Access.SIGNED_IN:
            continue
        found.extend((method, route.path) for method in sorted(route.methods or ()) if method not in SAFE_METHODS)
    return found


def _url(world: World, path: str) -> str:
    return (
        path.replace("{patient_id}", PATIENT_A)
        .replace("{section}", "encounters")
        .replace("{item_id}", "e1")
        .replace("{link_id}", "1")
        .replace("{user_id}", str(world.users["dataentry"].id))
        .replace("{site_code}", "site-a")
    )


@pytest.mark.parametrize("token", ["missing", "other session's", "empty"])
def test_every_state_changing_route_refuses_a_missing_or_foreign_csrf_token(world: World, token: str) -> None:
    client = world.client("admin")
    other = world.client("investigator")
    routes = _state_changing_routes(world)
    assert len(routes) >= 20, "the route table was read"
    headers = {"missing": {}, "other session's": {"X-CSRF-Token": other.csrf}, "empty": {"X-CSRF-Token": ""}}[token]
    form = {} if token == "missing" else {"csrf_token": headers["X-CSRF-Token"]}
    with world.db.session() as session:
        before = read_version(session, PATIENT_A)
    for method, path in routes:
        url = _url(world, path) + "?version=1"
        as_header = client.request(method, url, headers=headers)
        assert as_header.status_code == 403, f"{method} {path}: {as_header.status_code}"
        if method == "POST" and not path.startswith("/api/"):
            as_form = client.post(url, data={**form, "version": "1", "date": "2024-02-01"})
            assert as_form.status_code == 403, f"{method} {path} (form): {as_form.status_code}"
        if path.startswith("/api/"):
            assert as_header.json()["error"]["code"] == "csrf_refused"
    with world.db.session() as session:
        assert read_version(session, PATIENT_A) == before, "a refused request stored something"
    assert client.get("/patients").status_code == 200, "the session itself is still good"


def test_a_csrf_token_only_works_with_its_own_session(world: World) -> None:
    client = world.client("investigator")
    refused = client.request("POST", f"/patients/{PATIENT_A}/diary-links", headers={"X-CSRF-Token": "x" * 43})
    assert refused.status_code == 403
    accepted = client.request("POST", f"/patients/{PATIENT_A}/diary-links", headers={"X-CSRF-Token": client.csrf})
    assert accepted.status_code in (200, 201, 303)


# ----- throttling --------------------------------------------------------------------------


def test_throttling_counts_a_username_whatever_its_case(world: World) -> None:
    client = world.client()
    for spelling in ["DataEntry", "DATAENTRY", "dataentry", " dataentry ", "dAtAeNtRy"][:MAX_FAILURES_PER_USER]:
        assert sign_in(client, spelling, "wrong wrong wrong") == 401
    assert sign_in(client, "dataentry") == 429
    assert sign_in(client, "admin") == 303, "other users are not locked out by one user's failures"


def test_throttling_per_address_stops_guessing_across_usernames(world: World) -> None:
    client = world.client()
    for i in range(MAX_FAILURES_PER_ADDRESS):
        assert sign_in(client, f"guess-{i}", "wrong wrong wrong") == 401
    assert sign_in(client, "admin") == 429, "the right password of another user is refused too from this address"


def test_the_throttle_window_ends(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.client()
    for _ in range(MAX_FAILURES_PER_USER):
        assert sign_in(client, "statistician", "wrong wrong wrong") == 401
    assert sign_in(client, "statistician") == 429
    real_now = web_sessions.now
    monkeypatch.setattr(web_sessions, "now", lambda: real_now() + THROTTLE_WINDOW + timedelta(seconds=1))
    assert sign_in(client, "statistician") == 303


def test_a_throttled_sign_in_tells_nothing_about_the_password(world: World) -> None:
    client = world.client()
    for _ in range(MAX_FAILURES_PER_USER):
        sign_in(client, "investigator", "wrong wrong wrong")
    right, wrong = sign_in(client, "investigator"), sign_in(client, "investigator", "still wrong")
    assert right == wrong == 429
