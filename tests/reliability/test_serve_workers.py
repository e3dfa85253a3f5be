"""``remit serve --workers 2``: two server processes, each with its own record cache, never
answer with a record the other has changed since.

Every call opens a new connection, so the kernel hands calls to either worker. Each
round adds an encounter through the API and then reads the patient back several
times: every read must show the new version and the new encounter, whichever worker
answers and whatever it had kept from earlier rounds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from remit.config import Settings
from remit.services.web_database import WebDatabase
from remit.services.web_records import add_patient
from tests.reliability.crashing import SITE, prepare
from tests.reliability.live_server import DOWN, SECRET, Api, free_port
from tests.sample_records import full_record

pytestmark = pytest.mark.slow
PATIENT = "pw-1"
ROUNDS = 12
READS = 6


def worker_processes(supervisor: int) -> list[int]:
    """The children of ``supervisor`` (uvicorn's worker processes), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == supervisor:
                found.append(int(entry.name))
    return found


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[tuple[Api, subprocess.Popen[bytes]]]:
    token, csrf = prepare(database_url)
    db = WebDatabase(Settings(database_url=database_url, actor="tests"))
    try:
        with db.session() as session:
            add_patient(session, full_record(PATIENT, site=SITE), actor="tests")
    finally:
        db.dispose()
    port = free_port()
    api = Api(port, token, csrf)
    remit = Path(sys.executable).with_name("remit")
    command = [str(remit), "--database", database_url, "serve", "--port", str(port), "--workers", "2"]
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "REMIT_SECRET_KEY": SECRET}
        )
    try:
        began = time.monotonic()
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if api.call("GET", "/api/v1/me", timeout=5)[0] == 200:
                    break
            except DOWN:
                pass
            assert time.monotonic() - began < 180, "remit serve --workers 2 did not answer"
            time.sleep(0.2)
        yield api, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def test_two_workers_never_serve_a_record_the_other_has_changed(served: tuple[Api, subprocess.Popen[bytes]]) -> None:
    api, process = served
    assert len(worker_processes(process.pid)) >= 2
    status, answer = api.call("GET", f"/api/v1/patients/{PATIENT}")
    assert status == 200
    version = answer["version"]
    for n in range(ROUNDS):
        body = {
            "version": version,
            "date": f"2031-01-{n + 1:02d}",
            "labs": [{"analyte": "crp", "value": str(n + 1), "unit": "mg/L"}],
        }
        status, stored = api.call("POST", f"/api/v1/patients/{PATIENT}/encounters", body)
        assert status == 201, stored
        assert stored["version"] == version + 1
        version = stored["version"]
        for _ in range(READS):
            status, answer = api.call("GET", f"/api/v1/patients/{PATIENT}")
            assert status == 200
            assert answer["version"] == version
            assert stored["encounter"] in {e["id"] for e in answer["record"]["encounters"]}
    # a stale write is refused whichever worker takes it
    status, refused = api.call(
        "POST", f"/api/v1/patients/{PATIENT}/encounters", {"version": version - 1, "date": "2031-02-01"}
    )
    assert status == 409, refused
    assert refused["error"]["current_version"] == version
