"""What every command shares: the settings built by the app callback, the two
consoles, and the one way a command reports a failure.

Consoles are created per call, never at import time, so they write to
whatever ``sys.stdout``/``sys.stderr`` are at that moment (the test runner's).
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

from remit.config import Settings


def settings(ctx: typer.Context) -> Settings:
    """The settings the app callback put on the root context."""
    found = ctx.find_root().obj
    if not isinstance(found, Settings):  # pragma: no cover - the callback always runs first
        raise TypeError("remit commands must run under the remit app")
    return found


def console() -> Console:
    return Console(highlight=False)


def error_console() -> Console:
    return Console(stderr=True, highlight=False)


def report_error(message: str) -> None:
    """One red line on stderr, never wrapped, never read as markup."""
    error_console().print(Text(f"error: {' '.join(message.split())}", style="red"), soft_wrap=True)


def fail(message: str) -> NoReturn:
    report_error(message)
    raise typer.Exit(1)
