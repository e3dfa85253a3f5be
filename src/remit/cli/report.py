"""``remit report``: the research report of a cohort (tables, figures, outcomes, provenance)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from remit import casefiles
from remit.cli.context import console, fail, settings
from remit.config import Settings
from remit.core.record import PatientRecord
from remit.outcomes import COHORTS, get_cohort
from remit.services import get_record, list_patients, open_session

CASE_SUFFIXES = (".yaml", ".yml", ".json")


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    ctx: typer.Context,
    *,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Directory to write the report into.")],
    cohort: Annotated[
        str, typer.Option(metavar="NAME", help=f"Cohort definition: {', '.join(COHORTS)}.")
    ] = "anakinra-2021",
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            metavar="URL",
            help="Read the patients of this database (default: the global --database or REMIT_DATABASE_URL).",
        ),
    ] = None,
    cases: Annotated[
        Path | None,
        typer.Option(
            "--cases", metavar="DIR", help="Read case files (*.yaml, *.yml, *.json) from DIR instead of a database."
        ),
    ] = None,
    course_figures: Annotated[
        str,
        typer.Option(
            "--course-figures", metavar="all|none|ID,...", help="Which members get a treatment-course figure."
        ),
    ] = "all",
    on: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Date printed in the report (default: today).")
    ] = None,
) -> None:
    """Write the research report of a cohort: report.html (self-contained), report.docx,
    one CSV per table, outcomes.csv, explanations.json and provenance.json.

    Reads every patient of the database, or of the case files in --cases, selects the
    cohort, derives each member's outcomes at months 3 and 12 and fits the tables.
    Two runs on the same data give the same files apart from the date.
    """
    from remit.stats.report import build_report, write_report
    # only when a report is made, not on every `remit` command

    definition = get_cohort(cohort)
    generated = _date(on)
    out_console = console()
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), console=out_console
    ) as progress:
        if cases is not None:
            records = _from_cases(cases, progress)
            source = f"case files: {cases.name}"
        else:
            config = settings(ctx) if database is None else Settings.from_env(database=database)
            records = _from_database(config, progress)
            source = "database"
        if not records:
            fail("no patient records to report on")
        tasks: dict[str, TaskID] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        figures = (
            course_figures
            if course_figures in ("all", "none")
            else [p.strip() for p in course_figures.split(",") if p.strip()]
        )
        built = build_report(records, definition, course_figures=figures, source=source, progress=tick)
        if not built.analysis.selection.members:
            steps = "; ".join(f"{s.rule} removed {s.removed}" for s in built.analysis.selection.attrition)
            fail(f"no patient meets the rules of cohort {cohort} ({steps})")
        writing = progress.add_task("writing files", total=1)
        paths = write_report(built, out, generated=generated)
        progress.update(writing, completed=1)
    members = len(built.analysis.selection.members)
    out_console.print(
        f"report of {members} patient(s) (cohort {cohort}) written to {out}: "
        f"{len(paths)} files, open {out / 'report.html'}",
        soft_wrap=True,
        markup=False,
    )


def _date(text: str | None) -> date:
    if text is None:
        return datetime.now(tz=UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--date {text!r} is not a date; use YYYY-MM-DD")


def _from_cases(folder: Path, progress: Progress) -> list[PatientRecord]:
    if not folder.is_dir():
        fail(f"--cases {folder}: not a directory")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CASE_SUFFIXES)
    task = progress.add_task("reading case files", total=len(files))
    records = []
    for path in files:
        records.append(casefiles.load(path))
        progress.advance(task)
    return records


def _from_database(config: Settings, progress: Progress) -> list[PatientRecord]:
    with open_session(config) as session:
        ids = [s.patient_id for s in list_patients(session)]
        task = progress.add_task("reading patients", total=len(ids))
        records = []
        for patient_id in ids:
            records.append(get_record(session, patient_id))
            progress.advance(task)
    return records
