"""``remit synth``: write a synthetic OMOP extract (tests, benchmarks, demos)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from remit.cli.context import console, fail
from remit.screening.synth import DEFAULT_MEASUREMENTS_PER_PATIENT, generate


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)


def synth(
    patients: Annotated[int, typer.Option("--patients", min=1, help="How many patients to generate.")],
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Directory for the Parquet files (new or empty).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed writes the same files.")] = 0,
    measurements: Annotated[
        float,
        typer.Option(
            "--measurements-per-patient",
            min=1,
            help="Mean measurement rows per patient (500 gives the benchmark's 50 million rows for 100,000 patients).",
        ),
    ] = DEFAULT_MEASUREMENTS_PER_PATIENT,
) -> None:
    """Write a synthetic EHR extract shaped as OMOP CDM v5.4 Parquet.

    Mostly unremarkable patients, some with systemic JIA courses, MAS episodes
    or autoinflammatory attacks, anakinra courses among them; see
    docs/screening.md. Screen it with `remit screen --source DIR`.
    """
    out_console = console()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out_console,
    ) as progress:
        task = progress.add_task("generating patients", total=patients)
        try:
            extract = generate(
                out,
                patients=patients,
                seed=seed,
                measurements_per_patient=measurements,
                progress=lambda done: progress.update(task, completed=done),
            )
        except FileExistsError as exc:
            fail(str(exc))
    rows = ", ".join(f"{name} {count:,}" for name, count in extract.rows.items())
    out_console.print(f"wrote {extract.directory}: {rows}")
