"""The command line through Typer's test runner, on SQLite files."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from remit.casefiles import load, write
from remit.cli import app as app_module
from remit.cli.app import app, main
from remit.config import Settings
from remit.persistence.schema import head_revision
from remit.services import get_record, list_patients, open_session, patient_history
from tests.sample_records import full_record

EXAMPLE = Path(__file__).parents[2] / "docs" / "case-file-example.yaml"
COMMANDS = ("init", "import", "replace", "export", "patients", "show", "history", "demo")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """Invoke ``remit`` with a wide terminal, so tables are not folded."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "REMIT_ACTOR": "tester", **(env or {})})


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A new, initialised SQLite database, given as a plain path."""
    path = str(tmp_path / "cli.sqlite3")
    result = run("--database", path, "init")
    assert result.exit_code == 0, result.output
    return path


def settings_for(database: str) -> Settings:
    return Settings.from_env({}, database=database)


def bad_case_file(tmp_path: Path) -> Path:
    """The example with a leukocyte count in an impossible unit (observation o1)."""
    text = EXAMPLE.read_text(encoding="utf-8").replace('value: "22000", unit: /mm3', 'value: "4", unit: x10^3/mL')
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("seed-001-p1", "bad-1"), encoding="utf-8")
    return path


def test_init_reports_the_database_and_is_repeatable(database: str) -> None:
    result = run("--database", database, "init")
    assert result.exit_code == 0
    assert f"database ready: sqlite:///{database} (schema revision {head_revision()})" in result.stdout


def test_import_stores_the_patient_and_the_actor(database: str) -> None:
    result = run("--database", database, "import", str(EXAMPLE), "--reason", "demo entry")
    assert result.exit_code == 0, result.output
    assert "imported seed-001-p1" in result.stdout
    with open_session(settings_for(database)) as session:
        assert get_record(session, "seed-001-p1") == load(EXAMPLE)
        (entry,) = patient_history(session, "seed-001-p1")
    assert (entry.actor, entry.reason) == ("tester", "demo entry")


def test_a_bad_file_exits_1_with_one_line_naming_file_and_field_and_stores_nothing(
    database: str, tmp_path: Path
) -> None:
    bad = bad_case_file(tmp_path)
    result = run("--database", database, "import", str(EXAMPLE), str(bad))
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {bad}:observations[0].value: Leukocyte count 4 x10^3/mL")
    assert "Traceback" not in result.output
    with open_session(settings_for(database)) as session:
        assert list_patients(session) == ()


def test_importing_an_existing_patient_again_fails_for_that_file_only(database: str, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    write(full_record("p-other"), other)
    assert run("--database", database, "import", str(EXAMPLE)).exit_code == 0
    result = run("--database", database, "import", str(EXAMPLE), str(other))
    assert result.exit_code == 1
    assert "imported p-other" in result.stdout
    (line,) = result.stderr.splitlines()
    assert line == (
        f"error: {EXAMPLE}: patient.id: patient seed-001-p1 already exists (version 1); "
        "to change it, use `remit replace FILE --version 1`"
    )


@pytest.mark.parametrize("to_file", [True, False], ids=["--out", "stdout"])
def test_export_then_import_elsewhere_is_lossless(database: str, tmp_path: Path, to_file: bool) -> None:
    original = full_record("p1")
    source = tmp_path / "p1.yaml"
    write(original, source)
    assert run("--database", database, "import", str(source)).exit_code == 0
    exported = tmp_path / "exported.yaml"
    if to_file:
        result = run("--database", database, "export", "p1", "--out", str(exported))
        assert result.stdout.strip() == f"wrote p1 to {exported}"
    else:
        result = run("--database", database, "export", "p1")
        assert yaml.safe_load(result.stdout)["patient"]["id"] == "p1"
        exported.write_text(result.stdout, encoding="utf-8")
    assert result.exit_code == 0, result.output
    elsewhere = str(tmp_path / "elsewhere.sqlite3")
    assert run("--database", elsewhere, "init").exit_code == 0
    assert run("--database", elsewhere, "import", str(exported)).exit_code == 0
    with open_session(settings_for(elsewhere)) as session:
        assert get_record(session, "p1") == original
    with open_session(settings_for(database)) as session:
        assert [e.action for e in patient_history(session, "p1")] == ["create", "export"]


def test_replace_an_exported_and_edited_patient(database: str, tmp_path: Path) -> None:
    original = full_record("p1")
    edited = tmp_path / "edited.yaml"
    write(dataclasses.replace(original, diary=()), edited)
    source = tmp_path / "p1.yaml"
    write(original, source)
    run("--database", database, "import", str(source))
    result = run("--database", database, "replace", str(edited), "--version", "1", "--reason", "diary withdrawn")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"replaced p1 from {edited} (version 1 -> 2)"
    stale = run("--database", database, "replace", str(source), "--version", "1")
    assert stale.exit_code == 1
    (line,) = stale.stderr.splitlines()
    assert line.startswith("error: version: patient p1 changed since it was read (stored version 2")
    with open_session(settings_for(database)) as session:
        assert get_record(session, "p1") == dataclasses.replace(original, diary=())
        assert [e.action for e in patient_history(session, "p1")] == ["create", "replace"]


def test_show_prints_the_course_with_labs_as_entered_and_canonical(database: str) -> None:
    run("--database", database, "import", str(EXAMPLE))
    result = run("--database", database, "show", "seed-001-p1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("seed-001-p1  site demo-site-a · male · born 1989-09")
    assert "Systemic juvenile idiopathic arthritis (sjia)" in out
    assert 'from 2002-06-28: 2 mg/kg daily ("2 mg/kg/d")' in out
    assert "fever_attack" in out
    labs = out[out.index("Labs and measures") :]
    day_8 = next(line for line in labs.splitlines() if "2002-03-08" in line)
    assert "36 mg/dL (360)" in day_8  # CRP entered in mg/dL, canonical mg/L in brackets
    assert "22000 /mm3 (22)" in day_8
    day_21 = next(line for line in labs.splitlines() if "2002-03-21" in line)
    assert ">2000" in day_21
    assert "low" in day_21


def test_patients_lists_a_table_and_filters_by_site(database: str, tmp_path: Path) -> None:
    empty = run("--database", database, "patients")
    assert empty.exit_code == 0
    assert "no patients stored yet" in empty.stdout
    other = tmp_path / "other.yaml"
    write(full_record("p-other", site="site-b"), other)
    run("--database", database, "import", str(EXAMPLE), str(other))
    result = run("--database", database, "patients")
    assert "2 patients" in result.stdout
    assert "seed-001-p1" in result.stdout
    assert "methylprednisolone, anakinra" in result.stdout
    only_b = run("--database", database, "patients", "--site", "site-b")
    assert "p-other" in only_b.stdout
    assert "seed-001-p1" not in only_b.stdout


def test_history_lists_the_audit_trail(database: str) -> None:
    run("--database", database, "import", str(EXAMPLE), "--reason", "first entry")
    run("--database", database, "export", "seed-001-p1")
    result = run("--database", database, "history", "seed-001-p1")
    rows = [line for line in result.stdout.splitlines() if "tester" in line]
    assert ["create" in rows[0], "first entry" in rows[0], "export" in rows[1]] == [True, True, True]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("show", "nobody"), "error: no patient 'nobody'; `remit patients` lists the stored ones", id="unknown"
        ),
        pytest.param(("export", "nobody"), "error: no patient 'nobody'", id="unknown-export"),
        pytest.param(("import", "missing.yaml"), "error: missing.yaml: cannot read the file", id="missing-file"),
    ],
)
def test_expected_errors_are_one_red_line_and_exit_1(database: str, args: tuple[str, ...], message: str) -> None:
    result = run("--database", database, *args)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(message)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_missing_database_says_to_run_init(tmp_path: Path) -> None:
    result = run("--database", str(tmp_path / "nothing.sqlite3"), "patients")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: no database at {tmp_path / 'nothing.sqlite3'}; "
        "run `remit init` to create one (or `remit demo` for a demo)"
    )
    assert not (tmp_path / "nothing.sqlite3").exists()


def test_the_database_can_come_from_the_environment(database: str) -> None:
    run("--database", database, "import", str(EXAMPLE))
    result = run("patients", env={"REMIT_DATABASE_URL": f"sqlite:///{database}"})
    assert result.exit_code == 0
    assert "seed-001-p1" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 5


def test_top_level_help_lists_every_command_and_the_database_option() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout
    assert "REMIT_DATABASE_URL" in result.stdout


def test_every_registered_module_provides_register() -> None:
    assert all(callable(module.register) for module in app_module.COMMAND_MODULES)


def test_main_turns_an_error_into_one_line_and_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["remit", "--database", "mysql://u@h/db", "patients"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "error: unsupported database 'mysql': use sqlite:///FILE or postgresql+psycopg://..."
    ]
