"""The crash run: write through the API of a real ``remit serve`` while it is SIGKILLed.

Shared by ``tests/reliability/test_crash_recovery.py`` (a few kills) and
``benchmarks/crash.py`` (the long run). One run:

1. a migrated database with a site and a signed-in investigator (the session
   lives in the database, so it survives every restart);
2. ``remit serve`` on a free loopback port, as a subprocess;
3. writer threads, each creating its own patients and adding encounters with
   three labs to them, over plain HTTP (``http.client``: no pooling, no retries
   - what the client was told is exactly what happened);
4. at seeded random moments the server is killed with SIGKILL, the database
   is checked while nothing runs, and the server is started again; the
   writers find out what happened to the request they had in flight (re-read
   the version) and carry on;
5. after the last kill, the final check.

The check, straight from the database: every acknowledged write is present
and exactly as sent; every stored encounter has all three of its labs (a
request is all or nothing); nothing is stored that was never sent; each
patient's audit trail counts its versions and its last entry is the stored
record; SQLite's integrity check passes.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from remit import casefiles
from remit.config import Settings
from remit.core.record import BirthDate, Diagnosis, Patient, PatientRecord, Sex
from remit.persistence.audit import AuditTrail
from remit.persistence.engine import create_engine, sqlite_path
from remit.persistence.repositories import PatientRepository
from remit.persistence.schema import migrate
from remit.services.accounts import create_site, create_user, password_hasher
from remit.services.web_database import WebDatabase
from remit.services.web_records import patients_of, read_record
from remit.services.web_sessions import start_session
from tests.reliability.live_server import DOWN, Api, Server, free_port

SITE = "site-a"
LABS = (("ferritin", "ng/mL", 20, 20000), ("crp", "mg/L", 1, 200), ("platelets", "10*9/L", 50, 700))


# ----- what the writers did --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Write:
    kind: str  # patient | encounter
    patient_id: str
    body: dict[str, Any]
    encounter_id: str | None = None  # known once acknowledged


@dataclass
class Ledger:
    attempted: int = 0
    acknowledged: list[Write] = field(default_factory=list)
    in_flight: list[Write] = field(default_factory=list)  # sent when the server died: outcome unknown
    refused: list[str] = field(default_factory=list)  # any other answer: a finding
    lock: threading.Lock = field(default_factory=threading.Lock)


def new_patient(patient_id: str) -> dict[str, Any]:
    record = PatientRecord(
        patient=Patient(patient_id, SITE, Sex.FEMALE, BirthDate(2015, 3)),
        diagnoses=(Diagnosis("dx1", "sjia", date(2023, 1, 1)),),
    )
    return casefiles.dump(record)


def encounter_body(rng: random.Random, version: int, day: date) -> dict[str, Any]:
    labs = [
        {"analyte": analyte, "value": str(rng.randint(low, high)), "unit": unit} for analyte, unit, low, high in LABS
    ]
    return {"version": version, "date": day.isoformat(), "kind": "unscheduled", "labs": labs}


class Writer(threading.Thread):
    """Creates its own patients and adds encounters to them; only this writer touches them, so
    every refusal is a finding, never an expected conflict."""

    def __init__(self, number: int, api: Api, seed: int, up: threading.Event, stop: threading.Event) -> None:
        super().__init__(name=f"writer-{number}", daemon=True)
        self.number = number
        self.api = api
        self.rng = random.Random(seed)
        self.up = up
        self.stop = stop
        self.ledger = Ledger()
        self.versions: dict[str, int] = {}
        self.created = 0

    def run(self) -> None:
        while not self.stop.is_set():
            if not self.up.wait(timeout=0.5):
                continue
            if not self.versions or self.rng.random() < 0.25:
                self.created += 1
                patient_id = f"crash-w{self.number}-{self.created}"
                self._send(Write("patient", patient_id, new_patient(patient_id)), "POST", "/api/v1/patients")
            else:
                patient_id = self.rng.choice(sorted(self.versions))
                day = date(2024, 1, 1) + timedelta(days=self.rng.randrange(700))
                body = encounter_body(self.rng, self.versions[patient_id], day)
                self._send(Write("encounter", patient_id, body), "POST", f"/api/v1/patients/{patient_id}/encounters")

    def _send(self, write: Write, method: str, path: str) -> None:
        with self.ledger.lock:
            self.ledger.attempted += 1
        try:
            status, answer = self.api.call(method, path, write.body)
        except DOWN:
            with self.ledger.lock:
                self.ledger.in_flight.append(write)
            self._resync(write.patient_id)
            return
        if status == 201:
            made = Write(write.kind, write.patient_id, write.body, answer.get("encounter"))
            with self.ledger.lock:
                self.ledger.acknowledged.append(made)
            self.versions[write.patient_id] = int(answer["version"])
            return
        with self.ledger.lock:
            self.ledger.refused.append(f"{method} {path} -> {status}: {answer}")
        self._resync(write.patient_id)

    def _resync(self, patient_id: str) -> None:
        """After a failure: wait for the server, then learn whether the patient exists and its version."""
        while not self.stop.is_set():
            if not self.up.wait(timeout=0.5):
                continue
            try:
                status, answer = self.api.call("GET", f"/api/v1/patients/{patient_id}/version")
            except DOWN:
                time.sleep(0.05)
                continue
            if status == 200:
                self.versions[patient_id] = int(answer["version"])
            else:
                self.versions.pop(patient_id, None)
            return


# ----- one run -------------------------------------------------------------------------------


@dataclass
class CrashReport:
    backend: str
    kills: int
    attempted: int
    acknowledged: int
    recovered: int
    in_flight: int  # requests the kills cut off
    in_flight_stored: int  # of those, found committed (allowed: the commit came before the kill)
    refused: list[str]
    problems: list[str]
    start_seconds: list[float]
    seconds: float

    def line(self) -> str:
        return (
            f"{self.backend}: {self.kills} kills, {self.attempted} writes attempted, {self.acknowledged} acknowledged, "
            f"{self.recovered} recovered; {self.in_flight} cut off by a kill ({self.in_flight_stored} of them "
            f"committed); {len(self.refused)} refused; {len(self.problems)} problems; {self.seconds:.0f} s"
        )


def prepare(url: str) -> tuple[str, str]:
    """Migrate, add the site and a signed-in investigator; return the session token and CSRF token."""
    migrate(url)
    db = WebDatabase(Settings(database_url=url, actor="crash-run"))
    try:
        with db.session() as session:
            create_site(session, SITE, "Crash site", actor="crash-run")
            user = create_user(
                session,
                username="loader",
                display_name="Loader",
                password="loader password 1",
                role_name="investigator",
                sites=[SITE],
                actor="crash-run",
                hasher=password_hasher(time_cost=1, memory_cost=8, parallelism=1),
            )
            signed = start_session(session, user.id)
    finally:
        db.dispose()
    return signed.token, signed.csrf_token


def crash_run(
    url: str,
    *,
    kills: int,
    seed: int,
    workdir: Path,
    writers: int = 2,
    between: tuple[float, float] = (0.5, 2.0),
    check_between_kills: bool = True,
) -> CrashReport:
    """Write through a live server and SIGKILL it ``kills`` times at seeded random moments."""
    began = time.monotonic()
    rng = random.Random(seed)
    token, csrf = prepare(url)
    port = free_port()
    api = Api(port, token, csrf)
    server = Server(url, port, workdir / "serve.log")
    up, stop = threading.Event(), threading.Event()
    team = [Writer(i, api, seed * 1000 + i, up, stop) for i in range(writers)]
    problems: list[str] = []
    server.start(api)
    up.set()
    for writer in team:
        writer.start()
    try:
        for kill in range(kills):
            time.sleep(rng.uniform(*between))
            up.clear()
            server.kill()
            if check_between_kills or kill == kills - 1:
                problems += [f"after kill {kill + 1}: {p}" for p in verify(url, _merged(team))[1]]
            if kill < kills - 1:
                server.start(api)
                up.set()
    finally:
        stop.set()
        up.set()
        for writer in team:
            writer.join(timeout=60)
        server.kill()
    ledger = _merged(team)
    recovered, final_problems = verify(url, ledger)
    problems += final_problems
    stored = _stored_writes(url)
    in_flight_stored = sum(1 for w in ledger.in_flight if _is_stored(w, stored))
    return CrashReport(
        backend="sqlite" if url.startswith("sqlite") else "postgresql",
        kills=kills,
        attempted=ledger.attempted,
        acknowledged=len(ledger.acknowledged),
        recovered=recovered,
        in_flight=len(ledger.in_flight),
        in_flight_stored=in_flight_stored,
        refused=ledger.refused,
        problems=sorted(set(problems)),
        start_seconds=server.starts,
        seconds=time.monotonic() - began,
    )


def _merged(team: list[Writer]) -> Ledger:
    merged = Ledger()
    for writer in team:
        with writer.ledger.lock:
            merged.attempted += writer.ledger.attempted
            merged.acknowledged += writer.ledger.acknowledged
            merged.in_flight += writer.ledger.in_flight
            merged.refused += writer.ledger.refused
    return merged


# ----- the check -----------------------------------------------------------------------------


Stored = dict[str, dict[str, Any]]  # patient id -> case-file form of the stored record


def _stored_writes(url: str) -> Stored:
    db = WebDatabase(Settings(database_url=url, actor="crash-check"))
    try:
        with db.session() as session:
            return {
                p.patient_id: casefiles.dump(read_record(session, p.patient_id)[0])
                for p in patients_of(session, {SITE})
            }
    finally:
        db.dispose()


def _labs_of(stored: dict[str, Any], encounter_id: str) -> list[tuple[str, str, str]]:
    return sorted(
        (o["analyte"], o["value"], o["unit"])
        for o in stored.get("observations", [])
        if o.get("encounter") == encounter_id
    )


def _sent_labs(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((lab["analyte"], lab["value"], lab["unit"]) for lab in body["labs"])


def _is_stored(write: Write, stored: Stored) -> bool:
    record = stored.get(write.patient_id)
    if record is None:
        return False
    if write.kind == "patient":
        return True
    return any(
        e["date"] == write.body["date"] and _labs_of(record, e["id"]) == _sent_labs(write.body)
        for e in record.get("encounters", [])
    )


def verify(url: str, ledger: Ledger) -> tuple[int, list[str]]:
    """(acknowledged writes found intact, problems found) - read while no server runs."""
    problems: list[str] = []
    path = sqlite_path(url)
    if path is not None:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                found = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        finally:
            engine.dispose()
        if found != ["ok"]:
            problems.append(f"SQLite integrity check: {found[:3]}")
    try:
        stored = _stored_writes(url)
    except Exception as exc:  # a record that no longer loads is exactly what this looks for
        return 0, [*problems, f"the stored records do not load: {exc!r}"]
    recovered = 0
    for write in ledger.acknowledged:
        record = stored.get(write.patient_id)
        if record is None:
            problems.append(f"acknowledged {write.kind} of {write.patient_id} is missing")
            continue
        if write.kind == "patient":
            sent = casefiles.dump(casefiles.parse(write.body, source="sent"))  # defaults filled in, as stored
            intact = record["patient"] == sent["patient"] and record["diagnoses"] == sent["diagnoses"]
        else:
            encounter = next((e for e in record.get("encounters", []) if e["id"] == write.encounter_id), None)
            intact = (
                encounter is not None
                and encounter["date"] == write.body["date"]
                and _labs_of(record, str(write.encounter_id)) == _sent_labs(write.body)
            )
        if intact:
            recovered += 1
        else:
            problems.append(f"acknowledged {write.kind} of {write.patient_id} is not as sent")
    sent_patients = {w.patient_id for w in (*ledger.acknowledged, *ledger.in_flight) if w.kind == "patient"}
    problems += [f"patient {p} is stored but was never sent" for p in sorted(set(stored) - sent_patients)]
    for patient_id, record in stored.items():
        for encounter in record.get("encounters", []):
            if len(_labs_of(record, encounter["id"])) != len(LABS):
                problems.append(f"{patient_id} encounter {encounter['id']} is half-written")
    problems += _audit_problems(url, stored)
    return recovered, problems


def _audit_problems(url: str, stored: Stored) -> list[str]:
    """Each stored patient: as many create/replace entries as its version, the last one equal to it."""
    problems: list[str] = []
    db = WebDatabase(Settings(database_url=url, actor="crash-check"))
    try:
        with db.session() as session, session.begin():
            trail = AuditTrail(session)
            for patient_id, record in stored.items():
                entries = [e for e in trail.entries("patient", patient_id) if e.action in ("create", "replace")]
                version = PatientRepository(session).version(patient_id)
                if len(entries) != version:
                    problems.append(f"{patient_id}: version {version} but {len(entries)} audit entries")
                if not entries or entries[-1].after != record:
                    problems.append(f"{patient_id}: the last audit entry is not the stored record")
    finally:
        db.dispose()
    return problems
