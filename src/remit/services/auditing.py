"""How a change is written into the audit log.

The snapshot of a record is its case-file form (:func:`remit.casefiles.dump`):
readable in the database, and importable again, so any past state of a
patient can be restored from the log.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from remit import casefiles
from remit.core.record import PatientRecord
from remit.persistence.audit import AuditEntry, AuditTrail, Snapshot
from remit.persistence.engine import JsonText

PATIENT = "patient"


def now() -> datetime:
    """The time stamped on a change (UTC); one reading per service call."""
    return datetime.now(UTC)


_KEPT = 64


class _Kept:
    """A record's snapshot and, once it has been stored, its JSON text."""

    __slots__ = ("record", "snapshot", "text")

    def __init__(self, record: PatientRecord, snapshot: Snapshot) -> None:
        self.record = record
        self.snapshot = snapshot
        self.text: JsonText | None = None


_snapshots: OrderedDict[int, _Kept] = OrderedDict()
_snapshots_lock = threading.Lock()


def _kept(record: PatientRecord) -> _Kept:
    with _snapshots_lock:
        kept = _snapshots.get(id(record))
        if kept is not None and kept.record is record:
            _snapshots.move_to_end(id(record))
            return kept
    made = _Kept(record, casefiles.dump(record))
    with _snapshots_lock:
        _snapshots[id(record)] = made
        while len(_snapshots) > _KEPT:
            _snapshots.popitem(last=False)
    return made


def snapshot(record: PatientRecord | None) -> Snapshot | None:
    """The record's case-file form, for the audit log (treat it as read-only).

    The same record object is often snapshotted twice: as the ``after`` of one edit and
    the ``before`` of the next (a server keeps the record it stored). The last few
    snapshots are kept by record identity (the record is held with it, so its id cannot
    be reused), which halves the cost of a repeated edit's audit row.
    """
    return None if record is None else _kept(record).snapshot


def snapshot_text(record: PatientRecord | None) -> JsonText | None:
    """:func:`snapshot` as the JSON text the audit row stores (``json.dumps``, as the driver
    would encode it), kept with the snapshot: a record stored as one edit's after is encoded
    once, not again as the next edit's before."""
    if record is None:
        return None
    kept = _kept(record)
    if kept.text is None:
        kept.text = JsonText(json.dumps(kept.snapshot))
    return kept.text


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
        AuditEntry(at, actor, action, PATIENT, patient_id, snapshot(before), snapshot(after), reason),
        serialised=(snapshot_text(before), snapshot_text(after)),
    )
