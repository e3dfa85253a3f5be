"""``remit patients``, ``remit show`` and ``remit history``: reading the registry."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from remit.cli.context import console, settings
from remit.cli.rendering import course
from remit.services import get_record, get_version, list_patients, open_session, patient_history

PatientArgument = Annotated[str, typer.Argument(metavar="PATIENT", help="Patient id (see `remit patients`).")]


def register(app: typer.Typer) -> None:
    app.command("patients")(patients)
    app.command("show")(show)
    app.command("history")(history)


def patients(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option(help="Only patients of this site.")] = None,
) -> None:
    """List stored patients (deleted ones are hidden)."""
    with open_session(settings(ctx)) as session:
        rows = list_patients(session, site=site)
    out = console()
    if not rows:
        where = f" at site {site}" if site else ""
        out.print(f"no patients stored{where} yet; add some with `remit import FILE...` or try `remit demo`")
        return
    table = Table(title=f"{len(rows)} patient{'s' if len(rows) != 1 else ''}")
    for name in ("patient", "site", "sex", "born", "conditions", "drugs", "labs", "version"):
        table.add_column(name, overflow="fold", justify="right" if name in ("labs", "version") else "left")
    for r in rows:
        cells = (
            r.patient_id,
            r.site,
            r.sex.value,
            r.birth.iso() if r.birth else "",
            ", ".join(r.conditions),
            ", ".join(r.drugs),
            str(r.observations),
            str(r.version),
        )
        table.add_row(*(Text(c) for c in cells))
    out.print(table)


def show(ctx: typer.Context, patient: PatientArgument) -> None:
    """Show a patient's course: diagnoses, encounters, medication courses with their
    doses over time, findings, episodes, adverse events, and labs by date
    (as entered, canonical value in brackets when converted)."""
    with open_session(settings(ctx)) as session:
        record = get_record(session, patient)
        version = get_version(session, patient)
    console().print(course(record, version=version))


def history(ctx: typer.Context, patient: PatientArgument) -> None:
    """Show the audit trail of a patient: every import, replacement, deletion and export."""
    with open_session(settings(ctx)) as session:
        entries = patient_history(session, patient)
    if not entries:
        console().print(f"no audit entries for {patient}")
        return
    table = Table(title=f"history of {patient}")
    for name in ("when (UTC)", "who", "action", "reason"):
        table.add_column(name, overflow="fold")
    for e in entries:
        table.add_row(*(Text(c) for c in (f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.reason or "")))
    console().print(table)
