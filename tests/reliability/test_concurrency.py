"""Parallel writers on the same records: no lost update, no duplicate, every conflict counted.

Threads play separate clients, each with its own session on one engine (as the
web app's requests do). Two kinds of run, on SQLite and PostgreSQL:

* *Forced races*: in every round all writers read the same version and wait at a
  barrier inside the edit, so they pass the version check together and reach
  the database at the same moment. Exactly one may win each round; the others
  must get the stale-edit refusal (409), never a storage error or a half write.
* *Free running*: writers add observations as fast as they can, re-reading and
  retrying after each refusal. Every acknowledged edit must be in the final
  record, the version must count them, and the audit log must be one unbroken
  chain (each entry's *before* is the previous entry's *after*).

Duplicates: writers creating the same patient, user or diary day at once
leave exactly one.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest

from remit import casefiles
from remit.config import Settings
from remit.core.measurements import measure
from remit.core.record import DiaryDay, Observation, PatientRecord
from remit.errors import ConflictError
from remit.persistence.audit import AuditTrail
from remit.services.accounts import create_site, create_user, get_user, update_user
from remit.services.web_database import WebDatabase
from remit.services.web_records import (
    StaleEditError,
    add_patient,
    change_record,
    read_record,
    save_diary_day,
)
from remit.services.web_sessions import create_diary_link, revoke_diary_link
from tests.reliability.registry import HASHER, PASSWORD
from tests.sample_records import full_record

WRITERS = 4
ROUNDS = 5
EDITS_PER_WRITER = 6
DAY = date(2024, 3, 1)


@pytest.fixture
def db(database_url: str) -> Iterator[WebDatabase]:
    database = WebDatabase(Settings(database_url=database_url, actor="tests"))
    with database.session() as session:
        create_site(session, "site-a", None, actor="tests")
        add_patient(session, full_record("p1"), actor="tests")
    try:
        yield database
    finally:
        database.dispose()


def in_parallel(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` for i in range(count) in threads; return each result or the exception it raised."""
    results: list[object] = [None] * count

    def run(i: int) -> None:
        try:
            results[i] = work(i)
        except BaseException as exc:  # collected and judged by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results


def with_lab(record: PatientRecord, key: str, value: str) -> PatientRecord:
    lab = Observation(key, measure("ferritin", value, "ng/mL"), DAY)
    return dataclasses.replace(record, observations=(*record.observations, lab))


def audit_chain(db: WebDatabase, patient_id: str) -> list[tuple[str, object, object]]:
    with db.session() as session, session.begin():
        return [(e.action, e.before, e.after) for e in AuditTrail(session).entries("patient", patient_id)]


def test_racing_writers_one_wins_each_round_the_rest_are_refused(db: WebDatabase) -> None:
    outcomes: Counter[str] = Counter()
    for round_number in range(ROUNDS):
        with db.session() as session:
            _, version = read_record(session, "p1")
        barrier = threading.Barrier(WRITERS, timeout=60)

        def edit(
            i: int, version: int = version, round_number: int = round_number, barrier: threading.Barrier = barrier
        ) -> int:
            def change(record: PatientRecord) -> PatientRecord:
                barrier.wait()  # everyone has read `version` and passed the first check
                return with_lab(record, f"r{round_number}w{i}", str(100 + i))

            with db.session() as session:
                return change_record(session, "p1", change, expected_version=version, actor=f"writer-{i}")

        results = in_parallel(WRITERS, edit)
        unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, StaleEditError)]
        assert unexpected == [], f"round {round_number}: {unexpected!r}"
        winners = [r for r in results if isinstance(r, int)]
        assert winners == [version + 1], f"round {round_number}: {results!r}"
        outcomes["won"] += 1
        outcomes["refused"] += sum(isinstance(r, StaleEditError) for r in results)
        stale = next(r for r in results if isinstance(r, StaleEditError))
        assert stale.current_version == version + 1
        assert [c.action for c in stale.changes] == ["replace"]
    assert outcomes == {"won": ROUNDS, "refused": ROUNDS * (WRITERS - 1)}
    with db.session() as session:
        record, version = read_record(session, "p1")
    added = sorted(o.id for o in record.observations if o.id.startswith("r"))
    assert len(added) == ROUNDS
    assert version == 1 + ROUNDS
    assert len(audit_chain(db, "p1")) == 1 + ROUNDS


