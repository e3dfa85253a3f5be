"""How a change is written into the audit log.

The snapshot of a record is its case-file form (:func:`remit.casefiles.dump`):
readable in the database, and importable again, so any past state of a
patient can be restored from the log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from remit import casefiles
from remit.core.record import PatientRecord
from remit.persistence.audit import AuditEntry, AuditTrail, Snapshot

PATIENT = "patient"


def now() -> datetime:
    """The time stamped on a change (UTC); one reading per service call."""
    return datetime.now(UTC)


def snapshot(record: PatientRecord | None) -> Snapshot | None:
    return casefiles.dump(record) if record is not None else None


def record_change(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    patient_id: str,
    before: PatientRecord | None,
    after: PatientRecord | None,
    reason: str | None = None,
) -> None:
    AuditTrail(session).append(
        AuditEntry(at, actor, action, PATIENT, patient_id, snapshot(before), snapshot(after), reason)
    )
