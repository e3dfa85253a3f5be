"""One engine for the life of the web app (the CLI opens one per command).

The schema is checked once, when the app starts, so a missing ``remit init``
is one clear sentence at start-up instead of an error on every page.

The connection pool keeps as many connections as the server answers requests at once. The
default pool (5 kept, 10 more while busy) closed every connection beyond the fifth when it was
returned: at 20 concurrent writers each request opened a new PostgreSQL connection (a server
process started and authenticated): PostgreSQL's CPU per write was 3.4-3.9 ms, and is 1.2-1.5
with the connections kept (docs/reliability.md, "Load"). A process runs at most 40 requests at once (the thread pool of
its synchronous routes), so it keeps up to 20 connections and opens up to 20 more when needed:
with ``remit serve --workers N``, PostgreSQL's ``max_connections`` (100 by default) must allow
40 N plus the other clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from remit.config import Settings
from remit.errors import StorageError
from remit.persistence.engine import create_engine, display_url
from remit.persistence.schema import check_schema

POOL = (20, 20)  # (kept, more while busy): 40, the requests a server process runs at once


class WebDatabase:
    """The registry database as the web app uses it: :meth:`session` per request."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.database_url
        self.engine = create_engine(settings.database_url, pool=POOL)
        try:
            check_schema(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    @contextmanager
    def session(self) -> Iterator[Session]:
        try:
            with Session(self.engine) as session:
                yield session
        except OperationalError as exc:
            raise StorageError(f"{display_url(self.url)}: {exc.orig}") from exc

    def dispose(self) -> None:
        self.engine.dispose()
