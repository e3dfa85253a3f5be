"""The Typer app: global options, command registration, and error reporting.

Each command group lives in its own module exposing ``register(app)``; adding
one is one line in :data:`COMMAND_MODULES`. Every :class:`~remit.errors.RemitError`
becomes one red ``error: ...`` line and exit status 1 - a traceback is only
ever shown for a bug.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Protocol

import typer
from typer.core import TyperGroup

from remit.cli import backup as registry_backup
from remit.cli import database, demo, dose, evaluate, exporting, importing, interop, patients, pk, protocol, report
from remit.cli import screen as screening
from remit.cli import serve as web_server
from remit.cli import synth as synthetic_ehr
from remit.cli.context import report_error
from remit.config import Settings
from remit.errors import RemitError


class _CommandModule(Protocol):
    def register(self, app: typer.Typer) -> None: ...


# Command groups, in the order `remit --help` lists them.
COMMAND_MODULES: tuple[_CommandModule, ...] = (
    database,
    importing,
    exporting,
    patients,
    evaluate,
    dose,
    pk,
    demo,
    interop,  # FHIR/OMOP import-export; after `exporting`: it extends `remit export` with --format
    report,
    protocol,  # remit protocol list/show/status: treatment protocols and follow-up schedules
    web_server,  # remit serve: the web app and JSON API (remit.web)
    registry_backup,  # remit backup/restore: the whole registry to a file and back
    screening,  # remit screen: instruments over an OMOP extract, compiled to SQL (remit.screening)
    synthetic_ehr,  # remit synth: a synthetic OMOP extract for tests, benchmarks and demos
)


class _RemitGroup(TyperGroup):
    """Turns expected errors into one line; used by ``main`` and by test runners alike."""

    # Typer vendors click and keeps that Context type private, hence Any.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except RemitError as exc:
            report_error(str(exc))
            raise typer.Exit(1) from None


app = typer.Typer(
    name="remit",
    cls=_RemitGroup,
    help="remit: registry, criteria and outcomes for IL-1 blockade in paediatric systemic inflammatory disease. "
    "Research software, not a medical device.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals can hold patient data
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            envvar="REMIT_DATABASE_URL",
            metavar="URL",
            help="Database to use: an SQLAlchemy URL (sqlite:///remit.sqlite3, "
            "postgresql+psycopg://user@host/db) or a plain path to an SQLite file. "
            "Default: remit.sqlite3 in the current directory.",
        ),
    ] = None,
) -> None:
    ctx.obj = Settings.from_env(database=database)


for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    """Console entry point (``remit``)."""
    try:
        app()
    except RemitError as exc:  # raised outside a command, e.g. while building settings
        report_error(str(exc))
        sys.exit(1)
