"""Request cost: CPU time of one patient-page view, figure and encounter write, in process.

``benchmarks/load.py`` measures latency through a real server, which on a shared
machine mostly measures how much of a core the server got. This script measures
what a request *costs*: the app runs in process (Starlette's TestClient, no
sockets), on a fresh demo registry (SQLite and PostgreSQL, as in load.py), and
the CPU time of this process (``time.process_time``: the app, the test client
and the database driver; not the PostgreSQL server) is divided by the number of
requests. Load from other jobs makes requests wait, but hardly changes the CPU
they use, so these figures compare across runs on a busy machine.

* *page*: ``GET /patients/{id}`` as the administrator, every demo patient in turn,
  after one warm-up pass (the page body and figure caches are filled, as on a
  running server);
* *figure*: ``GET /patients/{id}/figure.png`` likewise;
* *write*: ``POST /api/v1/patients/{id}/encounters`` with three labs, round-robin
  over the demo patients.

To see where the time goes, time one workload for long enough and attach a sampling
profiler once it has started (cProfile sees only the client's thread, not the app's):
``benchmarks/request_cost.py --backends sqlite --only page --requests 3000 &`` then, after
"measuring" is printed, ``py-spy record --pid PID --duration 20 --format raw -o page.txt``.

Run: ``.venv/bin/python benchmarks/request_cost.py`` (``--backends sqlite``, ``--requests 300``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fastapi.testclient import TestClient
from load import database, encounter_body, fill_demo, load_average

from remit.config import Settings
from remit.persistence.accounts import AccountRepository
from remit.services.web_database import WebDatabase
from remit.services.web_sessions import start_session
from remit.web import WebSettings, create_app

WORKLOADS = ("page", "figure", "write")
SECRET = "request-cost-benchmark-" + "0" * 32


class Bench:
    """A signed-in administrator on a fresh demo registry, in process."""

    def __init__(self, url: str, patients: list[str]) -> None:
        self.patients = patients
        self.app = create_app(Settings(database_url=url, actor="bench"), WebSettings(secret_key=SECRET))
        self.client = TestClient(self.app, base_url="http://testserver", follow_redirects=False)
        self.client.__enter__()
        database = WebDatabase(Settings(database_url=url))
        try:
            with database.session() as session:
                with session.begin():
                    admin = AccountRepository(session).user_by_name("admin")
                assert admin is not None
                signed = start_session(session, admin.id)
        finally:
            database.dispose()
        self.client.cookies.set("remit_session", signed.token)
        self.csrf = signed.csrf_token
        self.versions: dict[str, int] = {}
        self.day = date(2030, 1, 1)
        self.turn = 0

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    def _next(self) -> str:
        patient = self.patients[self.turn % len(self.patients)]
        self.turn += 1
        return patient

    def page(self) -> None:
        answer = self.client.get(f"/patients/{self._next()}")
        assert answer.status_code == 200, answer.text[:300]

    def figure(self) -> None:
        answer = self.client.get(f"/patients/{self._next()}/figure.png")
        assert answer.status_code == 200, answer.text[:300]

    def write(self) -> None:
        patient = self._next()
        version = self.versions.get(patient)
        if version is None:
            version = int(self.client.get(f"/api/v1/patients/{patient}/version").json()["version"])
        self.day += timedelta(days=1)
        body = encounter_body(version, self.day, 100 + self.turn % 900, 250, 12)
        answer = self.client.post(
            f"/api/v1/patients/{patient}/encounters", json=body, headers={"X-CSRF-Token": self.csrf}
        )
        assert answer.status_code == 201, answer.text[:300]
        self.versions[patient] = int(answer.json()["version"])


def cost(step: Callable[[], None], requests: int) -> tuple[float, float]:
    """CPU ms and wall ms per request."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        step()
    return (time.process_time() - cpu) * 1000 / requests, (time.perf_counter() - wall) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=200, help="requests per workload")
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, default=list(WORKLOADS), help="workloads to time")
    args = parser.parse_args()
    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)")
    print("| backend | request | requests | CPU ms / request | wall ms / request |")
    print("|---|---|---:|---:|---:|", flush=True)
    for backend in args.backends:
        with database(backend) as url:
            patients = fill_demo(url)
            bench = Bench(url, patients)
            try:
                for _ in patients:  # one write each first: the version is known, the record cache filled
                    bench.write()
                for patient in patients:  # every page body and figure cached, as on a running server
                    bench.client.get(f"/patients/{patient}")
                    bench.client.get(f"/patients/{patient}/figure.png")
                print(f"measuring (pid {os.getpid()})", file=sys.stderr, flush=True)
                for name in args.only:
                    cpu, wall = cost(getattr(bench, name), args.requests)
                    print(f"| {backend} | {name} | {args.requests} | {cpu:.1f} | {wall:.1f} |", flush=True)
            finally:
                bench.close()
                bench.app.state.remit.db.dispose()
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
