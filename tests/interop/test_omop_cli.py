"""The whole demo registry through the commands: stored, ``remit export-omop``,
``remit import-omop`` into an empty registry, and the stored records compared.

This is the user's round trip - through the database on both sides - rather
than the library's (``test_omop_roundtrip``); the full report file must have
one line per row written, and the export must be in the audit log.
"""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner, Result

from remit.cli.app import app
from remit.config import Settings
from remit.core.record import PatientRecord
from remit.demo import case_files
from remit.services import get_record, list_patients, open_session, patient_history


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "REMIT_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    return result


def stored(db: Path) -> dict[str, PatientRecord]:
    with open_session(Settings.from_env({}, database=str(db))) as session:
        return {s.patient_id: get_record(session, s.patient_id) for s in list_patients(session)}


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1  # a quoted newline stays inside its row


def test_the_stored_demo_registry_comes_back_unchanged_through_the_commands(tmp_path: Path) -> None:
    first, second, cdm = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3", tmp_path / "cdm"
    for db in (first, second):
        run("--database", str(db), "init")
    run("--database", str(first), "import", *map(str, case_files()))
    exported = run("--database", str(first), "export-omop", "--out", str(cdm), "--format", "csv")
    assert "person 38," in exported.stdout
    report = tmp_path / "report.txt"
    imported = run("--database", str(second), "import-omop", str(cdm), "--report", str(report))
    assert "stored 38 of 38 patient(s)" in imported.stdout
    lines = report.read_text(encoding="utf-8").splitlines()
    rows = sum(data_rows(path) for path in cdm.glob("*.csv"))
    assert len(lines) == rows
    assert not [line for line in lines if line.startswith("skipped")]
    assert stored(second) == stored(first)
    with open_session(Settings.from_env({}, database=str(first))) as session:
        last = patient_history(session, "c21-01")[-1]
    assert (last.action, last.reason) == ("export", f"OMOP CDM (csv) export (identified) to {cdm}")


def test_a_patient_without_a_year_of_birth_is_reported_and_not_logged_as_exported(tmp_path: Path) -> None:
    db, cdm = tmp_path / "r.sqlite3", tmp_path / "cdm"
    seed = next(p for p in case_files() if p.name == "003_mas_patient_1.yaml")
    nameless = tmp_path / "no-birth.yaml"
    text = seed.read_text(encoding="utf-8").replace("id: seed-003-p1", "id: no-birth")
    nameless.write_text("\n".join(line for line in text.splitlines() if not line.strip().startswith("birth:")))
    run("--database", str(db), "init")
    run("--database", str(db), "import", str(seed), str(nameless))
    result = CliRunner().invoke(
        app, ["--database", str(db), "export-omop", "--out", str(cdm)], env={"COLUMNS": "200", "REMIT_ACTOR": "t"}
    )
    assert result.exit_code == 0, result.output
    assert "not exported: no-birth: no year of birth (OMOP requires one)" in result.output
    assert "person 1," in result.stdout
    with open_session(Settings.from_env({}, database=str(db))) as session:
        assert [h.action for h in patient_history(session, "seed-003-p1")][-1] == "export"
        assert "export" not in [h.action for h in patient_history(session, "no-birth")]
