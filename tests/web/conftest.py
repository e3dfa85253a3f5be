"""Fixtures for the web app: a migrated database (SQLite and PostgreSQL, through the
shared ``database_url`` fixture), two sites with one patient each, one user of each
role on site A (and an investigator on site B), and signed-in clients.

Sessions are started through the service (no password round trip) except in the
sign-in tests; argon2 runs with cheap parameters so the suite stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from remit.config import Settings
from remit.persistence.accounts import Account
from remit.services.accounts import Role, create_site, create_user, password_hasher
from remit.services.web_database import WebDatabase
from remit.services.web_records import add_patient
from remit.services.web_sessions import start_session
from remit.web import WebSettings, create_app
from tests.web.records import sjia_patient

SITE_A, SITE_B = "site-a", "site-b"
PATIENT_A, PATIENT_B = "pa-1", "pb-1"
PASSWORD = "correct horse battery"
HASHER = password_hasher(time_cost=1, memory_cost=8, parallelism=1)
SECRET = "test-secret-key-" + "0" * 32


def web_settings(**overrides: object) -> WebSettings:
    values: dict[str, object] = {
        "secret_key": SECRET,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 8,
        "argon2_parallelism": 1,
        "cohort_figures": False,
    }
    values.update(overrides)
    return WebSettings(**values)  # type: ignore[arg-type]


@dataclass
class World:
    """The app and who is in it."""

    app: FastAPI
    db: WebDatabase
    users: dict[str, Account]  # by username

    def client(self, username: str | None = None) -> Client:
        client = Client(self.app)
        if username is not None:
            with self.db.session() as session:
                signed = start_session(session, self.users[username].id)
            client.cookies.set("remit_session", signed.token)
            client.csrf = signed.csrf_token
        return client

    def pseudonym(self, patient_id: str) -> str:
        return self.app.state.remit.keys.pseudonym(patient_id)


class Client(TestClient):
    """A TestClient that knows its session's CSRF token."""

    csrf: str = ""

    def __init__(self, app: FastAPI) -> None:
        super().__init__(app, base_url="http://testserver", follow_redirects=False)

    def form(self, url: str, data: dict[str, object] | None = None, *, csrf: bool = True) -> Any:
        body = dict(data or {})
        if csrf:
            body["csrf_token"] = self.csrf
        return self.post(url, data=body)

    def json_call(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf}
        return self.request(method, url, headers=headers, **kwargs)


ROLE_USERS = {
    "admin": Role.ADMINISTRATOR,
    "investigator": Role.INVESTIGATOR,
    "dataentry": Role.DATA_ENTRY,
    "statistician": Role.STATISTICIAN,
}


def build_world(database_url: str) -> World:
    settings = Settings(database_url=database_url, actor="tests")
    db = WebDatabase(settings)
    users: dict[str, Account] = {}
    with db.session() as session:
        for site in (SITE_A, SITE_B):
            create_site(session, site, f"Site {site[-1].upper()}", actor="tests")
        add_patient(session, sjia_patient(PATIENT_A, SITE_A), actor="tests")
        add_patient(session, sjia_patient(PATIENT_B, SITE_B), actor="tests")
        for name, role in ROLE_USERS.items():
            users[name] = create_user(
                session,
                username=name,
                display_name=name.title(),
                password=PASSWORD,
                role_name=role.value,
                sites=[SITE_A],
                actor="tests",
                hasher=HASHER,
            )
        users["investigator-b"] = create_user(
            session,
            username="investigator-b",
            display_name="B",
            password=PASSWORD,
            role_name="investigator",
            sites=[SITE_B],
            actor="tests",
            hasher=HASHER,
        )
    app = create_app(settings, web_settings())
    return World(app, db, users)


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    built = build_world(database_url)
    try:
        yield built
    finally:
        built.db.dispose()
        built.app.state.remit.db.dispose()


def form_token(html: str, name: str = "csrf_token") -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no {name} in the page"
    return found.group(1)


def version_in(html: str) -> int:
    return int(form_token(html, "version"))
