"""Signing in and out, throttling, cookies, CSRF and the security headers."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from remit.services.web_sessions import MAX_FAILURES_PER_USER
from remit.web.app import CONTENT_SECURITY_POLICY
from tests.web.conftest import PASSWORD, World, form_token

STATIC = Path(__file__).parents[2] / "src" / "remit" / "web" / "static"


def sign_in(world: World, username: str, password: str, next_url: str = "/patients"):  # type: ignore[no-untyped-def]
    client = world.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "next": next_url, "csrf_token": form_token(page.text)},
    )
    return client, response


def test_sign_in_sets_a_strict_http_only_session_cookie_and_sign_out_ends_it(world: World) -> None:
    client, response = sign_in(world, "investigator", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/patients"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "remit_session=" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie.replace("samesite", "SameSite").replace("Strict", "strict")
    assert client.get("/patients").status_code == 200
    page = client.get("/patients").text
    assert client.post("/logout", data={"csrf_token": form_token(page)}).status_code == 303
    assert client.get("/patients").status_code == 303


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(world: World) -> None:
    _, wrong = sign_in(world, "investigator", "not the password")
    _, unknown = sign_in(world, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "wrong username or password" in wrong.text
    assert "wrong username or password" in unknown.text


def test_sign_in_is_throttled_after_repeated_failures_even_with_the_right_password(world: World) -> None:
    for _ in range(MAX_FAILURES_PER_USER):
        assert sign_in(world, "dataentry", "wrong wrong wrong")[1].status_code == 401
    _, response = sign_in(world, "dataentry", PASSWORD)
    assert response.status_code == 429
    assert "too many failed sign-ins" in response.text


def test_the_sign_in_form_needs_its_own_csrf_token(world: World) -> None:
    client = world.client()
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"], ids=["abs", "proto", "bs"])
def test_sign_in_never_redirects_off_site(world: World, target: str) -> None:
    _, response = sign_in(world, "admin", PASSWORD, next_url=target)
    assert response.headers["location"] == "/patients"


def test_passwords_are_stored_as_argon2id(world: World) -> None:
    assert world.users["admin"].password_hash.startswith("$argon2id$")


def test_state_changes_without_the_csrf_token_are_refused(world: World) -> None:
    client = world.client("investigator")
    response = client.post("/patients/pa-1/diary-links", data={})
    assert response.status_code == 403
    api = client.request("DELETE", "/api/v1/patients/pa-1?version=1")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "csrf_refused"


def test_pages_carry_the_security_headers(world: World) -> None:
    client = world.client("investigator")
    for url in ("/login", "/patients", "/patients/pa-1", "/api/v1/me"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self';" in CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"


def test_pages_have_no_inline_scripts_styles_or_event_handlers(world: World) -> None:
    client = world.client("admin")
    pages = [
        "/login",
        "/patients",
        "/patients/pa-1",
        "/patients/pa-1/encounters/new",
        "/patients/new",
        "/admin",
        "/audit",
        "/exports",
        "/cohort",
        "/patients/pa-1/diary-links",
        "/admin/users/new",
    ]
    for url in pages:
        html = client.get(url).text
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script, f"{url}: inline script"
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), f"{url}: inline script body"
        assert " style=" not in html, f"{url}: inline style attribute"
        assert "<style" not in html, f"{url}: style element"
        assert not re.search(r"\son[a-z]+=", html), f"{url}: inline event handler"


def test_the_vendored_htmx_is_the_recorded_version() -> None:
    notes = (STATIC / "VENDORED.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((STATIC / "htmx.min.js").read_bytes()).hexdigest()
    assert digest in notes
    assert "2.0.11" in notes
    assert (STATIC / "htmx-LICENSE.txt").exists()


def test_a_deactivated_user_is_signed_out(world: World) -> None:
    from remit.services.accounts import update_user

    client = world.client("dataentry")
    assert client.get("/patients").status_code == 200
    with world.db.session() as session:
        update_user(session, world.users["dataentry"].id, expected_version=1, actor="admin", active=False)
    assert client.get("/patients").status_code == 303