def test_free_running_writers_lose_no_update(db: WebDatabase) -> None:
    def writer(i: int) -> tuple[list[str], int]:
        acknowledged: list[str] = []
        conflicts = 0
        with db.session() as session:
            for n in range(EDITS_PER_WRITER):
                key = f"w{i}n{n}"
                while True:
                    _, version = read_record(session, "p1")
                    try:
                        change_record(
                            session,
                            "p1",
                            lambda r, key=key: with_lab(r, key, "250"),
                            expected_version=version,
                            actor=f"writer-{i}",
                        )
                    except StaleEditError:
                        conflicts += 1
                        continue
                    acknowledged.append(key)
                    break
        return acknowledged, conflicts

    results = in_parallel(WRITERS, writer)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    acknowledged = [key for r in results for key in r[0]]  # type: ignore[index]
    conflicts = sum(r[1] for r in results)  # type: ignore[index]
    assert len(acknowledged) == WRITERS * EDITS_PER_WRITER
    with db.session() as session:
        record, version = read_record(session, "p1")
    stored = {o.id for o in record.observations}
    assert set(acknowledged) <= stored, f"lost updates: {sorted(set(acknowledged) - stored)}"
    assert len(record.observations) == len(full_record().observations) + len(acknowledged)
    assert version == 1 + len(acknowledged)
    chain = audit_chain(db, "p1")
    assert [action for action, _, _ in chain] == ["create"] + ["replace"] * len(acknowledged)
    for (_, _, previous_after), (_, before, _) in itertools.pairwise(chain):
        assert before == previous_after, "an audit entry's before is not the previous entry's after"
    assert chain[-1][2] == casefiles.dump(record)
    print(f"free-running: {len(acknowledged)} edits acknowledged, {conflicts} conflicts refused and retried")


def test_creating_the_same_patient_at_once_stores_one(db: WebDatabase) -> None:
    barrier = threading.Barrier(WRITERS, timeout=60)

    def create(i: int) -> int:
        record = dataclasses.replace(full_record("twin"), observations=full_record().observations[: i + 1])
        with db.session() as session:
            barrier.wait()
            return add_patient(session, record, actor=f"writer-{i}")

    results = in_parallel(WRITERS, create)
    assert [r for r in results if isinstance(r, int)] == [1]
    assert all(isinstance(r, ConflictError) for r in results if not isinstance(r, int)), results
    chain = audit_chain(db, "twin")
    assert [action for action, _, _ in chain] == ["create"]
    with db.session() as session:
        record, version = read_record(session, "twin")
    assert (casefiles.dump(record), version) == (chain[0][2], 1)


def test_new_patients_of_a_new_site_at_once_are_all_stored(db: WebDatabase) -> None:
    """Different patients, all the first of their site: each import creates the site row if missing;
    the racing creations must not turn into refusals."""
    barrier = threading.Barrier(WRITERS, timeout=60)

    def create(i: int) -> int:
        with db.session() as session:
            barrier.wait()
            return add_patient(session, full_record(f"new-{i}", site="site-new"), actor=f"writer-{i}")

    results = in_parallel(WRITERS, create)
    assert results == [1] * WRITERS


def test_creating_the_same_user_at_once_stores_one(db: WebDatabase) -> None:
    barrier = threading.Barrier(WRITERS, timeout=60)

    def create(i: int) -> object:
        with db.session() as session:
            barrier.wait()
            return create_user(
                session,
                username="same-name",
                display_name=f"writer {i}",
                password=PASSWORD,
                role_name="data_entry",
                sites=["site-a"],
                actor=f"writer-{i}",
                hasher=HASHER,
            )

    results = in_parallel(WRITERS, create)
    made = [r for r in results if not isinstance(r, BaseException)]
    assert len(made) == 1
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, BaseException)), results
    with db.session() as session, session.begin():
        created = [e for e in AuditTrail(session).entries("user") if e.entity_id == "same-name"]
    assert len(created) == 1


