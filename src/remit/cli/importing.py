"""``remit import`` and ``remit replace``: case files into the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remit import casefiles
from remit.cli.context import console, report_error, settings
from remit.services import import_records, open_session, replace_record

ReasonOption = Annotated[str | None, typer.Option(help="Why the data is entered or changed; kept in the audit log.")]


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)
    app.command("replace")(replace)


def import_files(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Case files (.yaml, .yml or .json).")],
    reason: ReasonOption = None,
) -> None:
    """Import case files, one new patient each.

    Every file is read and checked first: if any is invalid, the error names the
    file and the field, and nothing at all is stored. Each valid patient is then
    stored in its own transaction; a patient id that already exists is refused.
    See docs/case-file-example.yaml for the format.
    """
    config = settings(ctx)
    records = [casefiles.load(path) for path in files]
    with open_session(config) as session:
        results = import_records(session, records, config.actor, reason=reason)
    out = console()
    for path, result in zip(files, results, strict=True):
        if result.ok:
            out.print(f"imported {result.patient_id} from {path} (version {result.version})", soft_wrap=True)
        else:
            report_error(f"{path}: {result.error}")
    if not all(result.ok for result in results):
        raise typer.Exit(1)


def replace(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The edited case file (e.g. from `remit export`).")],
    version: Annotated[
        int, typer.Option("--version", help="The version your edit is based on, as shown by `remit show PATIENT`.")
    ],
    reason: ReasonOption = None,
) -> None:
    """Replace a stored patient with an edited case file.

    The patient is the one named in the file. If it changed after the version
    you give (someone else saved in between), nothing is replaced: export it
    again and redo the edit. The old and new record are kept in the audit log.
    """
    config = settings(ctx)
    record = casefiles.load(file)
    with open_session(config) as session:
        new_version = replace_record(session, record, expected_version=version, actor=config.actor, reason=reason)
    console().print(f"replaced {record.patient.id} from {file} (version {version} -> {new_version})", soft_wrap=True)
