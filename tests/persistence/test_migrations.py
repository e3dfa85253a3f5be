"""The Alembic revisions build exactly the schema the tables declare."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from remit.errors import StorageError
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.persistence.engine import create_engine
from remit.persistence.schema import check_schema, downgrade, head_revision, migrate
from remit.persistence.tables import Base
from tests.conftest import BACKENDS
from tests.databases import postgres_database

AT = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has migrated yet (its own, even on PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_table_definitions(database_url: str) -> None:
    assert schema_differences(database_url) == []


def test_migrate_is_idempotent_and_downgrade_removes_everything(blank_database_url: str) -> None:
    migrate(blank_database_url)
    migrate(blank_database_url)
    assert schema_differences(blank_database_url) == []
    downgrade(blank_database_url, "base")
    engine = create_engine(blank_database_url)
    try:
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    migrate(blank_database_url)
    assert schema_differences(blank_database_url) == []


def test_an_unmigrated_database_is_refused_with_the_command_to_run(blank_database_url: str) -> None:
    if blank_database_url.startswith("sqlite"):
        engine = create_engine(blank_database_url)
        with pytest.raises(StorageError, match=r"no database at .*blank\.sqlite3; run `remit init`"):
            check_schema(engine)
        engine.dispose()
        Path(blank_database_url.removeprefix("sqlite:///")).touch()
    engine = create_engine(blank_database_url)
    try:
        with pytest.raises(StorageError, match="not a remit database yet; run `remit init`"):
            check_schema(engine)
        migrate(blank_database_url)
        check_schema(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        with pytest.raises(StorageError, match=f"revision older, this remit needs {head_revision()}"):
            check_schema(engine)
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'pragmas.sqlite3'}"
    migrate(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        engine.dispose()


def test_migrate_creates_the_directory_of_a_new_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "remit.sqlite3"
    migrate(f"sqlite:///{path}")
    assert path.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("not a url", "is not a database URL", id="garbage"),
        pytest.param("mysql://u@h/db", "unsupported database 'mysql'", id="unsupported-backend"),
    ],
)
def test_bad_database_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message):
        create_engine(url)


def test_audit_rows_before_0003_read_as_whole_states_and_a_downgrade_keeps_difference_rows(
    blank_database_url: str,
) -> None:
    """Revision 0003 adds ``audit_log.form``: the rows already there become ``state`` (whole records,
    unchanged), and going back is refused while difference rows exist (0002 would misread them)."""
    migrate(blank_database_url, "0002_web_accounts")
    engine = create_engine(blank_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) "
                    "VALUES ('2026-01-01 00:00:00', 'ana', 'create', 'patient', 'p1', NULL, :after)"
                ),
                {"after": '{"patient": {"id": "p1"}}'},
            )
        migrate(blank_database_url)
        with Session(engine) as session, session.begin():
            trail = AuditTrail(session)
            assert [(e.action, e.after) for e in trail.entries()] == [("create", {"patient": {"id": "p1"}})]
            trail.append_difference(
                AuditEntry(AT, "ben", "replace", "patient", "p1", {}, {"diary": [{"date": "2026-01-02"}]})
            )
        with engine.connect() as connection:
            assert connection.execute(text("SELECT form FROM audit_log ORDER BY id")).scalars().all() == [
                "state",
                "difference",
            ]
        with pytest.raises(RuntimeError, match="holds 1 difference rows"):
            downgrade(blank_database_url, "0002_web_accounts")
        with Session(engine) as session:
            assert AuditTrail(session).entries()[-1].after == {
                "patient": {"id": "p1"},
                "diary": [{"date": "2026-01-02"}],
            }
    finally:
        engine.dispose()
