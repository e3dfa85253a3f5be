"""Load: ``remit serve`` on loopback under patient-page reads and encounter writes.

For each backend (SQLite, PostgreSQL) a fresh demo registry is built (the
shipped demo case files plus the demo users), ``remit serve`` is started as a
subprocess on 127.0.0.1, and a thread pool of signed-in clients (one session
each, like separate users) runs, at each concurrency level (1, 5, 10, 20):

* **page**: ``GET /patients/{id}`` - the patient page with the criteria panel,
  activity scores and dose checks - then ``GET /patients/{id}/figure.png``,
  the course figure the page shows; a random demo patient each time;
* **write**: ``POST /api/v1/patients/{id}/encounters`` with three labs, each
  client on patients of its own (so the optimistic version check never refuses).

Every level runs for a fixed time (``--seconds``) after one warm-up pass; the
whole run stops by itself (the server is killed at the end, the PostgreSQL
database dropped). Prints throughput and p50/p95/p99 latency as Markdown tables.

Targets (issue 9): page p95 <= 150 ms at 20 concurrent users on the demo data;
at least 200 encounter writes per second on PostgreSQL.

Run: ``.venv/bin/python benchmarks/load.py`` (``--backends sqlite``, ``--seconds 5``,
``--levels 1 5``, ``--workers 1``; two server processes by default). Results go to
docs/benchmarks.md and docs/reliability.md; ``benchmarks/request_cost.py`` measures the CPU
cost per request in process, which a busy machine disturbs less.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import httpx2 as httpx

from remit import casefiles
from remit.config import Settings
from remit.persistence.schema import migrate
from remit.services import import_records, open_session
from remit.services.accounts import password_hasher
from remit.services.demo import demo_case_files
from remit.services.web_database import WebDatabase
from remit.services.web_demo import create_demo_users

ADMIN_URL = os.environ.get("REMIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
USER, PASSWORD = "admin", "demo-admin-pass"
REMIT = Path(sys.executable).with_name("remit")
START_TIMEOUT = 120.0
REQUEST_TIMEOUT = 30.0
SEEN_ERRORS: dict[int, str] = {}


# ----- the registry under test -------------------------------------------------------------


def fill_demo(url: str) -> list[str]:
    """Migrate ``url``, import every demo case file and add the demo users; the patient ids."""
    migrate(url)
    config = Settings(database_url=url, actor="load")
    ids = []
    with open_session(config) as session:
        for path in demo_case_files():
            result = import_records(session, [casefiles.load(path)], "load", reason="load benchmark")[0]
            if not result.ok:
                raise SystemExit(f"demo case {path} did not import: {result.error}")
            ids.append(result.patient_id)
    database = WebDatabase(config)
    try:
        with database.session() as session:
            create_demo_users(session, password_hasher())
    finally:
        database.dispose()
    return ids


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh database URL for ``backend``; removed afterwards."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="remit-load-")
        try:
            yield f"sqlite:///{folder}/remit.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"remit_load_{uuid.uuid4().hex[:12]}"
    admin = make_url(ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(url: str, workers: int = 1) -> Iterator[tuple[str, int]]:
    """``remit serve --workers N`` on a free loopback port: its address and process id; killed on the way out."""
    port = free_port()
    env = dict(os.environ, REMIT_SECRET_KEY=secrets.token_hex(32), REMIT_DATABASE_URL=url)
    process = subprocess.Popen(
        [str(REMIT), "--database", url, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise SystemExit(f"remit serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("remit serve did not answer within two minutes")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Answer(NamedTuple):
    status_code: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)


class LoopbackClient:
    """One simulated user: a keep-alive HTTP/1.1 connection carrying its session cookie.

    ``http.client`` rather than httpx: the load generator shares the machine's two cores with
    the server and PostgreSQL, so its own CPU is taken from what it measures, and httpx spent
    1.0-1.8 ms of CPU per request (the CPU column of the table), http.client about a quarter of
    that (docs/reliability.md, "Load"). It keeps the cookies the server sets and, like any client
    pool, opens a new connection when the server has closed an idle one (uvicorn closes a
    connection idle for 5 s: the users not needed at a level sit idle through it)."""

    def __init__(self, base: str) -> None:
        address = urlsplit(base)
        self._host, self._port = address.hostname or "127.0.0.1", address.port or 80
        self._connection = self._connect()
        self._cookies: dict[str, str] = {}

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self._host, self._port, timeout=REQUEST_TIMEOUT)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        sent = dict(headers or {})
        if self._cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self._cookies.items())
        for attempt in (1, 2):
            try:
                self._connection.request(method, path, body=body, headers=sent)
                response = self._connection.getresponse()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._connection.close()  # closed by the server while idle: the request never arrived
                self._connection = self._connect()
                if attempt == 2:
                    raise
        data = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            self._cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, data)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_json(self, path: str, payload: object, headers: dict[str, str]) -> Answer:
        return self.request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json", **headers})

    def post_form(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request(
            "POST", path, urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def close(self) -> None:
        self._connection.close()


def signed_in(base: str) -> tuple[LoopbackClient, str]:
    """A client with its own session (a separate user at the keyboard), and the CSRF token."""
    client = LoopbackClient(base)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page)
    assert token is not None
    answer = client.post_form("/login", {"username": USER, "password": PASSWORD, "csrf_token": token.group(1)})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    csrf = client.get("/api/v1/me").json()["csrf_token"]
    return client, str(csrf)


# ----- workloads ---------------------------------------------------------------------------


@dataclass
class Worker:
    client: LoopbackClient
    csrf: str
    rng: random.Random
    patients: list[str]
    versions: dict[str, int] = field(default_factory=dict)
    day: date = date(2026, 1, 1)


def read_page(worker: Worker) -> list[tuple[str, float, int]]:
    patient = worker.rng.choice(worker.patients)
    timed = []
    for label, path in (("page", f"/patients/{patient}"), ("figure", f"/patients/{patient}/figure.png")):
        started = time.perf_counter()
        status = worker.client.get(path).status_code
        timed.append((label, time.perf_counter() - started, status))
    return timed


def encounter_body(version: int, day: date, ferritin: int, platelets: int, crp: int) -> dict[str, object]:
    """The encounter both benchmarks post: an unscheduled visit with three labs."""
    return {
        "version": version,
        "date": day.isoformat(),
        "kind": "unscheduled",
        "labs": [
            {"analyte": "ferritin", "value": str(ferritin), "unit": "ng/mL"},
            {"analyte": "platelets", "value": str(platelets), "unit": "10*9/L"},
            {"analyte": "crp", "value": str(crp), "unit": "mg/L"},
        ],
    }


def write_encounter(worker: Worker) -> list[tuple[str, float, int]]:
    patient = worker.rng.choice(worker.patients)
    version = worker.versions.get(patient)
    if version is None:
        version = int(worker.client.get(f"/api/v1/patients/{patient}/version").json()["version"])
    worker.day += timedelta(days=1)
    rng = worker.rng
    body = encounter_body(version, worker.day, rng.randint(50, 3000), rng.randint(80, 450), rng.randint(1, 150))
    started = time.perf_counter()
    answer = worker.client.post_json(
        f"/api/v1/patients/{patient}/encounters", body, headers={"X-CSRF-Token": worker.csrf}
    )
    elapsed = time.perf_counter() - started
    if answer.status_code == 201:
        worker.versions[patient] = int(answer.json()["version"])
    else:
        worker.versions.pop(patient, None)
        if answer.status_code not in SEEN_ERRORS:
            SEEN_ERRORS[answer.status_code] = answer.text[:300]
            print(f"  first {answer.status_code} answer to a write: {answer.text[:300]}", file=sys.stderr)
    return [("write", elapsed, answer.status_code)]


# ----- where the CPU goes ------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process and its ended, waited-for children have used so
    far (a PostgreSQL connection that closed is counted in the postmaster); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / TICKS  # utime, stime, cutime, cstime (fields 14-17)


def _processes() -> dict[int, tuple[str, int]]:
    """Every process's command name and parent, from /proc (empty where there is none)."""
    found: dict[int, tuple[str, int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        if entry.name.isdigit():
            try:
                head, _, rest = (entry / "stat").read_text().rpartition(")")
            except OSError:
                continue
            found[int(entry.name)] = (head.partition("(")[2], int(rest.split()[1]))
    return found


@dataclass(frozen=True)
class CpuSplit:
    """CPU seconds used so far by the server processes, PostgreSQL's processes and this load generator.

    Throughput on a machine with few cores is bounded by what one request costs all of them
    together: with C cores and T CPU seconds per request, no setting serves more than C / T
    requests per second. Measured from /proc (Linux); PostgreSQL's processes are counted only when
    the database runs on this machine (it does here, so another job's PostgreSQL work is counted
    too), and a process that ends is counted in its parent once the parent has waited for it."""

    server: float
    postgres: float
    client: float

    @classmethod
    def now(cls, server_pid: int) -> CpuSplit:
        processes = _processes()
        tree, grown = {server_pid}, True
        while grown:
            children = {pid for pid, (_, parent) in processes.items() if parent in tree} - tree
            tree |= children
            grown = bool(children)
        postgres = [pid for pid, (name, _) in processes.items() if name.startswith("postgres")]
        client = os.times()
        return cls(
            server=sum(_proc_cpu(pid) for pid in tree),
            postgres=sum(_proc_cpu(pid) for pid in postgres),
            client=client.user + client.system,
        )

    def per_request(self, later: CpuSplit, requests: int) -> str:
        """'server + postgres + client = total' in CPU ms per request between this reading and ``later``."""
        if not requests:
            return "-"
        parts = [
            (later.server - self.server) * 1000 / requests,
            (later.postgres - self.postgres) * 1000 / requests,
            (later.client - self.client) * 1000 / requests,
        ]
        return " + ".join(f"{x:.1f}" for x in parts) + f" = {sum(parts):.1f}"


@dataclass
class Result:
    backend: str
    workload: str
    label: str
    users: int
    seconds: float
    latencies: list[float]
    errors: Counter[int]
    cpu: str = "-"

    @property
    def error_text(self) -> str:
        total = sum(self.errors.values())
        if not total:
            return "0"
        return f"{total} (" + ", ".join(f"{n}x {status}" for status, n in sorted(self.errors.items())) + ")"

    def row(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        if not ms:
            return f"| {self.backend} | {self.label} | {self.users} | 0 | - | - | - | - | {self.error_text} | - |"
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
        rate = len(ms) / self.seconds
        return (
            f"| {self.backend} | {self.label} | {self.users} | {len(ms)} | {rate:.1f} | "
            f"{q[49]:.0f} | {q[94]:.0f} | {q[98]:.0f} | {self.error_text} | {self.cpu} |"
        )


def run_level(
    backend: str,
    workload: str,
    step: Callable[[Worker], list[tuple[str, float, int]]],
    workers: list[Worker],
    seconds: float,
    server_pid: int,
) -> list[Result]:
    """Every worker repeats ``step`` until ``seconds`` have passed; latencies per label, and the CPU
    every request of the level cost the server, PostgreSQL and this client."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    timings: dict[str, list[float]] = {}
    errors: dict[str, Counter[int]] = {}

    def loop(worker: Worker) -> None:
        while time.monotonic() < stop:
            for label, elapsed, status in step(worker):
                with lock:
                    if status >= 400:
                        errors.setdefault(label, Counter())[status] += 1
                    else:
                        timings.setdefault(label, []).append(elapsed)

    cpu_before = CpuSplit.now(server_pid)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        list(pool.map(loop, workers))
    took = time.monotonic() - started
    requests = sum(len(t) for t in timings.values()) + sum(sum(e.values()) for e in errors.values())
    cpu = cpu_before.per_request(CpuSplit.now(server_pid), requests)
    labels = sorted(set(timings) | set(errors))
    return [
        Result(backend, workload, label, len(workers), took, timings.get(label, []), errors.get(label, Counter()), cpu)
        for label in labels
    ]


def run_backend(
    backend: str, levels: list[int], seconds: float, seed: int, processes: int, workloads: list[str]
) -> list[Result]:
    results: list[Result] = []
    with database(backend) as url:
        print(f"[{backend}] building the demo registry ...", file=sys.stderr)
        patients = fill_demo(url)
        with server(url, processes) as (base, pid):
            sessions = [signed_in(base) for _ in range(max(levels))]
            # Warm-up, so every figure and page cache is filled, like a running server: one pass over
            # every patient per signed-in client. A client keeps its connection, and a connection
            # stays with the server process that accepted it, so with --workers N one client's pass
            # fills one process's caches only (the rest then drew figures during the measured levels:
            # the 2-9 s figure p99 of the 09:24 run).
            for client, _ in sessions:
                for patient in patients:
                    client.get(f"/patients/{patient}")
                    client.get(f"/patients/{patient}/figure.png")
            for users in levels if "page" in workloads else ():
                workers = [Worker(c, t, random.Random(seed + i), patients) for i, (c, t) in enumerate(sessions[:users])]
                print(f"[{backend}] page reads, {users} users ...", file=sys.stderr)
                results += run_level(backend, "read", read_page, workers, seconds, pid)
            for users in levels if "write" in workloads else ():
                shares = [patients[i::users] for i in range(users)]  # disjoint: no two clients edit one patient
                workers = [
                    Worker(c, t, random.Random(seed + i), shares[i], day=date(2026, 1, 1) + timedelta(days=400 * users))
                    for i, (c, t) in enumerate(sessions[:users])
                ]
                print(f"[{backend}] encounter writes, {users} users ...", file=sys.stderr)
                results += run_level(backend, "write", write_encounter, workers, seconds, pid)
            for client, _ in sessions:
                client.close()
    return results


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--levels", nargs="+", type=int, default=[1, 5, 10, 20])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per level and workload")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--only", nargs="+", choices=["page", "write"], default=["page", "write"], help="workloads")
    # Two server processes on this 2-core machine: one process uses at most one core (the GIL), and
    # with two the 20-user levels gave 2-3 times the page views and writes of one (docs/reliability.md,
    # "Load"), although the load generator and PostgreSQL share the same cores.
    parser.add_argument("--workers", type=int, default=2, help="server processes (remit serve --workers)")
    args = parser.parse_args()
    before = load_average()
    started = datetime.now(UTC)
    print(f"# remit serve under load ({started:%Y-%m-%d %H:%M} UTC)\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average before {before} "
        f"(shared with other jobs). `remit serve --workers {args.workers}`; client threads and server on the "
        "same machine (loopback).\n"
    )
    print(
        "| backend | request | users | requests | per second | p50 ms | p95 ms | p99 ms | errors "
        "| CPU ms per request: server + PostgreSQL + client |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    for backend in args.backends:  # each backend's rows as soon as it is done
        for result in run_backend(backend, args.levels, args.seconds, args.seed, args.workers, args.only):
            print(result.row(), flush=True)
    print(f"\nLoad average after: {load_average()}; finished {datetime.now(UTC):%H:%M} UTC.")


if __name__ == "__main__":
    main()
