"""``remit demo``: build a demo registry from the shipped case files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from remit import casefiles
from remit.cli.context import console, fail, report_error, settings
from remit.errors import RemitError
from remit.persistence.engine import sqlite_path
from remit.services import import_records, open_session
from remit.services.demo import demo_case_files, recreate_database


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    database: Annotated[
        Path | None,
        typer.Option(
            "--database",
            metavar="PATH",
            help="SQLite file to (re)create. Default: the global --database, if it is an SQLite file.",
        ),
    ] = None,
    serve: Annotated[bool, typer.Option("--serve", help="Then add demo users (one per role) and serve it.")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve (on 127.0.0.1).")] = 8000,
) -> None:
    """Build a fresh demo database from the shipped case files.

    Deletes PATH if it exists (only if it is an SQLite database), creates the
    schema, imports every demo case with a progress bar, then tells you what to
    try next.
    """
    config = settings(ctx)
    path = database or sqlite_path(config.database_url)
    if path is None:
        fail("the demo database is an SQLite file; pass --database PATH")
    cases = demo_case_files()
    demo_settings = recreate_database(path, actor=config.actor)
    out = console()
    imported: list[str] = []
    failures = 0
    with (
        open_session(demo_settings) as session,
        Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), console=out
        ) as progress,
    ):
        task = progress.add_task("importing demo cases", total=len(cases))
        for case in cases:
            try:
                result = import_records(session, [casefiles.load(case)], demo_settings.actor, reason="demo")[0]
            except RemitError as exc:  # an invalid case file is reported and the others still load
                report_error(str(exc))
                failures += 1
            else:
                if result.ok:
                    imported.append(result.patient_id)
                else:
                    report_error(f"{case}: {result.error}")
                    failures += 1
            progress.advance(task)
    _next_steps(path, imported, configured=sqlite_path(config.database_url) == path)
    if failures:
        fail(f"{failures} of {len(cases)} demo cases could not be imported (see above)")
    if serve:
        from remit.cli.serve import serve_demo

        serve_demo(path, "127.0.0.1", port)


def _next_steps(path: Path, imported: list[str], *, configured: bool) -> None:
    """Copy-pasteable commands; ``--database`` is left out when it is already the configured one."""
    out = console()
    out.print(
        Text.assemble("\n", ("demo database ready: ", "bold"), f"{path} ({len(imported)} patients)"), soft_wrap=True
    )
    if not imported:
        return
    prefix = "remit" if configured else f"remit --database {path}"
    out.print("next, try:", soft_wrap=True)
    for command, purpose in (
        ("patients", "list the patients"),
        (f"show {imported[0]}", "one patient's course: diagnoses, doses over time, labs by date"),
        (f"history {imported[0]}", "the audit trail of that patient"),
        (f"export {imported[0]} --out {imported[0]}.yaml", "the patient as an editable case file"),
    ):
        out.print(f"  {prefix} {command}", style="cyan", soft_wrap=True, markup=False, end="")
        out.print(f"   # {purpose}", style="dim", soft_wrap=True, markup=False)
    if not configured:
        out.print(f"(or set REMIT_DATABASE_URL=sqlite:///{path} to leave out --database)", soft_wrap=True, markup=False)
