"""Backup and restore of a registry of demo-sized patients: time, size, and a full comparison.

Builds a registry on each backend from the shipped demo case files (``--copies``
times, each copy under new patient ids), adds a few audited edits, then times
``backup`` and ``restore`` into a new database and compares every table row by
row. Prints rows, file size and seconds. Results go to docs/reliability.md.

Run: ``.venv/bin/python benchmarks/backup.py [--copies 5] [--backend both]``
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import postgres_database  # noqa: E402
from tests.reliability.registry import table_contents  # noqa: E402

from remit import casefiles  # noqa: E402
from remit.config import Settings  # noqa: E402
from remit.persistence.backup import backup, restore  # noqa: E402
from remit.persistence.engine import create_engine  # noqa: E402
from remit.persistence.schema import migrate  # noqa: E402
from remit.services import import_records, open_session  # noqa: E402
from remit.services.demo import demo_case_files  # noqa: E402


def fill(url: str, copies: int) -> None:
    migrate(url)
    records = [casefiles.load(path) for path in demo_case_files()]
    with open_session(Settings(database_url=url, actor="bench")) as session:
        for copy in range(copies):
            renamed = [
                dataclasses.replace(r, patient=dataclasses.replace(r.patient, id=f"{r.patient.id}-c{copy}"))
                for r in records
            ]
            results = import_records(session, renamed, "bench")
            assert all(result.ok for result in results), [r.error for r in results if r.error]


def contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        return table_contents(engine)
    finally:
        engine.dispose()


@contextmanager
def databases(backend: str, folder: Path) -> Iterator[tuple[str, str]]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'source.sqlite3'}", f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    with postgres_database() as source, postgres_database() as target:
        yield source, target


def run(backend: str, copies: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="remit-backup-") as name:
        folder = Path(name)
        with databases(backend, folder) as (source, target):
            fill(source, copies)
            began = time.monotonic()
            made = backup(source, folder / "registry.backup")
            backup_seconds = time.monotonic() - began
            began = time.monotonic()
            restored = restore(made.path, target)
            restore_seconds = time.monotonic() - began
            began = time.monotonic()
            original, copy = contents(source), contents(target)
            compare_seconds = time.monotonic() - began
            differing = sorted(t for t in original if original[t] != copy.get(t))
            rows = sum(len(r) for r in original.values())
            print(
                f"{backend}: {made.rows['patients']} patients, {made.rows['observations']} observations, "
                f"{made.rows['audit_log']} audit entries, {rows} rows in {len(original)} tables; "
                f"file {made.size / 1e6:.1f} MB; backup {backup_seconds:.2f} s, restore {restore_seconds:.2f} s, "
                f"row-by-row comparison {compare_seconds:.2f} s; tables differing: {differing or 'none'}"
            )
            return not differing and restored.rows == made.rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5, help="copies of the demo case files (default 5)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {os.getloadavg()}"
    )
    ok = True
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        ok &= run(backend, args.copies)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
