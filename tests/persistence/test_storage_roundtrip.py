"""Saving a record and loading it back gives the same record, on every backend."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from remit.casefiles import load
from remit.core.record import PatientRecord
from remit.errors import ConflictError, NotFoundError, RecordError
from remit.persistence.engine import create_engine
from remit.persistence.repositories import PatientRepository
from remit.persistence.tables import PatientRow
from tests.sample_records import full_record
from tests.strategies import patient_records

EXAMPLE = Path(__file__).parents[2] / "docs" / "case-file-example.yaml"
AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = create_engine(database_url)
    yield made
    made.dispose()


def save(engine: Engine, record: PatientRecord, expected_version: int | None = None) -> int:
    with Session(engine) as session, session.begin():
        return PatientRepository(session).save(record, at=AT, expected_version=expected_version)


def load_back(engine: Engine, patient_id: str) -> PatientRecord:
    """Read through a new session, so nothing comes from an identity map."""
    with Session(engine) as session:
        return PatientRepository(session).get(patient_id)


def test_full_record_loads_back_equal(engine: Engine) -> None:
    record = full_record()
    assert save(engine, record) == 1
    assert load_back(engine, record.patient.id) == record


def test_case_file_example_loads_back_equal(engine: Engine) -> None:
    record = load(EXAMPLE)
    save(engine, record)
    assert load_back(engine, record.patient.id) == record


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=patient_records())
def test_any_record_loads_back_equal(engine: Engine, record: PatientRecord) -> None:
    unique = dataclasses.replace(record, patient=dataclasses.replace(record.patient, id=f"p-{uuid.uuid4().hex}"))
    save(engine, unique)
    assert load_back(engine, unique.patient.id) == unique


def test_values_are_stored_as_entered_beside_their_canonical_interval(engine: Engine) -> None:
    save(engine, full_record())
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT key, value_text, unit, ucum, comparator, low, high, low_closed, high_closed, "
                "reference_low, reference_high FROM observations ORDER BY key"
            )
        ).all()
    by_key = {row[0]: tuple(row[1:]) for row in rows}
    assert by_key["o1"] == ("12", "mg/dl", "mg/dL", None, 120.0, 120.0, True, True, None, None)
    assert by_key["o2"] == (">2000", "ng/mL", "ng/mL", ">", 2000.0, None, False, False, None, None)
    # "low" against a 150-450 reference: below 150, unbounded below (NULL), reference kept canonical.
    assert by_key["o3"] == ("low", None, None, None, None, 150.0, False, False, 150.0, 450.0)


def test_replacing_rewrites_every_section(engine: Engine) -> None:
    original = full_record()
    save(engine, original)
    smaller = dataclasses.replace(
        original,
        observations=original.observations[:2],
        medications=original.medications[1:],
        diary=(),
        patient=dataclasses.replace(original.patient, site="site-b", genotypes=()),
    )
    assert save(engine, smaller, expected_version=1) == 2
    assert load_back(engine, original.patient.id) == smaller
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM observations")).scalar_one() == 2
        doses = connection.execute(text("SELECT count(*) FROM doses")).scalar_one()
    assert doses == sum(len(m.doses) for m in smaller.medications) == 3


def test_stale_version_is_refused_and_the_stored_record_is_kept(engine: Engine) -> None:
    original = full_record()
    save(engine, original)
    save(engine, dataclasses.replace(original, diary=()), expected_version=1)
    with pytest.raises(ConflictError, match="version 2"):
        save(engine, dataclasses.replace(original, observations=()), expected_version=1)
    assert load_back(engine, original.patient.id) == dataclasses.replace(original, diary=())


def test_a_writer_racing_past_the_version_check_still_loses(engine: Engine) -> None:
    """Both writers read version 1 and pass the check; the conditional UPDATE
    (``version_id_col``) lets only the first one through."""
    original = full_record()
    save(engine, original)
    winner_edit = dataclasses.replace(original, diary=())
    loser_edit = dataclasses.replace(original, findings=())
    with Session(engine) as loser:
        loser.begin()
        held = loser.scalars(select(PatientRow).where(PatientRow.pseudonym == original.patient.id)).one()
        assert held.version == 1  # the loser has read version 1 ...
        save(engine, winner_edit, expected_version=1)  # ... and the winner commits first
        with pytest.raises(ConflictError, match="changed by someone else"):
            PatientRepository(loser).save(loser_edit, at=AT, expected_version=1)
        loser.rollback()
    assert load_back(engine, original.patient.id) == winner_edit


def test_saving_an_existing_patient_as_new_is_a_conflict(engine: Engine) -> None:
    save(engine, full_record())
    with pytest.raises(ConflictError, match="already exists"):
        save(engine, full_record())


def test_soft_delete_hides_the_patient_but_keeps_the_rows(engine: Engine) -> None:
    save(engine, full_record("p1"))
    save(engine, full_record("p2"))
    with Session(engine) as session, session.begin():
        assert PatientRepository(session).delete("p1", at=AT, expected_version=1) == 2
    with Session(engine) as session:
        repository = PatientRepository(session)
        assert [s.patient_id for s in repository.list()] == ["p2"]
        with pytest.raises(NotFoundError):
            repository.get("p1")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM patients WHERE deleted_at IS NOT NULL")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM observations")).scalar_one() == 18
    with pytest.raises(ConflictError, match="deleted"):
        save(engine, full_record("p1"))


def test_list_summarises_and_filters_by_site(engine: Engine) -> None:
    save(engine, full_record("p2", site="site-b"))
    save(engine, full_record("p1", site="site-a"))
    with Session(engine) as session:
        repository = PatientRepository(session)
        everyone = repository.list()
        only_b = repository.list(site="site-b")
    assert [(s.site, s.patient_id) for s in everyone] == [("site-a", "p1"), ("site-b", "p2")]
    assert [s.patient_id for s in only_b] == ["p2"]
    summary = everyone[0]
    assert (summary.conditions, summary.drugs, summary.observations, summary.version) == (
        ("sjia", "mas"),
        ("methylprednisolone", "anakinra"),
        9,
        1,
    )
    assert summary.updated_at == AT


def test_a_stored_value_that_no_longer_reads_names_patient_and_fact(engine: Engine) -> None:
    save(engine, full_record("p1"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE observations SET value_text = '999999' WHERE key = 'o1'"))
    with pytest.raises(RecordError, match=r"stored patient p1, observation o1: .*plausible range"):
        load_back(engine, "p1")
