"""A replace writes only what differs from the stored record, and the stored record is the new one.

The repository compares the new record with the one stored at the expected version
section by section: a section that only grew gets its new rows inserted (the rows
already stored keep their ids), any other change rewrites that section alone. Each
test checks the record read back through a fresh session (independently of the
in-memory record), and the surrogate ids of the rows, which say what was rewritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from remit.core.measurements import measure
from remit.core.record import DiaryDay, Encounter, EncounterKind, Observation, PatientRecord
from remit.errors import ConflictError, NotFoundError
from remit.persistence.changes import write_difference
from remit.persistence.engine import create_engine
from remit.persistence.repositories import PatientRepository
from remit.persistence.tables import DiaryDayRow, EncounterRow, ObservationRow, PatientRow
from tests.sample_records import full_record
from tests.strategies import patient_records

AT = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = create_engine(database_url)
    yield made
    made.dispose()


def store(engine: Engine, record: PatientRecord) -> None:
    with Session(engine) as session, session.begin():
        PatientRepository(session).save(record, at=AT)


def replace(engine: Engine, record: PatientRecord, version: int, before: PatientRecord | None) -> int:
    with Session(engine) as session, session.begin():
        return PatientRepository(session).replace(record, at=AT, expected_version=version, before=before)[0]


def load_back(engine: Engine, patient_id: str) -> tuple[PatientRecord, int]:
    with Session(engine) as session:
        repository = PatientRepository(session)
        return repository.get(patient_id), repository.version(patient_id)


def row_ids(engine: Engine, table: type[EncounterRow] | type[ObservationRow] | type[DiaryDayRow]) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(table.id).order_by(table.id)))


def with_visit(record: PatientRecord, n: int) -> PatientRecord:
    """An encounter with two labs appended, as the encounter form and the API add one."""
    day = date(2020, 1, n)
    visit = Encounter(f"ex{n}", day, EncounterKind.UNSCHEDULED)
    labs = (
        Observation(f"ex{n}-o1", measure("ferritin", str(100 * n), "ng/mL"), day, encounter=visit.id),
        Observation(f"ex{n}-o2", measure("crp", "<5", "mg/L"), day, encounter=visit.id),
    )
    return dataclasses.replace(
        record, encounters=(*record.encounters, visit), observations=(*record.observations, *labs)
    )


def test_adding_an_encounter_inserts_its_rows_and_keeps_every_stored_row(engine: Engine) -> None:
    original = full_record()
    store(engine, original)
    encounters, observations = row_ids(engine, EncounterRow), row_ids(engine, ObservationRow)
    diary = row_ids(engine, DiaryDayRow)

    changed = with_visit(original, 1)
    assert replace(engine, changed, 1, before=original) == 2

    assert load_back(engine, original.patient.id) == (changed, 2)
    now_encounters, now_observations = row_ids(engine, EncounterRow), row_ids(engine, ObservationRow)
    assert now_encounters[: len(encounters)] == encounters
    assert len(now_encounters) == len(encounters) + 1
    assert now_observations[: len(observations)] == observations
    assert len(now_observations) == len(observations) + 2
    assert row_ids(engine, DiaryDayRow) == diary  # a section not touched is not rewritten


def test_a_run_of_additions_reads_back_in_order(engine: Engine) -> None:
    record = full_record()
    store(engine, record)
    for n in range(1, 6):
        previous, record = record, with_visit(record, n)
        replace(engine, record, n, before=None if n % 2 else previous)  # read here, or handed over
    assert load_back(engine, record.patient.id) == (record, 6)


def test_an_edited_diary_day_rewrites_the_diary_only(engine: Engine) -> None:
    original = full_record()
    assert original.diary, "the sample record needs diary days"
    store(engine, original)
    observations = row_ids(engine, ObservationRow)
    first = original.diary[0]
    edited = dataclasses.replace(
        original, diary=(DiaryDay(first.date, first.items, not first.pain_relief), *original.diary[1:])
    )
    with Session(engine) as session, session.begin():
        row_id = session.scalars(select(PatientRow.id)).one()
        assert write_difference(session, row_id, original, edited) == {"diary": "rewritten"}
    assert load_back(engine, original.patient.id)[0] == edited
    assert row_ids(engine, ObservationRow) == observations


def test_what_is_written_for_each_kind_of_change(engine: Engine) -> None:
    original = full_record()
    store(engine, original)
    grown = with_visit(original, 1)
    cases = {
        "nothing": (original, {}),
        "grown": (grown, {"encounters": "added", "observations": "added"}),
        "removed": (
            dataclasses.replace(original, observations=original.observations[1:]),
            {"observations": "rewritten"},
        ),
        "note": (
            dataclasses.replace(original, patient=dataclasses.replace(original.patient, note="changed note")),
            {"patient": "rewritten"},
        ),
        "genotypes": (
            dataclasses.replace(original, patient=dataclasses.replace(original.patient, genotypes=())),
            {"genotypes": "rewritten"},
        ),
    }
    for name, (after, expected) in cases.items():
        with Session(engine) as session:
            session.begin()
            row_id = session.scalars(select(PatientRow.id)).one()
            assert write_difference(session, row_id, original, after) == expected, name
            session.flush()
            session.expire_all()
            assert PatientRepository(session).get(original.patient.id) == after, name
            session.rollback()


def test_a_stale_claim_is_refused_and_changes_nothing(engine: Engine) -> None:
    original = full_record()
    store(engine, original)
    first = with_visit(original, 1)
    replace(engine, first, 1, before=original)
    with pytest.raises(ConflictError, match=r"stored version 2, edit based on version 1") as refused:
        replace(engine, with_visit(original, 2), 1, before=original)
    assert refused.value.field == "version"
    assert load_back(engine, original.patient.id) == (first, 2)


def test_replacing_a_deleted_patient_is_not_found(engine: Engine) -> None:
    original = full_record()
    store(engine, original)
    with Session(engine) as session, session.begin():
        PatientRepository(session).delete(original.patient.id, at=AT, expected_version=1)
    with pytest.raises(NotFoundError):
        replace(engine, with_visit(original, 1), 2, before=original)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=patient_records(), second=patient_records())
def test_any_record_replacing_any_other_reads_back_equal(
    engine: Engine, first: PatientRecord, second: PatientRecord
) -> None:
    """Arbitrary before/after pairs (sections grown, shrunk, reordered, edited, the site moved)."""
    second = dataclasses.replace(second, patient=dataclasses.replace(second.patient, id=first.patient.id))
    with Session(engine) as session, session.begin():
        stored = session.scalars(select(PatientRow).where(PatientRow.pseudonym == first.patient.id)).one_or_none()
        if stored is not None:
            session.delete(stored)
    store(engine, first)
    replace(engine, second, 1, before=first)
    assert load_back(engine, first.patient.id) == (second, 2)
