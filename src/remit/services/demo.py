"""The demo registry: a fresh SQLite file filled from the shipped case files.

Recreating means deleting, so the file is checked first: only an SQLite
database (or an empty file) is ever removed, never whatever else happens to
sit at the path given.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from remit.config import Settings, database_url
from remit.errors import NotFoundError, StorageError
from remit.persistence.schema import migrate

_SQLITE_HEADER = b"SQLite format 3\x00"


def demo_case_files() -> list[Path]:
    """Every case file shipped under ``remit/demo/cases``, in path order."""
    with as_file(files("remit").joinpath("demo", "cases")) as root:
        found = sorted(Path(root).rglob("*.yaml"))
    if not found:
        raise NotFoundError("no demo case files are installed (remit/demo/cases/**/*.yaml); reinstall remit")
    return found


def recreate_database(path: Path, *, actor: str) -> Settings:
    """Delete the SQLite database at ``path`` if there is one, create it afresh at
    the current schema, and return settings that point at it."""
    if path.exists():
        if path.is_dir():
            raise StorageError(f"{path} is a directory; give a file name for the demo database")
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
        if header and header != _SQLITE_HEADER:
            raise StorageError(f"{path} exists and is not an SQLite database; refusing to delete it")
    for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    settings = Settings(database_url=database_url(str(path)), actor=actor)
    migrate(settings.database_url)
    return settings
