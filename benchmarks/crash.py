"""Crash run: write through a live ``remit serve`` while SIGKILLing it, then count what survived.

For each backend (SQLite in WAL mode, PostgreSQL in a throwaway database), writer
threads create patients and add encounters with three labs through the JSON API;
the server is killed with SIGKILL at seeded random moments and restarted, and
after every kill the database is checked while nothing runs (see
``tests/reliability/crashing.py`` for the checks). Prints, per backend, the writes
attempted, acknowledged and recovered, how many were cut off by a kill and how
many of those had committed anyway, and every problem found. Stops by itself
after ``--kills`` kills; exit status 1 if anything acknowledged was lost or
anything was half-written. Results go to docs/reliability.md.

Run: ``.venv/bin/python benchmarks/crash.py [--kills 10] [--writers 4] [--seed 1] [--backend sqlite]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the harness lives with the tests that run a small version of it

from tests.databases import postgres_database  # noqa: E402
from tests.reliability.crashing import CrashReport, crash_run  # noqa: E402


def run(backend: str, args: argparse.Namespace) -> CrashReport:
    with tempfile.TemporaryDirectory(prefix=f"remit-crash-{backend}-") as folder:
        workdir = Path(folder)
        options = {
            "kills": args.kills,
            "seed": args.seed,
            "workdir": workdir,
            "writers": args.writers,
            "between": (args.min_gap, args.max_gap),
        }
        if backend == "sqlite":
            return crash_run(f"sqlite:///{workdir / 'crash.sqlite3'}", **options)  # type: ignore[arg-type]
        with postgres_database() as url:
            return crash_run(url, **options)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs per backend (default 10)")
    parser.add_argument("--writers", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-gap", type=float, default=0.5, help="shortest time between kills, s")
    parser.add_argument("--max-gap", type=float, default=4.0, help="longest time between kills, s")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average {os.getloadavg()}"
    )
    print(f"kills={args.kills} writers={args.writers} seed={args.seed} gap={args.min_gap}-{args.max_gap} s")
    failed = False
    for backend in backends:
        report = run(backend, args)
        starts = sorted(report.start_seconds)
        print(report.line())
        print(f"  server start-up: median {starts[len(starts) // 2]:.1f} s, max {starts[-1]:.1f} s")
        for problem in report.problems:
            print(f"  PROBLEM {problem}")
        for refusal in report.refused:
            print(f"  REFUSED {refusal}")
        failed |= bool(report.problems) or report.recovered != report.acknowledged
    print(f"load average at the end {os.getloadavg()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
