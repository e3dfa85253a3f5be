"""Schema lifecycle: migrate a database to the current revision, and refuse to
work on one that is missing or behind.

Alembic is configured in code (no ``alembic.ini`` to ship or find): the script
directory is the ``migrations`` package next to this module. Writing a new
revision uses the same configuration; ``docs/data-model.md`` shows how.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from remit.errors import StorageError
from remit.persistence.engine import create_engine, display_url, sqlite_path

SCRIPT_LOCATION = "remit.persistence:migrations"


def alembic_config(connection: Connection | None = None, *, url: str | None = None) -> Config:
    """An Alembic configuration for remit's scripts, bound to ``connection`` or ``url``."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this version of remit expects."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the initial revision ships with the package
        raise StorageError("no schema revisions are installed; reinstall remit")
    return head


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (creating an SQLite file,
    and its directory, if needed). Safe to run on an up-to-date database."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except OperationalError as exc:
        raise StorageError(f"cannot migrate {display_url(url)}: {exc.orig}") from exc
    finally:
        engine.dispose()


def downgrade(url: str, revision: str = "base") -> None:
    """Step the database at ``url`` back to ``revision`` (``base`` drops everything)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def schema_revision(connection: Connection) -> str | None:
    """The revision the database is at (None if never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise :class:`StorageError`, saying what to run, unless the database
    exists, answers and is at :func:`head_revision`."""
    url = engine.url.render_as_string(hide_password=False)
    shown = display_url(url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise StorageError(f"no database at {path}; run `remit init` to create one (or `remit demo` for a demo)")
    try:
        with engine.connect() as connection:
            current = schema_revision(connection)
    except OperationalError as exc:
        raise StorageError(f"cannot connect to {shown}: {exc.orig}") from exc
    head = head_revision()
    if current is None:
        raise StorageError(f"{shown} is not a remit database yet; run `remit init`")
    if current != head:
        raise StorageError(
            f"{shown} has schema revision {current}, this remit needs {head}; run `remit init` to upgrade"
        )
