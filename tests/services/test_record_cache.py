"""A server's record cache, and edits that use it, against a real database.

The cache keeps the record each edit stored (no second read); what it serves must
be exactly what a fresh read returns, and a change made elsewhere (the CLI, another
server process with a cache of its own) must never be hidden by a kept entry.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy.orm import Session

from remit import casefiles
from remit.core.measurements import measure
from remit.core.record import DiaryDay, Observation, PatientRecord
from remit.persistence.audit import AuditTrail
from remit.services import import_records, replace_record
from remit.services.record_cache import RecordCache
from remit.services.web_records import StaleEditError, change_record, read_record, with_item, without_item
from tests.sample_records import full_record

PATIENT = "p-full"


def with_lab(record: PatientRecord, key: str) -> PatientRecord:
    lab = Observation(key, measure("ferritin", "812", "ng/mL"), date(2024, 3, 1))
    return dataclasses.replace(record, observations=(*record.observations, lab))


def with_diary_day(record: PatientRecord, day: DiaryDay) -> PatientRecord:
    return dataclasses.replace(record, diary=(*(d for d in record.diary if d.date != day.date), day))


@pytest.fixture
def stored(db_session: Session) -> Session:
    assert import_records(db_session, [full_record(PATIENT)], "tests")[0].ok
    return db_session


CHANGES = {
    "lab added": lambda r: with_lab(r, "new-lab"),
    "diary day added": lambda r: with_diary_day(r, DiaryDay(date(2030, 1, 1), (), True)),
    "diary day replaced": lambda r: with_diary_day(r, dataclasses.replace(r.diary[0], pain_relief=None)),
    "item edited": lambda r: with_item(r, "findings", dataclasses.replace(r.findings[0], note="edited")),
    "item removed": lambda r: without_item(r, "observations", r.observations[0].id),
}


@pytest.mark.parametrize("name", CHANGES)
def test_the_kept_record_is_the_stored_record_and_the_audit_row_says_so(stored: Session, name: str) -> None:
    cache = RecordCache()
    before, version = read_record(stored, PATIENT)
    new = change_record(stored, PATIENT, CHANGES[name], expected_version=version, actor="ana", records=cache)
    assert new == version + 1
    fresh, fresh_version = read_record(stored, PATIENT)
    kept, kept_version = cache.get(stored, PATIENT)
    assert (kept, kept_version) == (fresh, fresh_version)
    assert fresh == CHANGES[name](before)
    with stored.begin():
        entry = AuditTrail(stored).entries("patient", PATIENT)[-1]
    assert (entry.before, entry.after) == (casefiles.dump(before), casefiles.dump(fresh))


def test_a_change_stored_elsewhere_is_never_hidden_by_a_kept_record(stored: Session) -> None:
    ours, theirs = RecordCache(), RecordCache()  # two server processes
    record, version = ours.get(stored, PATIENT)
    assert theirs.get(stored, PATIENT) == (record, version)
    change_record(stored, PATIENT, lambda r: with_lab(r, "theirs"), expected_version=version, actor="b", records=theirs)
    seen, seen_version = ours.get(stored, PATIENT)
    assert seen_version == version + 1
    assert "theirs" in {o.id for o in seen.observations}
    # ... and a replace outside any server (the CLI) too
    replace_record(stored, with_lab(seen, "cli"), expected_version=seen_version, actor="cli")
    assert "cli" in {o.id for o in ours.get(stored, PATIENT)[0].observations}
    assert "cli" in {o.id for o in theirs.get(stored, PATIENT)[0].observations}


def test_an_edit_on_a_kept_but_outdated_version_is_refused(stored: Session) -> None:
    ours, theirs = RecordCache(), RecordCache()
    _, version = ours.get(stored, PATIENT)
    change_record(stored, PATIENT, lambda r: with_lab(r, "first"), expected_version=version, actor="b", records=theirs)
    with pytest.raises(StaleEditError) as refused:
        change_record(
            stored, PATIENT, lambda r: with_lab(r, "second"), expected_version=version, actor="a", records=ours
        )
    assert refused.value.current_version == version + 1
    record, _ = read_record(stored, PATIENT)
    assert {"first", "second"} & {o.id for o in record.observations} == {"first"}


def test_a_refused_edit_keeps_nothing(stored: Session) -> None:
    cache = RecordCache()
    record, version = cache.get(stored, PATIENT)

    def clash(r: PatientRecord) -> PatientRecord:
        replace_record(stored, with_lab(r, "meanwhile"), expected_version=version, actor="other")
        return with_lab(r, "mine")  # built on the version that just stopped being current

    with pytest.raises(StaleEditError):
        change_record(stored, PATIENT, clash, expected_version=version, actor="ana", records=cache)
    kept, kept_version = cache.get(stored, PATIENT)
    assert kept_version == version + 1
    assert "mine" not in {o.id for o in kept.observations}
    assert kept == read_record(stored, PATIENT)[0]
    assert record != kept


def test_a_version_given_by_the_caller_never_serves_another_versions_record(stored: Session) -> None:
    """The web app passes the version its access guard read with the session; a kept record of
    another version is not served for it, whichever is newer."""
    ours, theirs = RecordCache(), RecordCache()
    record, version = ours.get(stored, PATIENT)
    assert ours.get(stored, PATIENT, version) == (record, version)
    change_record(stored, PATIENT, lambda r: with_lab(r, "theirs"), expected_version=version, actor="b", records=theirs)
    # Asked with the version read before the change: the kept record is of that version,
    # and it is what was stored at that version - never a mix.
    assert ours.get(stored, PATIENT, version) == (record, version)
    # Asked with the new version: the kept (older) record is not served; the stored one is read.
    fresh, fresh_version = ours.get(stored, PATIENT, version + 1)
    assert (fresh, fresh_version) == read_record(stored, PATIENT)
    assert "theirs" in {o.id for o in fresh.observations}


def test_an_edit_based_on_a_version_the_guard_read_before_a_change_is_refused(stored: Session) -> None:
    cache = RecordCache()
    _, version = cache.get(stored, PATIENT)
    replace_record(
        stored, with_lab(read_record(stored, PATIENT)[0], "meanwhile"), expected_version=version, actor="cli"
    )
    # The guard read ``version`` before the CLI's change; the edit names it too.
    with pytest.raises(StaleEditError) as refused:
        change_record(
            stored,
            PATIENT,
            lambda r: with_lab(r, "mine"),
            expected_version=version,
            actor="ana",
            records=cache,
            stored_version=version,
        )
    assert refused.value.current_version == version + 1
    record, _ = read_record(stored, PATIENT)
    assert {"meanwhile", "mine"} & {o.id for o in record.observations} == {"meanwhile"}
