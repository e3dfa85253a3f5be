"""Creating, upgrading and opening the registry database.

Entry points (CLI, web app) open one session per command or request through
:func:`open_session`, which first checks that the database exists and is at
the schema revision this code expects, so a missing ``remit init`` shows up as
one clear sentence instead of "no such table".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from remit.config import Settings
from remit.errors import StorageError
from remit.persistence.engine import create_engine, display_url
from remit.persistence.schema import check_schema, head_revision, migrate


def init_database(settings: Settings) -> str:
    """Create the database, or upgrade it, to the current schema; return the revision."""
    migrate(settings.database_url)
    return head_revision()


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """A session on the configured database, closed (and its engine disposed) on exit.

    The services called with it own their transactions; the session must be
    idle when handed to one.
    """
    engine = create_engine(settings.database_url)
    try:
        check_schema(engine)
        with Session(engine) as session:
            yield session
    except OperationalError as exc:  # locked, gone away, disk full ...
        raise StorageError(f"{display_url(settings.database_url)}: {exc.orig}") from exc
    finally:
        engine.dispose()
