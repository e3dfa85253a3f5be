"""Engines for the two supported backends, SQLite and PostgreSQL.

The URL alone selects the backend. SQLite needs connection settings that
PostgreSQL has built in: foreign keys (off by default in SQLite, and the
schema's ``ON DELETE CASCADE`` relies on them), WAL journaling (readers do
not block the writer, which matters when the CLI and the web app share a file)
and ``synchronous=FULL`` (a commit is on disk before it is acknowledged).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Insert, event, text
from sqlalchemy import create_engine as sqlalchemy_create_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from remit.errors import StorageError

SQLITE_BUSY_SECONDS = 30.0


def create_engine(url: str, *, pool: tuple[int, int] | None = None) -> Engine:
    """An engine for ``url`` (``sqlite:///file`` or ``postgresql+psycopg://...``).

    ``pool`` is the connection pool's (size, overflow) when the default (5, 10) does not fit: a
    connection returned while the pool holds ``size`` idle ones is closed, so a server answering
    more requests at once than ``size`` opens and closes a connection per request (see
    :mod:`remit.services.web_database`)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # ArgumentError and ValueError, depending on what is wrong
        raise StorageError(f"{url!r} is not a database URL (try sqlite:///remit.sqlite3)") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite:///FILE or postgresql+psycopg://..."
        )
    if parsed.get_backend_name() == "sqlite":
        # A writer waits up to SQLITE_BUSY_SECONDS for another's write lock (sqlite3's default
        # is 5 s): under many concurrent web writers the queue outlasted 5 s and the last in
        # line was refused with "database is locked" (docs/reliability.md, "Load").
        engine = sqlalchemy_create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **_pooled(pool))
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sqlalchemy_create_engine(parsed, **_pooled(pool))
    return engine


def _pooled(pool: tuple[int, int] | None) -> dict[str, int]:
    return {} if pool is None else {"pool_size": pool[0], "max_overflow": pool[1]}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database answers "memory" and carries on
        # Every commit reaches the disk before it is acknowledged: FULL is also the build default
        # here, but durability must not depend on how SQLite was compiled (docs/reliability.md).
        cursor.execute("PRAGMA synchronous=FULL")
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


def one_snapshot(session: Session, *, writes: bool = False) -> None:
    """Make the rest of the caller's transaction read one moment of the database.

    A record is loaded with one query per table. Under the backends' defaults each
    query sees the latest commit, so a record read while another one is saved can
    mix two versions (the reliability tests found about one read in eight torn
    under a busy writer). Call this first in the transaction: PostgreSQL switches
    it to REPEATABLE READ (one snapshot); SQLite opens it explicitly - ``BEGIN``
    for a read, ``BEGIN IMMEDIATE`` when it will also write (an export's audit
    row), which takes the write lock at once instead of failing to upgrade a
    snapshot that another writer has moved past.

    Not for read-then-replace transactions: there the versioned UPDATE is the
    guard, and a snapshot would turn a clean conflict into a serialisation error.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    elif dialect == "sqlite":
        session.execute(text("BEGIN IMMEDIATE" if writes else "BEGIN"))


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
