"""Fixtures shared across test packages.

Storage (``database_url`` and friends): every test that asks for
``database_url`` runs twice, on SQLite and on PostgreSQL; the PostgreSQL runs
carry the ``postgres`` marker, so ``-m "not postgres"`` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from remit.config import Settings
from remit.persistence.schema import migrate
from remit.services import open_session
from tests.databases import empty_postgres, postgres_database

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """This session's own PostgreSQL database, migrated once."""
    with postgres_database() as url:
        migrate(url)
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'remit.sqlite3'}"
        migrate(url)
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    try:
        yield url
    finally:
        empty_postgres(url)


@pytest.fixture
def db_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, actor="tester")


@pytest.fixture
def db_session(db_settings: Settings) -> Iterator[Session]:
    with open_session(db_settings) as opened:
        yield opened
