"""``remit synth`` and ``remit screen`` through the CLI runner."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from remit.catalogue import INSTRUMENTS
from remit.cli.app import app
from remit.screening.compile import column_name


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cli") / "extract"
    done = run("synth", "--patients", "60", "--out", str(directory), "--seed", "5", "--measurements-per-patient", "20")
    assert done.exit_code == 0, done.output
    assert "generating patients" in done.output
    assert "measurement" in done.output
    return directory


def test_synth_refuses_to_write_over_an_extract(extract: Path) -> None:
    done = run("synth", "--patients", "5", "--out", str(extract))
    assert done.exit_code == 1
    assert "already holds an extract" in done.output


def test_screen_writes_results_attrition_and_report_that_agree(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    done = run("screen", "--instrument", "mas_2016", "--source", str(extract), "--out", str(out))
    assert done.exit_code == 0, done.output
    results = pd.read_parquet(out)
    root = results[column_name(INSTRUMENTS["mas_2016"].rule.id)]
    met, indeterminate = int((root == True).sum()), int(root.isna().sum())  # noqa: E712
    assert met + indeterminate == len(results) > 0  # only MET and INDETERMINATE days are written
    with (tmp_path / "results.attrition.csv").open(encoding="utf-8") as handle:
        attrition = {row["node"]: row for row in csv.DictReader(handle)}
    rule = attrition["rule"]
    assert (int(rule["met"]), int(rule["unknown"])) == (met, indeterminate)
    assert set(attrition) >= {"febrile", "ferritin", "labs", "platelets", "fibrinogen"}
    days = sum(int(rule[k]) for k in ("met", "not_met", "unknown", "not_computed"))
    assert all(
        sum(int(r[k]) for k in ("met", "not_met", "unknown", "not_computed")) == days for r in attrition.values()
    )
    assert int(rule["not_computed"]) == 0  # the rule is decided on every day, pruned or not
    assert int(attrition["labs"]["not_computed"]) > 0  # pruned days: the labs were not computed
    summary = next(line for line in done.output.splitlines() if "│ mas_2016" in line)
    assert f"{met:,}" in summary
    assert f"{indeterminate:,}" in summary
    assert results.columns[:2].tolist() == ["person_id", "date"]
    assert (tmp_path / "results.unusable.csv").read_text(encoding="utf-8").startswith("table,reason,rows")


def test_screen_with_all_days_writes_every_evaluated_day(extract: Path, tmp_path: Path) -> None:
    some = tmp_path / "some.parquet"
    every = tmp_path / "every.parquet"
    assert run("screen", "--instrument", "mas_2016", "--source", str(extract), "--out", str(some)).exit_code == 0
    done = run("screen", "--instrument", "mas_2016", "--source", str(extract), "--out", str(every), "--all-days")
    assert done.exit_code == 0, done.output
    every_rows = pd.read_parquet(every)
    root = every_rows[column_name(INSTRUMENTS["mas_2016"].rule.id)]
    assert (root == False).sum() > 0  # noqa: E712
    assert len(pd.read_parquet(some)) == int((root == True).sum() + root.isna().sum())  # noqa: E712


def test_several_instruments_write_one_file_each(extract: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    done = run(
        "screen",
        "--instrument",
        "mas_2016",
        "--instrument",
        "mas_ravelli_2005",
        "--source",
        str(extract),
        "--out",
        str(out),
    )
    assert done.exit_code == 0, done.output
    assert (tmp_path / "r.mas_2016.parquet").is_file()
    assert (tmp_path / "r.mas_ravelli_2005.parquet").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instrument", "nonesuch"], "unknown instrument(s) nonesuch"),
        (["--instrument", "mas_2016", "--backend", "postgres"], "PostgreSQL URLs need --backend postgres"),
        (["--instrument", "mas_2016", "--backend", "oracle"], "unknown backend 'oracle'"),
        (["--instrument", "acr_pedi"], "acr_pedi compare(s) with a baseline visit"),
    ],
    ids=["unknown-instrument", "postgres-on-files", "unknown-backend", "needs-a-baseline"],
)
def test_screen_errors_say_what_to_do(extract: Path, tmp_path: Path, args: list[str], message: str) -> None:
    done = run("screen", *args, "--source", str(extract), "--out", str(tmp_path / "x.parquet"))
    assert done.exit_code == 1
    assert message in done.output


def test_screen_on_spark_refuses_a_source_that_is_not_parquet(tmp_path: Path) -> None:
    (tmp_path / "person.csv").write_text("person_id\n1\n", encoding="utf-8")
    done = run(
        "screen", "--instrument", "mas_2016", "--backend", "spark", "--source", str(tmp_path), "--out", "x.parquet"
    )
    assert done.exit_code == 1
    assert "the spark backend reads a directory of Parquet files" in done.output


def test_screen_refuses_a_directory_that_is_not_an_extract(tmp_path: Path) -> None:
    done = run("screen", "--instrument", "mas_2016", "--source", str(tmp_path), "--out", str(tmp_path / "x.parquet"))
    assert done.exit_code == 1
    assert "no person table" in done.output
