"""``remit screen``: run instruments over an OMOP extract, compiled to SQL."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from remit.catalogue import INSTRUMENTS
from remit.cli.context import console, fail
from remit.interop.omop.concepts import ConceptMap
from remit.screening.backends import connect
from remit.screening.run import PHASES, ScreenResult, attrition_rows, materialise_facts, needs, screen, storing
from remit.screening.sources import Cdm, CdmFacts, cdm_facts, open_cdm

BACKENDS = ("duckdb", "postgres", "spark")


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)


def screen_command(
    instruments: Annotated[
        list[str], typer.Option("--instrument", metavar="ID", help="Instrument to run (repeat for several).")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            metavar="PATH_OR_URL",
            help="OMOP extract: a directory of Parquet or CSV files, a DuckDB file, or a postgresql:// URL.",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Results Parquet (one file per instrument when several).")
    ] = Path("results.parquet"),
    backend: Annotated[
        str | None, typer.Option("--backend", help="duckdb, postgres or spark. Default: from the source.")
    ] = None,
    schema: Annotated[
        str | None, typer.Option("--schema", help="Schema holding the CDM tables (PostgreSQL or DuckDB file).")
    ] = None,
    concepts: Annotated[
        Path | None, typer.Option("--concepts", metavar="FILE", help="Concept map CSV replacing the shipped one.")
    ] = None,
    all_days: Annotated[
        bool, typer.Option("--all-days", help="Write every evaluated day, not only MET and INDETERMINATE ones.")
    ] = False,
    memory_limit: Annotated[
        str,
        typer.Option("--memory-limit", help="DuckDB memory limit; beyond it DuckDB spills to a temporary directory."),
    ] = "2GB",
) -> None:
    """Screen every patient-day of an OMOP extract with one or more instruments.

    Writes, per instrument, the explanation matrix of the MET and
    INDETERMINATE patient-days (one column per definition node) to Parquet,
    the attrition summary beside it (<out>.attrition.csv), and the rows of
    the extract that could not be used (<out>.unusable.csv).
    """
    unknown = [i for i in instruments if i not in INSTRUMENTS]
    if unknown:
        fail(f"unknown instrument(s) {', '.join(unknown)}; known: {', '.join(INSTRUMENTS)}")
    baseline = [i for i in instruments if INSTRUMENTS[i].needs_baseline]
    if baseline:
        fail(f"{', '.join(baseline)} compare(s) with a baseline visit; population screening sets no baseline dates")
    chosen = backend or ("postgres" if "://" in source else "duckdb")
    if chosen not in BACKENDS:
        fail(f"unknown backend {chosen!r}; use {', '.join(BACKENDS)}")
    if chosen == "spark" and not (Path(source) / "person.parquet").is_file():
        # Spark reads the Parquet files itself; CSV and DuckDB files are read through DuckDB.
        fail(f"the spark backend reads a directory of Parquet files (person.parquet ...); {source!r} is not one")
    if ("://" in source) != (chosen == "postgres"):
        fail(f"the {chosen} backend cannot read {source!r}: PostgreSQL URLs need --backend postgres, files duckdb")
    try:
        con = connect(chosen, source if chosen == "postgres" else None)
    except ValueError as exc:
        fail(str(exc))
    with tempfile.TemporaryDirectory(prefix="remit-screen-") as spill:
        if chosen == "duckdb":  # bounded memory: DuckDB runs inside this process
            con.raw_sql(f"SET memory_limit = '{memory_limit.replace(chr(39), '')}'")
            con.raw_sql(f"SET temp_directory = '{spill}'")
        _screen(con, source, schema, concepts, instruments, out, all_days=all_days)


def _screen(
    con: Any,
    source: str,
    schema: str | None,
    concepts: Path | None,
    instruments: list[str],
    out: Path,
    *,
    all_days: bool,
) -> None:
    concept_map = ConceptMap.load(concepts)
    cdm = open_cdm(source, schema=schema, con=con)
    analytes = sorted({a for i in instruments for a in needs(INSTRUMENTS[i]).analytes})
    results, facts = _run(cdm, concept_map, instruments, out, analytes=tuple(analytes), all_days=all_days)
    _write_attrition(out.with_suffix(".attrition.csv"), results)
    unusable = _write_unusable(out.with_suffix(".unusable.csv"), cdm, facts)
    _summary(results, unusable)


def _paths(out: Path, instruments: list[str]) -> dict[str, Path]:
    if len(instruments) == 1:
        return {instruments[0]: out}
    return {i: out.with_name(f"{out.stem}.{i}{out.suffix or '.parquet'}") for i in instruments}


def _run(
    cdm: Cdm, concepts: ConceptMap, instruments: list[str], out: Path, *, analytes: tuple[str, ...], all_days: bool
) -> tuple[list[ScreenResult], CdmFacts]:
    """Read the extract once (the analytes any instrument needs), then screen with each."""
    results = []
    paths = _paths(out, instruments)
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console(),
    ) as progress:
        task = progress.add_task("reading the extract", total=len(instruments) * len(PHASES) + 2)
        facts = cdm_facts(cdm, concepts, analytes=analytes, store=storing(cdm.con))
        progress.advance(task)
        progress.update(task, description="converting and storing the facts")
        tables = materialise_facts(cdm.con, facts.tables)
        progress.advance(task)
        for instrument in instruments:
            definition = INSTRUMENTS[instrument]

            def step(phase: str, instrument: str = instrument) -> None:
                progress.update(task, description=f"{instrument}: {phase}")
                progress.advance(task)

            results.append(screen(cdm.con, tables, definition, paths[instrument], all_days=all_days, step=step))
    return results, facts


def _write_attrition(path: Path, results: list[ScreenResult]) -> None:
    rows = [row for r in results for row in attrition_rows(r)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["instrument", "node", "label", "met", "not_met", "unknown", "not_computed"]
        )
        writer.writeheader()
        writer.writerows(rows)


def _write_unusable(path: Path, cdm: Cdm, facts: CdmFacts) -> list[dict[str, Any]]:
    """The unusable rows of the extract, counted per table and reason."""
    frame = cdm.con.execute(facts.unusable.order_by(["table", "reason"]))
    rows: list[dict[str, Any]] = [
        {"table": t, "reason": r, "rows": int(n)}
        for t, r, n in zip(frame["table"], frame["reason"], frame["rows"], strict=True)
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["table", "reason", "rows"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _summary(results: list[ScreenResult], unusable: list[dict[str, Any]]) -> None:
    out = console()
    table = Table(title="Screening summary")
    for header in ("instrument", "patient-days", "MET", "INDETERMINATE", "patients", "patients MET"):
        table.add_column(header, justify="left" if header == "instrument" else "right")
    table.add_column("patients INDETERMINATE*", justify="right")
    table.add_column("seconds", justify="right")
    for r in results:
        table.add_row(
            r.instrument,
            f"{r.days_evaluated:,}",
            f"{r.days_met:,}",
            f"{r.days_indeterminate:,}",
            f"{r.persons_evaluated:,}",
            f"{r.persons_met:,}",
            f"{r.persons_indeterminate:,}",
            f"{r.seconds:.1f}",
        )
    out.print(table)
    out.print("* INDETERMINATE on some day and MET on none.")
    for r in results:
        out.print(f"{r.instrument}: results in {r.path}")
    if unusable:
        out.print("Rows of the extract not used:")
        for row in unusable:
            out.print(f"  {row['table']}: {row['rows']:,} - {row['reason']}")
