"""Taking a record out of the registry. Exports are logged like changes: data
leaving the registry is part of its history (standards-and-libraries.md, audit trail)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.persistence.engine import one_snapshot
from remit.persistence.repositories import PatientRepository
from remit.services.auditing import now, record_change


def export_record(session: Session, patient_id: str, *, actor: str, reason: str | None = None) -> PatientRecord:
    """The stored record, with an ``export`` row in the audit log."""
    at = now()
    with session.begin():
        one_snapshot(session, writes=True)
        record = PatientRepository(session).get(patient_id)
        record_change(
            session,
            at=at,
            actor=actor,
            action="export",
            patient_id=patient_id,
            before=None,
            after=None,
            reason=reason,
        )
    return record
