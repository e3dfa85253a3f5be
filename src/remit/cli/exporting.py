"""``remit export``: a stored patient as a case file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from remit import casefiles
from remit.cli.context import console, settings
from remit.services import export_record, open_session


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    ctx: typer.Context,
    patient: Annotated[str, typer.Argument(help="Patient id (see `remit patients`).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write to this .yaml/.yml/.json file instead of printing YAML."),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why the data leaves the registry; kept in the audit log.")] = None,
) -> None:
    """Export a patient as a case file that `remit import` reads back unchanged.

    The export is recorded in the audit log.
    """
    config = settings(ctx)
    with open_session(config) as session:
        record = export_record(session, patient, actor=config.actor, reason=reason)
    if out is None:
        typer.echo(yaml.safe_dump(casefiles.dump(record), sort_keys=False, allow_unicode=True), nl=False)
        return
    casefiles.write(record, out)
    console().print(f"wrote {patient} to {out}", soft_wrap=True)
