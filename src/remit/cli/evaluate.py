"""``remit evaluate`` and ``remit criteria``: the criteria engine from the shell."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from remit import catalogue
from remit.config import Settings
from remit.core.record import PatientRecord
from remit.errors import RemitError
from remit.rules.interpret import Result, evaluate
from remit.rules.render import describe, explain


def register(root: typer.Typer) -> None:
    root.command("evaluate")(evaluate_command)
    root.add_typer(criteria_app, name="criteria")


criteria_app = typer.Typer(help="List and read the published instruments remit implements.", no_args_is_help=True)

_STATUS_STYLE = {"met": "bold red", "not_met": "green", "indeterminate": "yellow"}


def load_target(target: str, database: str | None) -> PatientRecord:
    """A case-file path (YAML/JSON) or a patient id in the registry."""
    path = Path(target)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        from remit import casefiles
        from remit.interop import fhir

        return fhir.load_bundle(path) if fhir.is_bundle_file(path) else casefiles.load(path)
    from remit import services

    settings = Settings.from_env(database=database)
    with services.open_session(settings) as session:
        return services.get_record(session, target)


def default_as_of(record: PatientRecord) -> date:
    """The date of the latest recorded fact: evaluating "today" would find no
    recent labs for most registry patients, so the default is stated in output."""
    coverage = record.coverage()
    if coverage is None:
        raise RemitError("the record has no dated facts; give --as-of")
    return coverage[1]


def run(record: PatientRecord, as_of: date, instruments: list[str], baseline: date | None) -> tuple[Result, ...]:
    if instruments:
        definitions = [catalogue.get(i) for i in instruments]
        return tuple(evaluate(d, record, as_of, baseline_date=baseline) for d in definitions)
    return catalogue.evaluate_all(record, as_of, baseline_date=baseline)


def results_json(record: PatientRecord, as_of: date, results: tuple[Result, ...]) -> dict[str, Any]:
    """The stable document described in docs/reference/evaluate-json.md."""
    from remit import __version__

    return {
        "patient": record.patient.id,
        "as_of": as_of.isoformat(),
        "remit_version": __version__,
        "results": [r.to_dict() for r in results],
    }


def results_table(record: PatientRecord, as_of: date, results: tuple[Result, ...]) -> Table:
    table = Table(title=f"{record.patient.id} as of {as_of.isoformat()}", show_lines=True, expand=True)
    table.add_column("instrument", ratio=2)
    table.add_column("result", ratio=1)
    table.add_column("score", ratio=1)
    table.add_column("key evidence", ratio=3)
    table.add_column("decisive unknowns", ratio=3)
    for r in results:
        d = r.definition
        flag = "" if d.verification.value == "verified" else f"\n[magenta]{d.verification.value}[/]"
        status = f"[{_STATUS_STYLE[r.status]}]{r.status.replace('_', ' ')}[/]"
        score = ""
        if r.score is not None:
            score = f"{r.score.describe()}" + (f"\n{r.category}" if r.category else "")
        evidence = "\n".join(e.text for e in r.outcome.all_evidence()[:5])
        unknowns = "\n".join(r.decisive_unknowns[:4])
        table.add_row(f"{d.id}\n[dim]{d.title}[/]{flag}", status, score, evidence, unknowns)
    return table


def evaluate_command(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Argument(help="A patient id in the registry, a case file (YAML/JSON) or a FHIR R4 Bundle (JSON).")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Index date (YYYY-MM-DD). Default: the latest recorded fact.")
    ] = None,
    instrument: Annotated[
        list[str] | None,
        typer.Option("--instrument", "-i", help="Instrument id; repeat for several. Default: every applicable one."),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Baseline visit date, for response instruments (ACR Pedi).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the stable JSON document instead of a table.")] = False,
    explain_: Annotated[bool, typer.Option("--explain", help="Also print every item with its evidence.")] = False,
    database: Annotated[
        str | None, typer.Option("--database", envvar="REMIT_DATABASE_URL", help="Database URL.")
    ] = None,
) -> None:
    """Evaluate criteria, scores and activity indices for one patient, with the evidence used."""
    record = load_target(target, database)
    index = date.fromisoformat(as_of) if as_of else default_as_of(record)
    base = date.fromisoformat(baseline) if baseline else None
    results = run(record, index, instrument or [], base)
    if as_json:
        typer.echo(json.dumps(results_json(record, index, results), indent=2, ensure_ascii=False))
        return
    console = Console()
    if as_of is None:
        console.print(f"[dim]as of {index.isoformat()}, the latest recorded fact (use --as-of to change)[/]")
    console.print(results_table(record, index, results))
    if explain_:
        for r in results:
            console.print(explain(r), markup=False, highlight=False)
            console.print()
    console.print("[dim]Research use only: remit explains criteria, it does not make a diagnosis.[/]")


@criteria_app.command("list")
def list_command() -> None:
    """Every instrument: id, title, kind and verification status."""
    table = Table(title="Instruments")
    for column in ("id", "title", "kind", "verification", "applies to"):
        table.add_column(column)
    for c in catalogue.INSTRUMENTS.values():
        table.add_row(c.id, c.title, c.kind.value, c.verification.value, ", ".join(c.applies_to) or "any")
    Console().print(table)


@criteria_app.command("show")
def show_command(
    instrument_id: Annotated[str, typer.Argument(help="Instrument id, e.g. mas_2016.")],
    markdown: Annotated[bool, typer.Option("--markdown", help="Print raw Markdown.")] = False,
) -> None:
    """The definition in prose: items, thresholds with units, windows, citation, caveats."""
    text = describe(catalogue.get(instrument_id))
    if markdown:
        typer.echo(text)
    else:
        Console().print(Markdown(text))
