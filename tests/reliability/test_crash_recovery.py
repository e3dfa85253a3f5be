"""A live ``remit serve`` SIGKILLed while clients write: nothing acknowledged is lost, nothing is half-written.

A bounded version of ``benchmarks/crash.py`` (see :mod:`tests.reliability.crashing`):
two writers add patients and encounters with three labs each over HTTP, the
server is killed twice at seeded random moments (and restarted once in
between), and the database is checked after each kill. Runs on SQLite (WAL)
and PostgreSQL. Most of its time is the server's start-up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.crashing import crash_run

pytestmark = pytest.mark.slow


def test_acknowledged_writes_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):  # the fixture's database is migrated; the run wants a fresh file
        database_url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    report = crash_run(database_url, kills=2, seed=20261122, workdir=tmp_path, between=(1.0, 3.0))
    print(report.line(), "; server starts took", [round(s, 1) for s in report.start_seconds], "s")
    assert report.problems == []
    assert report.refused == []
    assert report.acknowledged > 0, "no write was acknowledged: the run proved nothing"
    assert report.recovered == report.acknowledged
    assert report.attempted == report.acknowledged + report.in_flight
    assert report.in_flight_stored <= report.in_flight
