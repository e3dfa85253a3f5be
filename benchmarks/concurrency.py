"""Concurrency run: many clients editing the same patients through a live ``remit serve``.

For each backend, ``--clients`` threads add encounters (three labs each) to a small
set of shared patients through the JSON API, each edit naming the version it read.
A refused edit (409, stale version) is re-read and retried, as a careful client
would. Afterwards the database is read directly:

* lost updates: every acknowledged encounter must be in the record, with its labs,
  and each patient's version must be 1 + the edits acknowledged for it;
* duplicates: no encounter id twice, no patient twice (the clients also race to
  create the same new patient: exactly one 201);
* the audit trail of each patient must be one unbroken chain (each entry's
  *before* is the previous entry's *after*, the last *after* is the record).

Prints edits attempted, acknowledged, conflicts (409) and anything else, and the
throughput. Stops after ``--edits`` acknowledged edits per client. Results go to
docs/reliability.md.

Run: ``.venv/bin/python benchmarks/concurrency.py [--clients 6] [--edits 10] [--patients 2]``
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import postgres_database  # noqa: E402
from tests.reliability.crashing import SITE, encounter_body, new_patient, prepare  # noqa: E402
from tests.reliability.live_server import DOWN, Api, Server, free_port  # noqa: E402

from remit import casefiles  # noqa: E402
from remit.config import Settings  # noqa: E402
from remit.persistence.audit import AuditTrail  # noqa: E402
from remit.services.web_database import WebDatabase  # noqa: E402
from remit.services.web_records import patients_of, read_record  # noqa: E402


def client(number: int, api: Api, patients: list[str], edits: int, tally: Counter[str], made: list[Any]) -> None:
    rng = random.Random(number)
    status, _ = api.call("POST", "/api/v1/patients", new_patient("contested"))
    tally[f"create contested -> {status}"] += 1
    done = 0
    while done < edits:
        patient_id = rng.choice(patients)
        status, answer = api.call("GET", f"/api/v1/patients/{patient_id}/version")
        body = encounter_body(rng, int(answer["version"]), date(2024, 1, 1) + timedelta(days=rng.randrange(700)))
        tally["attempted"] += 1
        try:
            status, answer = api.call("POST", f"/api/v1/patients/{patient_id}/encounters", body)
        except DOWN:
            tally["connection failed"] += 1
            continue
        if status == 201:
            tally["acknowledged"] += 1
            made.append((patient_id, answer["encounter"], body))
            done += 1
        elif status == 409:
            tally["conflict (409)"] += 1
        else:
            tally[f"other {status}"] += 1


def check(url: str, patients: list[str], made: list[Any]) -> list[str]:
    problems: list[str] = []
    db = WebDatabase(Settings(database_url=url, actor="check"))
    try:
        with db.session() as session:
            stored = {p.patient_id for p in patients_of(session, {SITE})}
            if sorted(stored) != sorted({*patients, "contested"}):
                problems.append(f"patients stored: {sorted(stored)}")
            for patient_id in patients:
                record, version = read_record(session, patient_id)
                dump = casefiles.dump(record)
                mine = [(e, b) for p, e, b in made if p == patient_id]
                ids = [e["id"] for e in dump.get("encounters", [])]
                if len(ids) != len(set(ids)):
                    problems.append(f"{patient_id}: an encounter id twice")
                for encounter_id, body in mine:
                    labs = sorted(
                        (o["analyte"], o["value"], o["unit"])
                        for o in dump.get("observations", [])
                        if o.get("encounter") == encounter_id
                    )
                    if encounter_id not in ids or labs != sorted(
                        (x["analyte"], x["value"], x["unit"]) for x in body["labs"]
                    ):
                        problems.append(f"{patient_id}: acknowledged encounter {encounter_id} lost or changed")
                if version != 1 + len(mine):
                    problems.append(f"{patient_id}: version {version}, acknowledged edits {len(mine)}")
                with session.begin():
                    chain = [e for e in AuditTrail(session).entries("patient", patient_id) if e.action != "export"]
                for earlier, later in itertools.pairwise(chain):
                    if later.before != earlier.after:
                        problems.append(f"{patient_id}: audit chain broken at {later.at}")
                if not chain or chain[-1].after != dump:
                    problems.append(f"{patient_id}: last audit entry is not the stored record")
    finally:
        db.dispose()
    return problems


def run(url: str, args: argparse.Namespace, workdir: Path) -> bool:
    token, csrf = prepare(url)
    port = free_port()
    api = Api(port, token, csrf)
    server = Server(url, port, workdir / "serve.log")
    patients = [f"shared-{i}" for i in range(args.patients)]
    server.start(api)
    try:
        for patient_id in patients:
            assert api.call("POST", "/api/v1/patients", new_patient(patient_id))[0] == 201
        tally: Counter[str] = Counter()
        made: list[Any] = []
        began = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(i, api, patients, args.edits, tally, made))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - began
    finally:
        server.kill()
    problems = check(url, patients, made)
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    print(
        f"{backend}: {args.clients} clients on {args.patients} patients, {tally['attempted']} edits attempted, "
        f"{tally['acknowledged']} acknowledged, {tally['conflict (409)']} refused as stale (409), "
        f"{sum(v for k, v in tally.items() if k.startswith(('other', 'connection')))} other failures; "
        f"{seconds:.1f} s, {tally['acknowledged'] / seconds:.1f} acknowledged edits/s"
    )
    print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items()) if k.startswith(("create", "other", "conn"))))
    print(f"  lost updates / duplicates / broken audit chains: {len(problems)}")
    for problem in problems:
        print(f"  PROBLEM {problem}")
    return not problems and tally["create contested -> 201"] == 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--edits", type=int, default=10, help="acknowledged edits per client")
    parser.add_argument("--patients", type=int, default=2, help="patients all clients edit")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {os.getloadavg()}"
    )
    ok = True
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory(prefix="remit-concurrency-") as folder:
            if backend == "sqlite":
                ok &= run(f"sqlite:///{Path(folder) / 'c.sqlite3'}", args, Path(folder))
            else:
                with postgres_database() as url:
                    ok &= run(url, args, Path(folder))
    print(f"load average at the end {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