def test_the_same_diary_day_saved_at_once_is_stored_once(db: WebDatabase) -> None:
    with db.session() as session:
        link = create_diary_link(session, "p1", actor="tests").link
    days = [DAY + timedelta(days=i % 2) for i in range(WRITERS)]
    barrier = threading.Barrier(WRITERS, timeout=60)

    def save(i: int) -> int:
        with db.session() as session:
            barrier.wait()
            return save_diary_day(session, link, DiaryDay(days[i], (("fever", i % 2 == 0),)))

    results = in_parallel(WRITERS, save)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, StaleEditError) for r in refused), refused
    with db.session() as session:
        record, version = read_record(session, "p1")
    diary_dates = [d.date for d in record.diary if d.date in days]
    assert sorted(diary_dates) == sorted(set(diary_dates)), "a diary day is stored twice"
    assert version == 1 + WRITERS - len(refused)


def test_racing_edits_of_one_user_let_one_through(db: WebDatabase) -> None:
    """Accounts carry a version too: two administrators saving the same user form both read
    version 1; one save wins, the other is refused instead of silently overwriting it."""
    with db.session() as session:
        user = create_user(
            session,
            username="shared",
            display_name="Shared",
            password=PASSWORD,
            role_name="data_entry",
            sites=["site-a"],
            actor="tests",
            hasher=HASHER,
        )
    barrier = threading.Barrier(WRITERS, timeout=60)

    def edit(i: int) -> object:
        with db.session() as session:
            barrier.wait()
            return update_user(
                session, user.id, expected_version=1, actor=f"admin-{i}", display_name=f"name {i}", sites=["site-a"]
            )

    results = in_parallel(WRITERS, edit)
    made = [r for r in results if not isinstance(r, BaseException)]
    assert len(made) == 1, results
    assert all(isinstance(r, ConflictError) for r in results if isinstance(r, BaseException)), results
    with db.session() as session:
        stored = get_user(session, user.id)
    assert (stored.display_name, stored.version) == (made[0].display_name, 2)  # type: ignore[attr-defined]
    with db.session() as session, session.begin():
        updates = [e for e in AuditTrail(session).entries("user") if e.action == "update"]
    assert len(updates) == 1


def test_revoking_one_diary_link_at_once_is_audited_once(db: WebDatabase) -> None:
    with db.session() as session:
        link = create_diary_link(session, "p1", actor="tests").link
    barrier = threading.Barrier(WRITERS, timeout=60)

    def revoke(i: int) -> object:
        with db.session() as session:
            barrier.wait()
            revoke_diary_link(session, "p1", link.id, actor=f"writer-{i}")
            return "revoked"

    results = in_parallel(WRITERS, revoke)
    assert results.count("revoked") == 1, results
    assert all(isinstance(r, ConflictError) for r in results if r != "revoked"), results
    with db.session() as session, session.begin():
        revocations = [e for e in AuditTrail(session).entries("diary_link") if e.action == "delete"]
    assert len(revocations) == 1


def test_a_record_read_while_it_is_being_replaced_is_one_stored_version(db: WebDatabase) -> None:
    """A read loads a record in one query per table; every read must still be exactly the record
    as stored at one version (the audit log's *after* of that version), never a mix of two."""
    stop = threading.Event()
    reads: list[tuple[int, dict[str, object]]] = []

    def writer() -> int:
        with db.session() as session:
            for n in range(EDITS_PER_WRITER * 3):
                _, version = read_record(session, "p1")
                change_record(
                    session,
                    "p1",
                    lambda r, n=n: dataclasses.replace(with_lab(r, f"t{n}", str(300 + n)), diary=r.diary[: n % 3]),
                    expected_version=version,
                    actor="writer",
                )
        stop.set()
        return n

    def reader(_: int) -> int:
        with db.session() as session:
            while not stop.is_set():
                record, version = read_record(session, "p1")
                reads.append((version, casefiles.dump(record)))
        return len(reads)

    results = in_parallel(3, lambda i: writer() if i == 0 else reader(i))
    assert not [r for r in results if isinstance(r, BaseException)], results
    afters = [after for action, _, after in audit_chain(db, "p1") if action in ("create", "replace")]
    torn = [version for version, dump in reads if dump != afters[version - 1]]
    assert len(reads) > 10
    assert torn == [], f"{len(torn)} of {len(reads)} reads were not one stored version"
