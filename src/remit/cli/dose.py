"""``remit dose calc`` and ``remit dose check``: the drug catalogue from the shell.

``calc`` is pure (no database): the usual range in mg of every applicable rule
for a child of a given weight. ``check`` reads a stored patient and checks the
doses of its medication courses. Both explain; neither decides.

Register with one line: ``dose.register(app)`` (or ``app.add_typer(dose.app)``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, NoReturn

import typer

from remit.cli.context import fail
from remit.config import Settings
from remit.core.medications import Route
from remit.core.record import (
    PatientRecord,
)
from remit.drugs import DoseCheck, check_dose, dose_calc
from remit.errors import RemitError, ValueParseError
from remit.services import get_record, open_session

app = typer.Typer(
    name="dose",
    help="Dose ranges and dose checks against the drug catalogue, with sources and caveats. "
    "Research software: it explains, it never decides.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="dose")


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.command("calc")
def calc(
    *,
    drug: Annotated[str, typer.Option("--drug", help="Drug id or name: anakinra, MTX, VP-16, CsA ...")],
    weight_kg: Annotated[float, typer.Option("--weight-kg", help="Body weight in kg.")],
    indication: Annotated[str, typer.Option("--indication", help="Indication id: sjia, mas, caps, fmf, jia ...")],
    height_cm: Annotated[float | None, typer.Option("--height-cm", help="Height in cm (for m² doses).")] = None,
    age_years: Annotated[float | None, typer.Option("--age-years", help="Age in years (for age bands).")] = None,
    route: Annotated[str | None, typer.Option("--route", help="sc, iv, oral, intra-articular ...")] = None,
    as_json: JsonOption = False,
) -> None:
    """Usual dose range and maximum in mg for one child, rule by rule."""
    try:
        result = dose_calc(drug, indication, weight_kg, height_cm, age_years, route=parse_route(route))
    except RemitError as exc:
        _error(exc, as_json)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(result.summary())


@app.command("check")
def check(
    ctx: typer.Context,
    patient: Annotated[str, typer.Argument(metavar="PATIENT", help="Patient id (see `remit patients`).")],
    *,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="Check the courses active on this date (YYYY-MM-DD). Default: every dosing "
            "step of every course, on the day it started.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check the doses of a stored patient's medication courses."""
    try:
        day = _parse_date(on) if on is not None else None
        with open_session(_settings(ctx)) as session:
            record = get_record(session, patient)
    except RemitError as exc:
        _error(exc, as_json)
    results = check_record(record, day)
    if as_json:
        typer.echo(
            json.dumps({"patient": patient, "checks": [r.to_dict() for r in results]}, indent=2, ensure_ascii=False)
        )
        return
    if not results:
        typer.echo(f"{patient}: no medication course {'active on ' + day.isoformat() if day else 'with doses'}")
    for result in results:
        typer.echo(result.summary())


def check_record(record: PatientRecord, on: date | None) -> list[DoseCheck]:
    """Every course active on ``on``; without a date, every dosing step on its first day."""
    if on is not None:
        return [check_dose(course, record, on) for course in record.active_medications(on)]
    return [check_dose(course, record, dose.start) for course in record.medications for dose in course.doses]


def parse_route(text: str | None) -> Route | None:
    if text is None:
        return None
    folded = text.strip().casefold().replace("_", "-")
    for route in Route:
        if folded in (route.name.casefold().replace("_", "-"), route.value):
            return route
    raise ValueParseError(
        f"unknown route {text!r}; use one of {', '.join(r.name.lower() for r in Route)}", field="route"
    )


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueParseError(f"{text!r} is not a date (YYYY-MM-DD)", field="on") from None


def _settings(ctx: typer.Context) -> Settings:
    """The root app's settings, or the environment's when run as a bare sub-app."""
    found = ctx.find_root().obj
    return found if isinstance(found, Settings) else Settings.from_env()


def _error(exc: RemitError, as_json: bool) -> NoReturn:
    if as_json:
        typer.echo(json.dumps({"error": exc.to_dict()}, ensure_ascii=False))
        raise typer.Exit(1)
    fail(str(exc))
