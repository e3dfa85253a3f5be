"""``remit report`` through the CLI runner: case files, a database, reruns and errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from remit.cli.app import app
from remit.demo import cohort_case_files, seed_case_files

COHORT = cohort_case_files()[0].parent


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "REMIT_ACTOR": "tester"})


@pytest.mark.slow
def test_report_on_case_files_twice_gives_the_same_files(tmp_path: Path) -> None:
    outs = [tmp_path / "first", tmp_path / "second"]
    for out in outs:
        result = run(
            "report", "--cases", str(COHORT), "--out", str(out), "--date", "2024-05-01", "--course-figures", "c21-12"
        )
        assert result.exit_code == 0, result.output
        assert "report of 33 patient(s) (cohort anakinra-2021)" in result.output
    names = sorted(p.name for p in outs[0].iterdir())
    assert "report.html" in names
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    with (outs[0] / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(r["response"] == "complete" for r in rows if r["timepoint_months"] == "12") == 21


@pytest.mark.slow
def test_report_reads_a_database(tmp_path: Path) -> None:
    database = str(tmp_path / "registry.sqlite3")
    boys = [str(p) for p in seed_case_files() if p.name.startswith("001_")]
    assert run("--database", database, "init").exit_code == 0
    imported = run("--database", database, "import", *boys)
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "report"
    result = run("report", "--database", database, "--cohort", "anakinra", "--out", str(out), "--date", "2024-05-01")
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/svg+xml;base64,') == 3  # retention and the two boys' courses
    assert "seed-001-p1" in html
    assert "seed-001-p2" in html


def test_an_unknown_cohort_is_one_error_line(tmp_path: Path) -> None:
    result = run("report", "--cases", str(COHORT), "--cohort", "nope", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "unknown cohort 'nope'" in result.output
    assert not (tmp_path / "x").exists()


def test_cases_must_be_a_directory(tmp_path: Path) -> None:
    result = run("report", "--cases", str(tmp_path / "missing"), "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "not a directory" in result.output


def test_a_bad_date_is_refused(tmp_path: Path) -> None:
    result = run("report", "--cases", str(COHORT), "--out", str(tmp_path / "x"), "--date", "May 1")
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in result.output
