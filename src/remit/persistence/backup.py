"""Backing up and restoring the whole registry, on either backend.

A backup must be one consistent moment of a database that may be in use, and a
restore must give back every row of every table - patients, accounts and the
audit log alike - with the database's own guards (the audit triggers, the
sequences behind surrogate keys) working as before. Both backends have a tool
made for exactly this, so remit uses it instead of copying rows itself:

* SQLite: the online backup API (``sqlite3.Connection.backup``) copies every
  page under one read transaction, so a server writing at the same time neither
  waits long nor leaves a torn copy. The copy is switched out of WAL mode, so it
  is one self-contained file, and checked with ``PRAGMA integrity_check``.
* PostgreSQL: ``pg_dump --format=custom`` of one exported snapshot; the row
  counts reported are read in that same snapshot, so they describe the dump
  exactly. ``pg_restore --single-transaction`` puts it back all or nothing.

Restoring refuses to overwrite a database that holds data unless asked to
(``replace=True``); the server should be stopped while a restore runs.
A backup is restored onto the backend it was made on (the file says which).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from remit.errors import StorageError
from remit.persistence.engine import create_engine, display_url, sqlite_path
from remit.persistence.schema import schema_revision

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup or restore holds: backend, schema revision and rows per table."""

    path: Path
    backend: str  # sqlite | postgresql
    revision: str | None
    rows: dict[str, int]

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def summary(self) -> str:
        patients = self.rows.get("patients", 0)
        audit = self.rows.get("audit_log", 0)
        return (
            f"{self.backend}, schema revision {self.revision or '(none)'}, {len(self.rows)} tables, "
            f"{sum(self.rows.values())} rows ({patients} patients, {audit} audit entries)"
        )


def backup(url: str, destination: Path) -> BackupReport:
    """Write a consistent copy of the database at ``url`` to ``destination`` (a new file)."""
    if destination.exists():
        raise StorageError(f"{destination} exists already; choose a new file name (a backup never overwrites)")
    destination.parent.mkdir(parents=True, exist_ok=True)
    path = sqlite_path(url)
    if make_url(url).get_backend_name() == "sqlite":
        if path is None or not path.exists():
            raise StorageError(f"no SQLite database at {path or url}; nothing to back up")
        return _sqlite_backup(path, destination)
    return _postgres_backup(url, destination)


def restore(source: Path, url: str, *, replace: bool = False) -> BackupReport:
    """Put the backup ``source`` into the database at ``url``.

    Refuses a target that holds data unless ``replace``; refuses a backup made on
    the other backend. Returns what the restored database holds.
    """
    kind = backup_kind(source)
    backend = make_url(url).get_backend_name()
    if kind != backend:
        raise StorageError(
            f"{source} is a {kind} backup and {display_url(url)} is {backend}; restore onto the backend it was made "
            f"on (to move between backends, export case files and import them)"
        )
    if not replace and _holds_data(url):
        raise StorageError(
            f"{display_url(url)} already holds data; restore into a new, empty database, or pass --replace "
            f"to overwrite it (stop the server first)"
        )
    if backend == "sqlite":
        target = sqlite_path(url)
        if target is None:
            raise StorageError("restore needs an SQLite file, not an in-memory database")
        return _sqlite_restore(source, target)
    return _postgres_restore(source, url, replace=replace)


def backup_kind(path: Path) -> str:
    """``sqlite`` or ``postgresql``, from the file's first bytes."""
    if not path.is_file():
        raise StorageError(f"no backup file {path}")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise StorageError(f"{path} is not a remit backup (neither an SQLite database nor a pg_dump custom archive)")


def table_rows(connection: Connection) -> dict[str, int]:
    """Rows per table, every table of the database (alembic_version included), by name."""
    names = sorted(inspect(connection).get_table_names())
    return {name: int(connection.scalar(select(func.count()).select_from(table(name))) or 0) for name in names}


