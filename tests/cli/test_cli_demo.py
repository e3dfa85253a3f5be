"""``remit demo`` builds a fresh database from case files, safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from remit.casefiles import write
from remit.cli import demo as demo_command
from remit.cli.app import app
from remit.config import Settings
from remit.services import list_patients, open_session
from tests.sample_records import full_record

EXAMPLE = Path(__file__).parents[2] / "docs" / "case-file-example.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Two small demo cases in place of the shipped ones."""
    second = tmp_path / "cases" / "second.yaml"
    second.parent.mkdir()
    write(full_record("demo-2"), second)
    found = [EXAMPLE, second]
    monkeypatch.setattr(demo_command, "demo_case_files", lambda: found)
    return found


def patient_ids(path: Path) -> list[str]:
    with open_session(Settings.from_env({}, database=str(path))) as session:
        return sorted(s.patient_id for s in list_patients(session))


def test_demo_builds_a_database_and_says_what_to_do_next(cases: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "demo" / "remit-demo.sqlite3"
    result = run("demo", "--database", str(path))
    assert result.exit_code == 0, result.output
    assert patient_ids(path) == ["demo-2", "seed-001-p1"]
    assert f"demo database ready: {path} (2 patients)" in result.stdout
    assert f"remit --database {path} patients" in result.stdout
    assert f"remit --database {path} show seed-001-p1" in result.stdout


def test_running_demo_again_starts_from_scratch(cases: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "remit-demo.sqlite3"
    assert run("demo", "--database", str(path)).exit_code == 0
    assert run("demo", "--database", str(path)).exit_code == 0
    assert patient_ids(path) == ["demo-2", "seed-001-p1"]


def test_demo_uses_the_global_sqlite_database_by_default(cases: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "global.sqlite3"
    result = run("--database", str(path), "demo")
    assert result.exit_code == 0, result.output
    assert "  remit patients" in result.stdout
    assert patient_ids(path) == ["demo-2", "seed-001-p1"]


def test_demo_refuses_to_delete_a_file_that_is_not_a_database(cases: list[Path], tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("precious", encoding="utf-8")
    result = run("demo", "--database", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {path} exists and is not an SQLite database; refusing to delete it"
    assert path.read_text(encoding="utf-8") == "precious"


def test_demo_reports_a_broken_case_and_imports_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: remit-case/1\npatient: {id: x}\n", encoding="utf-8")
    monkeypatch.setattr(demo_command, "demo_case_files", lambda: [broken, EXAMPLE])
    path = tmp_path / "demo.sqlite3"
    result = run("demo", "--database", str(path))
    assert result.exit_code == 1
    assert patient_ids(path) == ["seed-001-p1"]
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"error: {broken}:")
    assert errors[-1] == "error: 1 of 2 demo cases could not be imported (see above)"


@pytest.mark.slow
def test_every_shipped_demo_case_imports(tmp_path: Path) -> None:
    path = tmp_path / "shipped.sqlite3"
    result = run("demo", "--database", str(path))
    assert result.exit_code == 0, result.output
    assert len(patient_ids(path)) == len(demo_command.demo_case_files()) > 0
