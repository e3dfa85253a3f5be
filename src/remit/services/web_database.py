"""One engine for the life of the web app (the CLI opens one per command).

The schema is checked once, when the app starts, so a missing ``remit init``
is one clear sentence at start-up instead of an error on every page.
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


class WebDatabase:
    """The registry database as the web app uses it: :meth:`session` per request."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.database_url
        self.engine = create_engine(settings.database_url)
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
