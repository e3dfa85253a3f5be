"""Typed settings, built once by an entry point and passed down explicitly.

Nothing here runs at import time: the CLI (and later the web app) calls
:meth:`Settings.from_env` once and hands the result to the services, so tests
can build any configuration without touching the process environment.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///remit.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the registry lives and who is changing it.

    ``database_url`` is an SQLAlchemy URL: ``sqlite:///path`` (the default, a
    file in the working directory) or ``postgresql+psycopg://user@host/db``.
    ``actor`` is written into every audit row; the CLI uses the login name.
    """

    database_url: str = DEFAULT_DATABASE_URL
    actor: str = "unknown"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, database: str | None = None, actor: str | None = None
    ) -> Settings:
        """Read ``REMIT_DATABASE_URL`` and ``REMIT_ACTOR``; explicit arguments win.

        ``database`` may be a URL or a plain file path, which means an SQLite
        file (``demo/remit-demo.sqlite3`` -> ``sqlite:///demo/remit-demo.sqlite3``).
        """
        env = os.environ if environ is None else environ
        chosen = database or env.get("REMIT_DATABASE_URL") or DEFAULT_DATABASE_URL
        return cls(database_url=database_url(chosen), actor=actor or env.get("REMIT_ACTOR") or _login_name())


def database_url(url_or_path: str) -> str:
    """A URL as given, or an SQLite URL for a plain file path."""
    text = url_or_path.strip()
    if "://" in text:
        return text
    return f"sqlite:///{text}"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"
