"""``remit pk simulate``: the Urien 2013 anakinra model from the shell.

Register with one line: ``pk.register(app)`` (or ``app.add_typer(pk.app)``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from remit.cli.context import fail
from remit.core.doses import PerBody, parse_dose_unit
from remit.core.medications import Route
from remit.core.units import convert
from remit.errors import RemitError, ValueParseError
from remit.pk import DEFAULT_SEED, Regimen, Simulation, plot, simulate

app = typer.Typer(
    name="pk",
    help="Anakinra population pharmacokinetics (Urien et al. 2013): simulate concentrations for one child. "
    "Research software: it shows what the model predicts, with its limits.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="pk")


@app.callback()
def _group() -> None:
    """Keeps ``pk`` a command group (``pk simulate``) while it has one command."""


@app.command("simulate")
def simulate_command(
    *,
    weight_kg: Annotated[float, typer.Option("--weight-kg", help="Body weight in kg (the model covariate).")],
    dose: Annotated[float, typer.Option("--dose", help="Dose amount, in --dose-unit.")],
    dose_unit: Annotated[str, typer.Option("--dose-unit", help="mg, mg/kg, g, or a daily total: mg/kg/day.")] = "mg",
    every: Annotated[str, typer.Option("--every", help="Dosing interval: 24h, 12h, 1d ...")] = "24h",
    days: Annotated[float, typer.Option("--days", help="Days to simulate.")] = 7,
    route: Annotated[str, typer.Option("--route", help="sc, or iv (extrapolated, off-label).")] = "sc",
    age_years: Annotated[float | None, typer.Option("--age-years", help="Age, to check the model population.")] = None,
    virtual_patients: Annotated[int, typer.Option("--virtual-patients", help="Monte-Carlo patients (0: none).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the virtual patients.")] = DEFAULT_SEED,
    plot_path: Annotated[Path | None, typer.Option("--plot", help="Save a PNG of the curves here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Simulate a repeated SC (or IV bolus) anakinra dose."""
    try:
        interval = parse_interval(every)
        route_value = Route.IV if route.strip().casefold() in ("iv", "intravenous") else Route.SC
        if route.strip().casefold() not in ("iv", "intravenous", "sc", "subcutaneous"):
            raise ValueParseError(f"route {route!r}: use sc or iv", field="route")
        per_dose = dose_mg_per_administration(dose, dose_unit, weight_kg, interval)
        regimen = Regimen.repeated(per_dose, interval, days=days, route=route_value)
        result = simulate(regimen, weight_kg, days, age_years=age_years, n_virtual=virtual_patients, seed=seed)
    except RemitError as exc:
        _error(exc, as_json)
    if plot_path is not None:
        ax = plot(result)
        ax.figure.savefig(plot_path, dpi=150)
    if as_json:
        typer.echo(json.dumps(result.to_dict(curves=False), indent=2, ensure_ascii=False))
        return
    typer.echo(describe(result))
    if plot_path is not None:
        typer.echo(f"plot saved to {plot_path}")


def dose_mg_per_administration(amount: float, unit_text: str, weight_kg: float, interval_h: float) -> float:
    """mg per administration: ``2 mg/kg`` × weight; a per-day unit is split over the administrations."""
    unit = parse_dose_unit(unit_text)
    if unit.per is PerBody.M2:
        raise ValueParseError("anakinra doses per m² are not supported; use mg or mg/kg", field="dose_unit")
    mg = amount * convert(1.0, unit.mass, "mg")
    if unit.per is PerBody.KG:
        mg *= weight_kg
    if unit.per_hours is not None:
        mg *= interval_h / unit.per_hours
    return mg


def parse_interval(text: str) -> float:
    """``24h``, ``q12h``, ``1d``, ``1w`` -> hours."""
    match = re.fullmatch(r"\s*q?(\d+(?:\.\d+)?)\s*(h|hr|hours?|d|days?|w|wk|weeks?)?\s*", text.casefold())
    if match is None or float(match.group(1)) <= 0:
        raise ValueParseError(f"{text!r} is not an interval such as 24h, 12h or 1d", field="every")
    unit = (match.group(2) or "h")[0]
    return float(match.group(1)) * {"h": 1.0, "d": 24.0, "w": 168.0}[unit]


def describe(result: Simulation) -> str:
    p = result.parameters
    lines = [
        f"Anakinra, Urien 2013 model, {result.weight_kg:g} kg: CL/F {p.cl_l_per_h:.3f} L/h, V/F {p.v_l:.2f} L, "
        f"ka {p.ka_per_h:g}/h, t½ {p.half_life_h:.2f} h",
    ]
    ss = result.steady_state
    if ss is not None:
        t = ss.typical
        lines.append(
            f"steady state, {ss.dose_mg:.4g} mg every {ss.interval_h:g} h ({ss.route.value}): "
            f"peak {t.peak:.3f} mg/L at {t.peak_time_h:.1f} h, trough {t.trough:.3f}, average {t.average:.3f} "
            f"mg/L; {t.time_above_target_h:.1f} h per interval above {result.target_mg_per_l:g} mg/L"
        )
        if ss.lower is not None and ss.upper is not None and ss.share_average_above_target is not None:
            lines.append(
                f"  {result.level:.0%} of {result.n_virtual} virtual patients (seed {result.seed}): "
                f"peak {ss.lower.peak:.3f}–{ss.upper.peak:.3f}, trough {ss.lower.trough:.3f}–"
                f"{ss.upper.trough:.3f}, average {ss.lower.average:.3f}–{ss.upper.average:.3f} mg/L; "
                f"{ss.share_average_above_target:.0%} reach an average ≥ {result.target_mg_per_l:g} mg/L"
            )
    lines.append(
        f"over {result.days:g} days (typical): {result.time_above_target_h:.1f} h above {result.target_mg_per_l:g} mg/L"
    )
    lines.extend(f"{w.severity}: {w.message}" for w in result.warnings)
    return "\n".join(lines)


def _error(exc: RemitError, as_json: bool) -> NoReturn:
    if as_json:
        typer.echo(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
        raise typer.Exit(1)
    fail(str(exc))