# ----- SQLite --------------------------------------------------------------------------------


def _sqlite_backup(source: Path, destination: Path) -> BackupReport:
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _sqlite_copy(source, partial)
    except StorageError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)  # the backup appears whole or not at all
    return _sqlite_report(destination)


def _sqlite_restore(source: Path, target: Path) -> BackupReport:
    _sqlite_check(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, target, wal=True)
    return _sqlite_report(target)


def _sqlite_copy(source: Path, destination: Path, *, wal: bool = False) -> None:
    """Copy every page of ``source`` into ``destination`` in one step (one read transaction)."""
    try:
        with closing(_sqlite_connect(source)) as src, closing(_sqlite_connect(destination)) as dst:
            src.backup(dst)  # pages=-1: all at once, so no writer can slip in between steps
            dst.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
            _integrity(dst, destination)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot copy {source} to {destination}: {exc}") from exc


def _sqlite_connect(path: Path) -> sqlite3.Connection:
    """A plain connection (autocommit: the backup API and PRAGMAs run outside transactions)."""
    return sqlite3.connect(path, timeout=30, isolation_level=None)


def _sqlite_check(path: Path) -> None:
    try:
        with closing(_sqlite_connect(path)) as connection:
            _integrity(connection, path)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot read the backup {path}: {exc}") from exc


def _integrity(connection: sqlite3.Connection, path: Path) -> None:
    found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if found != ["ok"]:
        raise StorageError(f"{path} failed SQLite's integrity check: {'; '.join(found[:5])}")


def _sqlite_report(path: Path) -> BackupReport:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return BackupReport(path, "sqlite", schema_revision(connection), table_rows(connection))
    finally:
        engine.dispose()


# ----- PostgreSQL ----------------------------------------------------------------------------


def postgres_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: from PATH, else PostgreSQL 15's own directory."""
    found = shutil.which(name) or shutil.which(name, path=str(POSTGRES_BIN))
    if found is None:
        raise StorageError(
            f"{name} is not installed (looked in PATH and {POSTGRES_BIN}); install the PostgreSQL client "
            f"tools of the server's major version (Debian: apt-get install postgresql-client-15)"
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment that carries it (argv is visible to all)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[:800]
        raise StorageError(f"{what} failed (exit status {done.returncode}): {detail}")


def _postgres_backup(url: str, destination: Path) -> BackupReport:
    dump = postgres_tool("pg_dump")
    libpq, env = _libpq(url)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    engine = create_engine(url)
    try:
        # The counts and the dump read the same snapshot, so the report describes the file exactly.
        isolated = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with isolated as connection, connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            revision = schema_revision(connection)
            rows = table_rows(connection)
            command = [dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            _run([*command, f"--file={partial}", f"--dbname={libpq}"], env, "pg_dump")
    except StorageError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot back up {display_url(url)}: {exc}") from exc
    finally:
        engine.dispose()
    _run([postgres_tool("pg_restore"), "--list", str(partial)], env, "reading the new dump back")
    partial.replace(destination)
    return BackupReport(destination, "postgresql", revision, rows)


def _postgres_restore(source: Path, url: str, *, replace: bool) -> BackupReport:
    libpq, env = _libpq(url)
    command = [postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if replace or _table_names(url):  # a `remit init`-ed, empty database has the tables already
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={libpq}", str(source)], env, f"pg_restore into {display_url(url)}")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return BackupReport(source, "postgresql", schema_revision(connection), table_rows(connection))
    finally:
        engine.dispose()


def _table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return sorted(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _holds_data(url: str) -> bool:
    """Whether the target has any row in any table (a missing SQLite file holds nothing)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return any(count > 0 for name, count in table_rows(connection).items() if name != "alembic_version")
    except Exception as exc:
        raise StorageError(f"cannot open {display_url(url)} to restore into it: {exc}") from exc
    finally:
        engine.dispose()
