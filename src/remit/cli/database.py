"""``remit init``: create or upgrade the registry database."""

from __future__ import annotations

import typer

from remit.cli.context import console, settings
from remit.persistence.engine import display_url
from remit.services import init_database


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(ctx: typer.Context) -> None:
    """Create the database (or upgrade it to this version's schema). Safe to run again."""
    config = settings(ctx)
    revision = init_database(config)
    console().print(f"database ready: {display_url(config.database_url)} (schema revision {revision})")
