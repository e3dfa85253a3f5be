"""``pk simulate`` through the Typer runner, on the pk sub-app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from remit.cli import pk
from remit.cli.pk import dose_mg_per_administration, parse_interval

runner = CliRunner()
BRIEF = ["simulate", "--weight-kg", "21", "--dose", "2", "--dose-unit", "mg/kg", "--every", "24h", "--days", "7"]


def test_simulate_prints_the_steady_state_of_the_21_kg_checkpoint() -> None:
    result = runner.invoke(pk.app, [*BRIEF, "--virtual-patients", "200"])
    assert result.exit_code == 0, result.output
    assert "CL/F 3.543 L/h, V/F 26.11 L" in result.output
    assert "42 mg every 24 h" in result.output
    assert "peak 0.965 mg/L" in result.output
    assert "trough 0.100" in result.output
    assert "average 0.494" in result.output
    assert "90% of 200 virtual patients" in result.output
    assert "note: the 0.4 mg/L target" in result.output


def test_simulate_json_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "course.png"
    result = runner.invoke(pk.app, [*BRIEF, "--json", "--virtual-patients", "100", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["steady_state"]["typical"]["average_mg_per_l"] == pytest.approx(0.494, abs=5e-4)
    assert data["seed"] == 2013
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_iv_and_out_of_population_runs_warn() -> None:
    result = runner.invoke(
        pk.app,
        [
            "simulate",
            "--weight-kg",
            "75",
            "--dose",
            "100",
            "--every",
            "12h",
            "--days",
            "2",
            "--route",
            "iv",
            "--virtual-patients",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: IV dosing" in result.output
    assert "warning: 75 kg is above ~60 kg" in result.output


@pytest.mark.parametrize("every", ["often", "0h", "-2h"], ids=repr)
def test_a_bad_interval_is_one_error_line(every: str) -> None:
    result = runner.invoke(pk.app, ["simulate", "--weight-kg", "21", "--dose", "42", "--every", every])
    assert result.exit_code == 1
    assert "error: every:" in result.output


@pytest.mark.parametrize(("text", "hours"), [("24h", 24), ("q12h", 12), ("1d", 24), ("8", 8), ("1w", 168)], ids=repr)
def test_intervals(text: str, hours: float) -> None:
    assert parse_interval(text) == hours


@pytest.mark.parametrize(
    ("amount", "unit", "interval", "mg"),
    [(2, "mg/kg", 24, 42), (100, "mg", 24, 100), (4, "mg/kg/day", 12, 42), (0.1, "g", 24, 100)],
    ids=repr,
)
def test_dose_units(amount: float, unit: str, interval: float, mg: float) -> None:
    assert dose_mg_per_administration(amount, unit, 21, interval) == pytest.approx(mg)
