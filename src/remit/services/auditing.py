"""How a change is written into the audit log.

The snapshot of a record is its case-file form (:func:`remit.casefiles.dump`):
readable in the database, and importable again, so any past state of a
patient can be restored from the log.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from remit import casefiles
from remit.core.record import PatientRecord
from remit.persistence.audit import AuditEntry, AuditTrail, Snapshot

PATIENT = "patient"


def now() -> datetime:
    """The time stamped on a change (UTC); one reading per service call."""
    return datetime.now(UTC)


_KEPT = 64
_snapshots: OrderedDict[int, tuple[PatientRecord, Snapshot]] = OrderedDict()
_snapshots_lock = threading.Lock()


def snapshot(record: PatientRecord | None) -> Snapshot | None:
    """The record's case-file form, for the audit log (treat it as read-only).

    The same record object is often snapshotted twice: as the ``after`` of one edit and
    the ``before`` of the next (a server keeps the record it stored). The last few
    snapshots are kept by record identity (the record is held with it, so its id cannot
    be reused), which halves the cost of a repeated edit's audit row.
    """
    if record is None:
        return None
    with _snapshots_lock:
        kept = _snapshots.get(id(record))
        if kept is not None and kept[0] is record:
            _snapshots.move_to_end(id(record))
            return kept[1]
    made = casefiles.dump(record)
    with _snapshots_lock:
        _snapshots[id(record)] = (record, made)
        while len(_snapshots) > _KEPT:
            _snapshots.popitem(last=False)
    return made


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
