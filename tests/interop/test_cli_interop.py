"""The interoperability commands through the CLI runner, on SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from remit.casefiles import load
from remit.cli.app import app
from remit.cli.evaluate import load_target
from remit.config import Settings
from remit.interop.fhir import write_bundle
from remit.services import get_record, list_patients, open_session, patient_history

ROOT = Path(__file__).parents[2]
CASES = sorted((ROOT / "src" / "remit" / "demo" / "cases" / "cohort-2021").glob("*.yaml"))[:3]
KEY = {"REMIT_DEID_KEY": "an-example-secret-key-for-tests-only-0001"}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "REMIT_ACTOR": "tester", **(env or {})})


def new_database(path: Path) -> str:
    result = run("--database", str(path), "init")
    assert result.exit_code == 0, result.output
    return str(path)


@pytest.fixture
def database(tmp_path: Path) -> str:
    db = new_database(tmp_path / "registry.sqlite3")
    result = run("--database", db, "import", *map(str, CASES))
    assert result.exit_code == 0, result.output
    return db


def stored(db: str) -> dict[str, object]:
    with open_session(Settings.from_env({}, database=db)) as session:
        return {s.patient_id: get_record(session, s.patient_id) for s in list_patients(session)}


def test_fhir_bundle_out_and_back_in(tmp_path: Path, database: str) -> None:
    bundle = tmp_path / "all.json"
    result = run("--database", database, "export-fhir", "--all", "--out", str(bundle))
    assert result.exit_code == 0, result.output
    assert "for 3 patient(s)" in result.stdout
    other = new_database(tmp_path / "other.sqlite3")
    result = run("--database", other, "import-fhir", str(bundle))
    assert result.exit_code == 0, result.output
    assert "stored 3 of 3 patient(s)" in result.stdout
    assert stored(other) == stored(database)
    with open_session(Settings.from_env({}, database=database)) as session:
        history = patient_history(session, "c21-01")
    assert history[-1].action == "export"
    assert "FHIR Bundle export (identified)" in (history[-1].reason or "")


def test_fhir_bulk_export_of_one_patient(tmp_path: Path, database: str) -> None:
    result = run("--database", database, "export-fhir", "c21-02", "--ndjson", "--out", str(tmp_path / "bulk"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bulk" / "manifest.json").is_file()
    result = run("--database", database, "export-fhir", "--out", str(tmp_path / "x.json"))
    assert result.exit_code == 1
    assert "give either a PATIENT id or --all" in result.output


def test_import_fhir_refuses_a_malformed_file_and_stores_nothing(tmp_path: Path) -> None:
    db = new_database(tmp_path / "db.sqlite3")
    path = tmp_path / "broken.json"
    path.write_text(
        '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": '
        '"Observation", "id": "x"}}]}',
        encoding="utf-8",
    )
    result = run("--database", db, "import-fhir", str(path))
    assert result.exit_code == 1
    assert "invalid Observation" in result.output
    assert stored(db) == {}


def test_import_fhir_dry_run_reports_and_stores_nothing(tmp_path: Path) -> None:
    db = new_database(tmp_path / "db.sqlite3")
    bundle = tmp_path / "b.json"
    write_bundle([load(CASES[0])], bundle)
    report = tmp_path / "report.txt"
    result = run("--database", db, "import-fhir", str(bundle), "--dry-run", "--report", str(report))
    assert result.exit_code == 0, result.output
    assert "nothing stored" in result.stdout
    assert "imported Patient/" in report.read_text(encoding="utf-8")
    assert stored(db) == {}


def test_omop_out_and_back_in(tmp_path: Path, database: str) -> None:
    cdm = tmp_path / "cdm"
    result = run("--database", database, "export-omop", "--out", str(cdm), "--format", "parquet")
    assert result.exit_code == 0, result.output
    assert "person 3" in result.stdout
    other = new_database(tmp_path / "other.sqlite3")
    result = run("--database", other, "import-omop", str(cdm))
    assert result.exit_code == 0, result.output
    assert stored(other) == stored(database)


def test_statistician_export_needs_the_key_and_logs_nothing_without_it(tmp_path: Path, database: str) -> None:
    result = run("--database", database, "export", "--format", "redcap", "--out", str(tmp_path / "rc"))
    assert result.exit_code == 1
    assert "REMIT_DEID_KEY" in result.output
    with open_session(Settings.from_env({}, database=database)) as session:
        assert [e.action for e in patient_history(session, "c21-01")] == ["create"]


@pytest.mark.parametrize("fmt", ["redcap", "tidy", "spss"])
def test_statistician_exports_are_deidentified_by_default_and_logged(tmp_path: Path, database: str, fmt: str) -> None:
    out = tmp_path / fmt
    result = run("--database", database, "export", "--format", fmt, "--out", str(out), env=KEY)
    assert result.exit_code == 0, result.output
    assert f"wrote a de-identified {fmt} export of 3 patient(s)" in result.stdout
    assert "c21-01" not in "".join(p.read_text(encoding="utf-8-sig", errors="replace") for p in out.glob("*.csv"))
    with open_session(Settings.from_env({}, database=database)) as session:
        last = patient_history(session, "c21-01")[-1]
    assert (last.action, last.reason) == ("export", f"{fmt} dataset export (de-identified) to {out}")


def test_export_of_one_patient_as_a_case_file_still_works(tmp_path: Path, database: str) -> None:
    path = tmp_path / "c.yaml"
    result = run("--database", database, "export", "c21-01", "--out", str(path))
    assert result.exit_code == 0, result.output
    assert load(path) == load(CASES[0])
    result = run("--database", database, "export")
    assert result.exit_code == 1
    assert "give a PATIENT" in result.output


def test_evaluate_reads_a_fhir_bundle(tmp_path: Path) -> None:
    record = load(CASES[0])
    bundle = tmp_path / "one.json"
    write_bundle([record], bundle)
    assert load_target(str(bundle), None) == record
