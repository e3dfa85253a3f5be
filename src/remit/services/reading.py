"""Looking at stored patients. Reads end their own transaction, so the same
session can go on to a service that writes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.persistence.engine import one_snapshot
from remit.persistence.repositories import PatientRepository, PatientSummary
from remit.services.auditing import PATIENT


def list_patients(session: Session, *, site: str | None = None) -> tuple[PatientSummary, ...]:
    with session.begin():
        one_snapshot(session)
        return PatientRepository(session).list(site)


def get_record(session: Session, patient_id: str) -> PatientRecord:
    """The stored record; :class:`~remit.errors.NotFoundError` if absent or deleted."""
    with session.begin():
        one_snapshot(session)
        return PatientRepository(session).get(patient_id)


def get_version(session: Session, patient_id: str) -> int:
    """The version to pass to :func:`remit.services.replace_record`."""
    with session.begin():
        return PatientRepository(session).version(patient_id)


def patient_history(session: Session, patient_id: str) -> tuple[AuditEntry, ...]:
    """Every audited change and export of one patient, oldest first (deleted ones included)."""
    with session.begin():
        return AuditTrail(session).entries(PATIENT, patient_id)
