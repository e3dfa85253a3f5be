"""``dose calc`` and ``dose check`` through the Typer runner, on the dose sub-app."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from typer.testing import CliRunner

from remit.cli import dose
from remit.config import Settings
from remit.core.medications import Frequency
from remit.core.record import (
    BirthDate,
)
from remit.persistence.schema import migrate
from remit.services import import_records, open_session
from tests.drugs.records import course, record

runner = CliRunner()


def test_calc_prints_the_range_in_mg_for_the_child() -> None:
    result = runner.invoke(dose.app, ["calc", "--drug", "anakinra", "--weight-kg", "21", "--indication", "sjia"])
    assert result.exit_code == 0, result.output
    assert "2–4 mg/kg/day → 42–84 mg/day; maximum 200 mg/day" in result.output
    assert "[verified: V:8]" in result.output
    assert "secondary" in result.output  # the EU SmPC reading is shown with its tag


def test_calc_json() -> None:
    result = runner.invoke(
        dose.app,
        ["calc", "--drug", "VP-16", "--weight-kg", "20", "--height-cm", "115", "--indication", "mas", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["drug"] == "etoposide"
    assert data["ranges"][0]["rule"] == "etoposide.hlh94"
    assert data["ranges"][0]["usual_mg"][0] == 150 * data["bsa_m2"]


def test_calc_errors_are_one_line_or_the_json_error_shape() -> None:
    plain = runner.invoke(dose.app, ["calc", "--drug", "aspirin", "--weight-kg", "21", "--indication", "sjia"])
    assert plain.exit_code == 1
    assert "error: drug: no drug called 'aspirin'" in plain.output
    as_json = runner.invoke(
        dose.app, ["calc", "--drug", "anakinra", "--weight-kg", "21", "--indication", "gout", "--json"]
    )
    assert as_json.exit_code == 1
    assert json.loads(as_json.output)["error"]["code"] == "unknown_code"


def test_calc_route_option() -> None:
    result = runner.invoke(
        dose.app,
        [
            "calc",
            "--drug",
            "tocilizumab",
            "--weight-kg",
            "25",
            "--age-years",
            "6",
            "--indication",
            "sjia",
            "--route",
            "iv",
            "--json",
        ],
    )
    assert [r["rule"] for r in json.loads(result.output)["ranges"]] == ["tocilizumab.sjia.iv_under_30kg"]
    bad = runner.invoke(
        dose.app, ["calc", "--drug", "anakinra", "--weight-kg", "21", "--indication", "sjia", "--route", "nasal"]
    )
    assert bad.exit_code == 1


def _root_app(url: str) -> typer.Typer:
    """The dose sub-app under a root that sets the settings, as the remit app does."""
    root = typer.Typer()

    @root.callback()
    def _settings(ctx: typer.Context, database: Annotated[str, typer.Option()] = url) -> None:
        ctx.obj = Settings(database_url=database, actor="tester")

    dose.register(root)
    return root


def test_check_reads_a_stored_patient(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'remit.sqlite3'}"
    migrate(url)
    anakinra = course(
        "anakinra",
        100,
        "mg/kg",
        course_id="c1",
        start=date(2011, 1, 1),
        steps=[(date(2011, 2, 1), 100, "mg", Frequency.DAILY)],
    )
    stored = record(anakinra, weight_kg=21, birth=BirthDate(2005, 1))
    with open_session(Settings(database_url=url, actor="tester")) as session:
        assert all(r.ok for r in import_records(session, [stored], "tester"))
    app = _root_app(url)

    every_step = runner.invoke(app, ["dose", "check", "p1"])
    assert every_step.exit_code == 0, every_step.output
    assert "ABOVE_MAXIMUM" in every_step.output
    assert "did you mean 100 mg?" in every_step.output
    assert "ABOVE_USUAL" in every_step.output  # 100 mg = 4.76 mg/kg/day from February

    on_day = runner.invoke(app, ["dose", "check", "p1", "--on", "2011-03-01", "--json"])
    checks = json.loads(on_day.output)["checks"]
    assert [c["verdict"] for c in checks] == ["above_usual"]
    assert checks[0]["weight"]["value"] == 21

    missing = runner.invoke(app, ["dose", "check", "nobody"])
    assert missing.exit_code == 1
    bad_date = runner.invoke(app, ["dose", "check", "p1", "--on", "March"])
    assert bad_date.exit_code == 1
