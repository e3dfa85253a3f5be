"""Stored records kept in memory by version, for one process (a web server).

A record is immutable and a version is never reused, so a record read (or
written) at version N is the stored record for as long as the stored version is
N. Every lookup therefore reads the current version first (one indexed query)
and serves the kept record only if it is that version: a change made by another
process, or another server worker, is a different version and is read afresh.
Writers put the record they stored under its new version after the commit, so
the next edit and the next page view of that patient need no full read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.services.web_records import read_record, read_version


class RecordCache:
    """Stored records by id, valid while the stored version is the cached one."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[int, PatientRecord]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, patient_id: str, version: int | None = None) -> tuple[PatientRecord, int]:
        """The stored record and its version (the version read now, the record from memory if kept).

        ``version`` is the stored version if the caller has just read it (the web app's access
        guard reads it with the session, in the same query): it is not read again. A record
        kept under another version is never served; the record is then read (with the version
        it has now)."""
        if version is None:
            version = read_version(session, patient_id)
        with self._lock:
            cached = self._items.get(patient_id)
        if cached is not None and cached[0] == version:
            return cached[1], version
        record, version = read_record(session, patient_id)
        self.put(patient_id, version, record)
        return record, version

    def put(self, patient_id: str, version: int, record: PatientRecord) -> None:
        """Keep ``record`` as the stored record of ``version`` (only after it is committed)."""
        with self._lock:
            kept = self._items.get(patient_id)
            if kept is not None and kept[0] > version:
                return  # a newer version is already kept
            self._items[patient_id] = (version, record)
            self._items.move_to_end(patient_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
