"""Use cases against a real database: transactions, versions and the audit trail."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from remit.casefiles import dump
from remit.config import Settings
from remit.core.measurements import measure
from remit.core.record import Encounter
from remit.errors import ConflictError, NotFoundError, RecordError, StorageError
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.persistence.tables import AuditRow, SiteRow
from remit.services import (
    delete_patient,
    export_record,
    get_record,
    get_version,
    import_records,
    init_database,
    list_patients,
    open_session,
    patient_history,
    replace_record,
)
from tests.sample_records import full_record


def audit_count(session: Session) -> int:
    with session.begin():
        return session.scalar(select(func.count()).select_from(AuditRow)) or 0


def test_import_stores_each_record_and_audits_its_creation(db_session: Session) -> None:
    records = [full_record("p1"), full_record("p2", site="site-b")]
    results = import_records(db_session, records, "ana", reason="study entry")
    assert [(r.patient_id, r.version, r.ok) for r in results] == [("p1", 1, True), ("p2", 1, True)]
    assert get_record(db_session, "p2") == records[1]
    (entry,) = patient_history(db_session, "p1")
    assert (entry.actor, entry.action, entry.reason, entry.before) == ("ana", "create", "study entry", None)
    assert entry.after == dump(records[0])


def test_a_failing_record_stores_nothing_and_the_others_go_in(db_session: Session) -> None:
    good = full_record("p1")
    # A weight slot holding a height cannot be stored; it fails after its new site was added.
    broken_encounter = Encounter("e9", good.encounters[0].date, weight=measure("height", "120", "cm"))
    broken = dataclasses.replace(full_record("p2", site="site-only-used-by-p2"), encounters=(broken_encounter,))
    duplicate = full_record("p1")
    results = import_records(db_session, [good, broken, duplicate], "ana")
    assert [r.ok for r in results] == [True, False, False]
    assert isinstance(results[1].error, RecordError)
    assert isinstance(results[2].error, ConflictError)
    assert "already exists" in str(results[2].error)
    assert [s.patient_id for s in list_patients(db_session)] == ["p1"]
    with db_session.begin():
        sites = db_session.scalars(select(SiteRow.code)).all()
    assert sites == ["site-a"]
    assert audit_count(db_session) == 1


def test_replace_with_the_current_version_stores_and_audits_before_and_after(db_session: Session) -> None:
    original = full_record("p1")
    import_records(db_session, [original], "ana")
    edited = dataclasses.replace(original, observations=original.observations[:3])
    assert replace_record(db_session, edited, expected_version=1, actor="ben", reason="typo") == 2
    assert get_record(db_session, "p1") == edited
    assert get_version(db_session, "p1") == 2
    created, replaced = patient_history(db_session, "p1")
    assert (replaced.actor, replaced.action, replaced.reason) == ("ben", "replace", "typo")
    assert replaced.before == dump(original)
    assert replaced.after == dump(edited)
    assert created.after == replaced.before
    # ... while the row itself holds only what the edit changed: the observations it removed
    with db_session.begin():
        rows = db_session.execute(select(AuditRow.form, AuditRow.before, AuditRow.after).order_by(AuditRow.id)).all()
    assert [r.form for r in rows] == ["state", "difference"]
    assert rows[1].before == {"observations": dump(original)["observations"][3:]}
    assert rows[1].after == {}


def test_a_history_that_starts_with_a_difference_is_refused(db_session: Session) -> None:
    with db_session.begin():
        AuditTrail(db_session).append_difference(
            AuditEntry(datetime.now(UTC), "ana", "replace", "patient", "p9", {}, {"diary": []})
        )
    with pytest.raises(StorageError, match="no earlier row holds the state"):
        patient_history(db_session, "p9")


def test_a_stale_edit_is_a_conflict_and_changes_nothing(db_session: Session) -> None:
    original = full_record("p1")
    import_records(db_session, [original], "ana")
    first = dataclasses.replace(original, diary=())
    replace_record(db_session, first, expected_version=1, actor="ana")
    with pytest.raises(ConflictError, match=r"stored version 2, edit based on version 1"):
        replace_record(db_session, dataclasses.replace(original, findings=()), expected_version=1, actor="ben")
    assert get_record(db_session, "p1") == first
    assert get_version(db_session, "p1") == 2
    assert [e.action for e in patient_history(db_session, "p1")] == ["create", "replace"]


def test_delete_hides_the_patient_and_keeps_its_last_state_in_the_audit(db_session: Session) -> None:
    record = full_record("p1")
    import_records(db_session, [record, full_record("p2")], "ana")
    delete_patient(db_session, "p1", actor="ben", expected_version=1, reason="withdrew consent")
    assert [s.patient_id for s in list_patients(db_session)] == ["p2"]
    with pytest.raises(NotFoundError, match="no patient 'p1'"):
        get_record(db_session, "p1")
    deleted = patient_history(db_session, "p1")[-1]
    assert (deleted.action, deleted.reason, deleted.before, deleted.after) == (
        "delete",
        "withdrew consent",
        dump(record),
        None,
    )
    (result,) = import_records(db_session, [record], "ana")
    assert isinstance(result.error, ConflictError)


def test_delete_with_a_stale_version_is_refused(db_session: Session) -> None:
    import_records(db_session, [full_record("p1")], "ana")
    with pytest.raises(ConflictError):
        delete_patient(db_session, "p1", actor="ben", expected_version=7)
    assert [s.patient_id for s in list_patients(db_session)] == ["p1"]


def test_export_returns_the_record_and_is_audited(db_session: Session) -> None:
    record = full_record("p1")
    import_records(db_session, [record], "ana")
    assert export_record(db_session, "p1", actor="ben", reason="sharing with centre 3") == record
    exported = patient_history(db_session, "p1")[-1]
    assert (exported.actor, exported.action, exported.before, exported.after) == ("ben", "export", None, None)


def test_list_patients_by_site(db_session: Session) -> None:
    import_records(db_session, [full_record("p1"), full_record("p2", site="site-b")], "ana")
    assert [s.patient_id for s in list_patients(db_session, site="site-b")] == ["p2"]
    assert list_patients(db_session, site="nowhere") == ()


def test_init_database_makes_a_new_sqlite_database_usable_and_is_repeatable(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}", actor="ana")
    with pytest.raises(StorageError, match="run `remit init`"), open_session(settings):
        pass
    assert init_database(settings) == init_database(settings)
    with open_session(settings) as session:
        assert list_patients(session) == ()


def test_database_errors_during_use_become_storage_errors(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", actor="ana")
    init_database(settings)
    with open_session(settings) as session, session.begin():
        session.execute(text("DROP TABLE observations"))

    def browse() -> None:
        with open_session(settings) as session:
            list_patients(session)

    with pytest.raises(StorageError, match="no such table: observations"):
        browse()
