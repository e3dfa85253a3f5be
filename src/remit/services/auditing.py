"""How a change is written into the audit log.

The snapshot of a record is its case-file form (:func:`remit.casefiles.dump`):
readable in the database, and importable again, so any past state of a
patient can be restored from the log. A creation or deletion stores the whole
record; an edit stores only what it changed (:func:`record_edit`), which the
trail reads back as whole records: an encounter saved into a long record then
costs what the encounter costs, not what the record does.
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
    """The record's case-file form, for the audit log."""
    return None if record is None else casefiles.dump(record)


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


def record_edit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    patient_id: str,
    change: tuple[Snapshot, Snapshot],
    reason: str | None = None,
) -> None:
    """Log a replace as the difference it made (``change``: :func:`remit.casefiles.differences.difference`
    of the record as stored before and as stored now); the trail reads it back as whole records."""
    was, now_ = change
    AuditTrail(session).append_difference(AuditEntry(at, actor, "replace", PATIENT, patient_id, was, now_, reason))
