"""Throwaway databases for storage tests, on SQLite and PostgreSQL.

SQLite: a fresh file per test (in pytest's tmp_path). PostgreSQL: one
uniquely named database per test session - so parallel xdist workers and
concurrent runs never share one - migrated once, emptied after every test and
dropped at the end. ``REMIT_TEST_POSTGRES_URL`` points at the maintenance
database used to create them (default: the local server, user postgres).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from remit.persistence.engine import create_engine
from remit.persistence.tables import Base

ADMIN_URL = os.environ.get("REMIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _libpq(url: str) -> str:
    """psycopg wants a plain postgresql:// URL, without SQLAlchemy's driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create ``remit_test_<uuid>``, yield its SQLAlchemy URL, drop it afterwards."""
    name = f"remit_test_{uuid.uuid4().hex}"
    with psycopg.connect(_libpq(ADMIN_URL), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(ADMIN_URL), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def empty_postgres(url: str) -> None:
    """Remove every row (the audit triggers guard UPDATE and DELETE, not TRUNCATE)."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
