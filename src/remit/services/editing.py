"""Changing and removing stored patients, guarded by the version read."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remit.casefiles import differences
from remit.core.record import PatientRecord
from remit.persistence.repositories import PatientRepository
from remit.services.auditing import now, record_change, record_edit


def replace_record(
    session: Session, record: PatientRecord, *, expected_version: int, actor: str, reason: str | None = None
) -> int:
    """Replace the stored record of ``record.patient.id`` and return the new version.

    ``expected_version`` is the version the edit was based on; if the stored
    record has moved on, :class:`~remit.errors.ConflictError` is raised and
    nothing changes.
    """
    return store_change(session, record, expected_version=expected_version, actor=actor, reason=reason)


def store_change(
    session: Session,
    record: PatientRecord,
    *,
    expected_version: int,
    actor: str,
    reason: str | None = None,
    before: PatientRecord | None = None,
) -> int:
    """:func:`replace_record` for a caller that already holds the record stored at
    ``expected_version`` (``before``): it is not read again, and only what differs is
    written, to the record's tables and to the audit log (:func:`record_edit`)."""
    patient_id = record.patient.id
    # The audit row's difference is made now, before the row is claimed, so the write lock is held
    # for the writes alone; a caller without ``before`` gets it read under the lock.
    change = differences.difference(before, record) if before is not None else None
    at = now()
    with session.begin():
        version, before = PatientRepository(session).replace(
            record, at=at, expected_version=expected_version, before=before
        )
        record_edit(
            session,
            at=at,
            actor=actor,
            patient_id=patient_id,
            change=change or differences.difference(before, record),
            reason=reason,
        )
    return version


def delete_patient(
    session: Session, patient_id: str, *, actor: str, expected_version: int | None = None, reason: str | None = None
) -> None:
    """Soft-delete a patient: hidden from lists and reads, kept for the audit trail."""
    at = now()
    with session.begin():
        repository = PatientRepository(session)
        before = repository.get(patient_id)
        repository.delete(patient_id, at=at, expected_version=expected_version)
        record_change(
            session,
            at=at,
            actor=actor,
            action="delete",
            patient_id=patient_id,
            before=before,
            after=None,
            reason=reason,
        )
