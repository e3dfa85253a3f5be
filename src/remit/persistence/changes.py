"""Writing the difference between two versions of a record, not the whole record.

A replace used to delete every row of the patient and insert the new record
again: for a patient with a few hundred rows that was most of a second per
saved encounter (docs/reliability.md, "Load"). The common edits add items at
the end of a section (an encounter and its labs, a diary day, a finding), so
here each section is compared with its stored version: an unchanged section is
not touched, a section that only grew gets its new rows inserted, and any
other change (an edited or removed item) rewrites that one section. Rows are
read back in insertion (or position) order, so the stored record is the new
record item for item either way.

The caller must already hold the patient's row (the versioned UPDATE of
:meth:`~remit.persistence.repositories.PatientRepository.replace`) and pass the
record as stored at that version: ``before`` is trusted, not re-read.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import delete, insert, inspect, update
from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.persistence.records import genotype_rows, item_rows
from remit.persistence.tables import (
    AdverseEventRow,
    DiagnosisRow,
    DiaryDayRow,
    EncounterRow,
    EpisodeRow,
    FindingRow,
    GenotypeRow,
    MedicationCourseRow,
    ObservationRow,
    PatientRow,
)

SECTION_TABLES: dict[str, Any] = {
    "diagnoses": DiagnosisRow,
    "encounters": EncounterRow,
    "observations": ObservationRow,
    "findings": FindingRow,
    "medications": MedicationCourseRow,
    "episodes": EpisodeRow,
    "adverse_events": AdverseEventRow,
    "diary": DiaryDayRow,
}


def write_difference(session: Session, row_id: int, before: PatientRecord, after: PatientRecord) -> dict[str, str]:
    """Make the stored rows of patient ``row_id`` (now ``before``) hold ``after``.

    Returns what was done per changed part (``added`` or ``rewritten``), for tests
    and profiling. The site is the caller's (it needs the site table).
    """
    done: dict[str, str] = {}
    old, new = before.patient, after.patient
    columns = _patient_columns(after)
    if _patient_columns(before) != columns:
        session.execute(update(PatientRow).where(PatientRow.id == row_id).values(**columns))
        done["patient"] = "rewritten"
    if old.genotypes != new.genotypes:
        session.execute(delete(GenotypeRow).where(GenotypeRow.patient_id == row_id))
        _add(session, row_id, genotype_rows(new))
        done["genotypes"] = "rewritten"
    for section, table in SECTION_TABLES.items():
        was, now = getattr(before, section), getattr(after, section)
        if was == now:
            continue
        if now[: len(was)] == was:
            _add(session, row_id, item_rows(section, now[len(was) :], len(was)))
            done[section] = "added"
        else:
            session.execute(delete(table).where(table.patient_id == row_id))
            _add(session, row_id, item_rows(section, now))
            done[section] = "rewritten"
    session.flush()
    return done


def _patient_columns(record: PatientRecord) -> dict[str, Any]:
    patient = record.patient
    start, end = record.follow_up or (None, None)
    return {
        "sex": patient.sex.value,
        "birth_year": patient.birth.year if patient.birth else None,
        "birth_month": patient.birth.month if patient.birth else None,
        "birth_day": patient.birth.day if patient.birth else None,
        "ethnicity": patient.ethnicity,
        "note": patient.note,
        "follow_up_start": start,
        "follow_up_end": end,
    }


def _add(session: Session, row_id: int, rows: list[Any]) -> None:
    """Insert ``rows`` for patient ``row_id``. Rows without child rows (encounters, observations,
    a finding without attributes ...) go in as one Core INSERT per table with all their
    values (an executemany): the ORM's unit of work, with its per-object bookkeeping and
    primary keys fetched back, was a third of an encounter write. Rows with children need
    the ids of their parents, so they still go through the session."""
    plain: dict[tuple[Any, tuple[str, ...]], list[dict[str, Any]]] = {}
    with_children = []
    for row in rows:
        row.patient_id = row_id
        values = _plain_values(row)
        if values is None:
            with_children.append(row)
        else:
            plain.setdefault((type(row), tuple(values)), []).append(values)
    for (table, _), values_list in plain.items():
        # One row is one plain execute: a list, even of one, is an executemany, which psycopg runs
        # in pipeline mode (entering and leaving it costs more than the row).
        session.execute(_insert_into(table), values_list[0] if len(values_list) == 1 else values_list)
    session.add_all(with_children)


@functools.cache
def _insert_into(table: Any) -> Any:
    """The INSERT of a table, built once (its cache key is then computed once)."""
    return insert(table.__table__)


def _plain_values(row: Any) -> dict[str, Any] | None:
    """The column values set on ``row`` (by column key), or None if it has child rows."""
    mapper = inspect(type(row))
    given = row.__dict__
    if any(given.get(r.key) for r in mapper.relationships):
        return None
    return {prop.columns[0].key: given[prop.key] for prop in mapper.column_attrs if prop.key in given}
