"""``remit backup FILE`` and ``remit restore FILE``: the whole registry to a file and back.

SQLite is copied with its online backup API, PostgreSQL with pg_dump/pg_restore
(``remit.persistence.backup`` says why); the command prints what the file holds,
so a backup can be checked against what the registry showed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remit.cli.context import console, settings
from remit.persistence.backup import backup as make_backup
from remit.persistence.backup import restore as restore_backup
from remit.persistence.engine import display_url

FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The backup file.")]


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(ctx: typer.Context, file: FileArgument) -> None:
    """Write a consistent copy of the whole registry to FILE (safe while the server runs)."""
    config = settings(ctx)
    report = make_backup(config.database_url, file)
    console().print(
        f"backup written: {report.path} ({report.size} bytes; {report.summary()})", soft_wrap=True, markup=False
    )


def restore(
    ctx: typer.Context,
    file: FileArgument,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a database that holds data (stop the server first).")
    ] = False,
) -> None:
    """Restore the registry from FILE into the database (which must be empty unless --replace)."""
    config = settings(ctx)
    report = restore_backup(file, config.database_url, replace=replace)
    console().print(
        f"restored {file} into {display_url(config.database_url)} ({report.summary()})", soft_wrap=True, markup=False
    )
