"""``remit backup`` / ``remit restore`` give back every row of every table, on both backends.

The registry is filled through the services until every table holds rows
(patients with every kind of fact, replaced and deleted ones, accounts,
sessions, sign-in attempts, diary links and the audit log), backed up,
restored into a new database and compared table by table, row by row. The
restored database must also still behave like a registry: the audit log still
refuses UPDATE and DELETE, and new rows get fresh keys (sequences came along).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from remit.cli.app import app
from remit.config import Settings
from remit.errors import StorageError
from remit.persistence.backup import backup, backup_kind, restore
from remit.persistence.engine import create_engine
from remit.persistence.schema import check_schema, head_revision, migrate
from remit.persistence.tables import Base
from remit.services import import_records, list_patients, open_session
from tests.databases import postgres_database
from tests.reliability.registry import fill_registry, table_contents
from tests.sample_records import full_record


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database on the same backend as ``database_url`` that does not exist yet (SQLite) or is empty."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'remit.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


def contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        return table_contents(engine)
    finally:
        engine.dispose()


def test_restore_gives_back_every_row_of_every_table(database_url: str, target_url: str, tmp_path: Path) -> None:
    fill_registry(database_url)
    original = contents(database_url)
    schema_tables = {t.name for t in Base.metadata.sorted_tables}
    assert set(original) == schema_tables | {"alembic_version"}
    empty = sorted(name for name, rows in original.items() if not rows)
    assert empty == [], f"the fixture leaves tables empty, so the comparison would prove nothing for them: {empty}"

    made = backup(database_url, tmp_path / "registry.backup")
    assert made.rows == {name: len(rows) for name, rows in original.items()}
    assert made.revision == head_revision()
    assert backup_kind(made.path) == made.backend == ("sqlite" if database_url.startswith("sqlite") else "postgresql")

    restored = restore(made.path, target_url)
    assert restored.rows == made.rows
    copy = contents(target_url)
    assert set(copy) == set(original)
    for name in sorted(original):
        assert copy[name] == original[name], f"table {name} differs after restore"


def test_the_restored_database_still_guards_its_audit_log_and_takes_new_rows(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    fill_registry(database_url)
    restore(backup(database_url, tmp_path / "registry.backup").path, target_url)
    engine = create_engine(target_url)
    try:
        check_schema(engine)
        for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            highest = connection.execute(text("SELECT max(id) FROM patients")).scalar_one()
    finally:
        engine.dispose()
    with open_session(Settings(database_url=target_url, actor="after-restore")) as session:
        [result] = import_records(session, [full_record("p4")], "after-restore")
        assert result.ok, result.error
        assert [p.patient_id for p in list_patients(session)] == ["p1", "p4", "p2"]
    engine = create_engine(target_url)
    try:
        with engine.connect() as connection:
            new_id = connection.execute(text("SELECT id FROM patients WHERE pseudonym = 'p4'")).scalar_one()
    finally:
        engine.dispose()
    assert new_id > highest


def test_restore_refuses_a_database_that_holds_data_unless_told_to_replace(
    database_url: str, target_url: str, tmp_path: Path
) -> None:
    fill_registry(database_url)
    made = backup(database_url, tmp_path / "registry.backup")
    migrate(target_url)
    with open_session(Settings(database_url=target_url, actor="other")) as session:
        assert import_records(session, [full_record("someone-else")], "other")[0].ok
    before = contents(target_url)
    with pytest.raises(StorageError, match="already holds data"):
        restore(made.path, target_url)
    assert contents(target_url) == before
    restore(made.path, target_url, replace=True)
    assert contents(target_url) == contents(database_url)


def test_restore_into_an_initialised_empty_database(database_url: str, target_url: str, tmp_path: Path) -> None:
    """`remit init` then `remit restore` is the natural order on a new server: the empty schema gives way."""
    fill_registry(database_url)
    made = backup(database_url, tmp_path / "registry.backup")
    migrate(target_url)
    restore(made.path, target_url)
    assert contents(target_url) == contents(database_url)


def test_a_backup_never_overwrites_and_a_foreign_file_is_refused(database_url: str, tmp_path: Path) -> None:
    existing = tmp_path / "taken.backup"
    existing.write_text("keep me")
    with pytest.raises(StorageError, match="exists already"):
        backup(database_url, existing)
    assert existing.read_text() == "keep me"
    with pytest.raises(StorageError, match="not a remit backup"):
        restore(existing, database_url, replace=True)


def test_a_backup_is_restored_only_onto_its_own_backend(tmp_path: Path, postgres_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'remit.sqlite3'}"
    migrate(sqlite_url)
    made = backup(sqlite_url, tmp_path / "sqlite.backup")
    with pytest.raises(StorageError, match=r"is a sqlite backup and .* is postgresql"):
        restore(made.path, postgres_url)


def test_a_sqlite_backup_taken_during_writes_is_one_consistent_moment(tmp_path: Path) -> None:
    """Each import commits a patient and its audit row together; every backup taken while a
    writer is importing must hold both or neither for every patient."""
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    migrate(url)
    stop = threading.Event()
    written: list[str] = []

    def writer() -> None:
        with open_session(Settings(database_url=url, actor="writer")) as session:
            n = 0
            while not stop.is_set() and n < 400:
                n += 1
                assert import_records(session, [full_record(f"w{n}")], "writer")[0].ok
                written.append(f"w{n}")

    thread = threading.Thread(target=writer)
    thread.start()
    reports = []
    try:
        for i in range(5):
            while len(written) < 2 * (i + 1) and thread.is_alive():
                stop.wait(0.01)
            reports.append(backup(url, tmp_path / f"busy-{i}.backup"))
    finally:
        stop.set()
        thread.join()
    for report in reports:
        engine = create_engine(f"sqlite:///{report.path}")
        try:
            with engine.connect() as connection:
                patients = connection.execute(text("SELECT count(*) FROM patients")).scalar_one()
                created = connection.execute(
                    text("SELECT count(*) FROM audit_log WHERE action = 'create'")
                ).scalar_one()
                observations = connection.execute(text("SELECT count(*) FROM observations")).scalar_one()
        finally:
            engine.dispose()
        assert patients == created == report.rows["patients"]
        assert observations == patients * len(full_record().observations)
    assert reports[-1].rows["patients"] >= 10


def test_the_commands_back_up_and_restore(tmp_path: Path) -> None:
    source = tmp_path / "remit.sqlite3"
    migrate(f"sqlite:///{source}")
    fill_registry(f"sqlite:///{source}")
    runner = CliRunner()
    env = {"COLUMNS": "200", "REMIT_ACTOR": "tester"}
    made = runner.invoke(app, ["--database", str(source), "backup", str(tmp_path / "nightly.backup")], env=env)
    assert made.exit_code == 0, made.output
    assert "backup written" in made.output
    assert "3 patients" in made.output
    target = tmp_path / "copy.sqlite3"
    back = runner.invoke(app, ["--database", str(target), "restore", str(tmp_path / "nightly.backup")], env=env)
    assert back.exit_code == 0, back.output
    assert "3 patients" in back.output
    assert contents(f"sqlite:///{target}") == contents(f"sqlite:///{source}")
    again = runner.invoke(app, ["--database", str(target), "restore", str(tmp_path / "nightly.backup")], env=env)
    assert again.exit_code == 1
    assert "already holds data" in again.output
