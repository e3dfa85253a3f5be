"""Engines for the two supported backends, SQLite and PostgreSQL.

The URL alone selects the backend. SQLite needs two connection settings that
PostgreSQL has built in: foreign keys (off by default in SQLite, and the
schema's ``ON DELETE CASCADE`` relies on them) and WAL journaling (readers do
not block the writer, which matters when the CLI and the web app share a file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Insert, event
from sqlalchemy import create_engine as sqlalchemy_create_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from remit.errors import StorageError


def create_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///file`` or ``postgresql+psycopg://...``)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # ArgumentError and ValueError, depending on what is wrong
        raise StorageError(f"{url!r} is not a database URL (try sqlite:///remit.sqlite3)") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///FILE or postgresql+psycopg://..."
        )
    engine = sqlalchemy_create_engine(parsed)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database answers "memory" and carries on
    finally:
        cursor.close()


def insert_ignoring_duplicates(session: Session, entity: Any, **values: Any) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING`` in the session's dialect (both backends have it).

    For rows that any writer may create first (a site met in an import): the loser of the
    race waits for the winner's transaction and then inserts nothing, instead of failing.
    """
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return builder(entity).values(**values).on_conflict_do_nothing()


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (None for other backends and in-memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is shown as given; it holds no valid password
        return url
