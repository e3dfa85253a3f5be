"""Record changes for the web app and its API: one function per use case.

Every change goes through :func:`remit.services.editing.store_change` (or
:func:`remit.services.import_records`), so it is version-checked and audited
like any other. An edit names the version it was based on; if the stored
record has moved on, :class:`StaleEditError` says what changed since, who changed
it and when (read back from the audit log), and nothing is stored - the
caller keeps what the user typed and offers it again on the current version.

The small pure helpers at the end (:func:`with_item`, :func:`without_item`,
:func:`next_id`) build the new record; they know nothing clinical.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Container, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from remit.core.record import DiaryDay, PatientRecord
from remit.errors import ConflictError, NotFoundError, RemitError
from remit.persistence.accounts import AccountRepository, DiaryLink
from remit.persistence.audit import AuditEntry, AuditTrail
from remit.persistence.engine import one_snapshot
from remit.persistence.repositories import PatientRepository, PatientSummary
from remit.services.auditing import PATIENT
from remit.services.editing import delete_patient, store_change
from remit.services.importing import import_records

if TYPE_CHECKING:
    from remit.services.record_cache import RecordCache

Change = Callable[[PatientRecord], PatientRecord]
SECTIONS = ("diagnoses", "encounters", "observations", "findings", "medications", "episodes", "adverse_events")


@dataclass(frozen=True, slots=True)
class ChangeMade:
    """One stored change since a version: who, when, and what it did, line by line."""

    at: datetime
    actor: str
    action: str
    lines: tuple[str, ...]


class StaleEditError(ConflictError):
    """The edit was based on an older version; ``changes`` are what happened since."""

    def __init__(self, message: str, *, current_version: int, changes: tuple[ChangeMade, ...]) -> None:
        super().__init__(message, field="version")
        self.current_version = current_version
        self.changes = changes

    def to_dict(self) -> dict[str, Any]:  # the shape gains keys
        found: dict[str, Any] = dict(super().to_dict())
        found["current_version"] = self.current_version
        found["changes"] = [
            {"at": c.at.isoformat(), "actor": c.actor, "action": c.action, "lines": list(c.lines)} for c in self.changes
        ]
        return found


# ----- reading -------------------------------------------------------------------------------


def patient_site(session: Session, patient_id: str) -> str | None:
    """The site of a stored, not deleted patient; None when there is none."""
    with session.begin():
        return AccountRepository(session).patient_site(patient_id)


def patients_of(session: Session, sites: Collection[str]) -> tuple[PatientSummary, ...]:
    """Stored patients of the given sites only."""
    with session.begin():
        one_snapshot(session)
        return tuple(p for p in PatientRepository(session).list(None) if p.site in sites)


def read_record(session: Session, patient_id: str) -> tuple[PatientRecord, int]:
    """The record and its version, read together (from one snapshot: never a mix of two versions)."""
    with session.begin():
        one_snapshot(session)
        repository = PatientRepository(session)
        return repository.get(patient_id), repository.version(patient_id)


def read_version(session: Session, patient_id: str) -> int:
    with session.begin():
        return PatientRepository(session).version(patient_id)


def audit_log(
    session: Session, *, patient_ids: Collection[str] | None, accounts: bool, limit: int = 200
) -> tuple[AuditEntry, ...]:
    """The newest audit entries: patient entries (of ``patient_ids``, or all when None), and the
    account, site and diary-link entries when ``accounts``."""
    with session.begin():
        every = AuditTrail(session).entries()
    wanted = [
        e
        for e in every
        if (e.entity == PATIENT and (patient_ids is None or e.entity_id in patient_ids))
        or (accounts and e.entity != PATIENT)
    ]
    return tuple(reversed(wanted[-limit:]))


def changes_since(session: Session, patient_id: str, version: int) -> tuple[ChangeMade, ...]:
    """What was stored after ``version`` of a patient, from the audit log.

    Version *n* is the state after the *n*-th create or replace (a delete ends the
    history), so the snapshots before and after each later change are at hand.
    """
    with session.begin():
        entries = [e for e in AuditTrail(session).entries(PATIENT, patient_id) if e.action in ("create", "replace")]
    made: list[ChangeMade] = []
    for entry in entries[version:]:
        made.append(ChangeMade(entry.at, entry.actor, entry.action, describe_difference(entry.before, entry.after)))
    return tuple(made)


# ----- changing ------------------------------------------------------------------------------


def add_patient(session: Session, record: PatientRecord, *, actor: str, reason: str | None = None) -> int:
    """Store a new patient; raises the refusal (a taken id is a :class:`ConflictError`)."""
    result = import_records(session, [record], actor, reason=reason)[0]
    if result.error is not None:
        raise result.error
    assert result.version is not None
    return result.version


def change_record(
    session: Session,
    patient_id: str,
    change: Change,
    *,
    expected_version: int,
    actor: str,
    reason: str | None = None,
    records: RecordCache | None = None,
    stored_version: int | None = None,
) -> int:
    """Apply ``change`` to the stored record if it is still at ``expected_version``; return the new version.

    The record is read once (or taken from ``records``, a server's cache, when it holds
    that version), changed in memory, and stored as a difference: the versioned UPDATE
    refuses the write if anyone stored a change since, and the audit row's before and
    after are the record as read and as changed (no second read). The changed record is
    put into ``records`` under its new version once committed. ``stored_version`` is the stored
    version if the caller has just read it (the web app's access guard does): it is the cache's
    check, not read again; the versioned UPDATE still refuses the write if it has moved on since.

    Raises :class:`StaleEditError` (nothing stored) when it is not, and whatever
    :class:`~remit.errors.RemitError` the change raises for invalid input.
    """
    record, version = (
        records.get(session, patient_id, stored_version) if records is not None else read_record(session, patient_id)
    )
    if version != expected_version:
        raise _stale(session, patient_id, expected_version, version)
    changed = change(record)
    if changed.patient.id != patient_id:
        raise RemitError("a patient's id cannot be changed", field="patient.id")
    try:
        new = store_change(
            session, changed, expected_version=expected_version, actor=actor, reason=reason, before=record
        )
    except ConflictError as exc:
        if exc.field != "version":
            raise
        raise _stale(session, patient_id, expected_version, read_version(session, patient_id)) from exc
    if records is not None:
        records.put(patient_id, new, changed)
    return new


def remove_patient(
    session: Session, patient_id: str, *, expected_version: int, actor: str, reason: str | None = None
) -> None:
    version = read_version(session, patient_id)
    if version != expected_version:
        raise _stale(session, patient_id, expected_version, version)
    delete_patient(session, patient_id, actor=actor, expected_version=expected_version, reason=reason)


def save_diary_day(session: Session, link: DiaryLink, day: DiaryDay, *, records: RecordCache | None = None) -> int:
    """Store one diary day entered through a diary link (a day already entered is replaced).

    The family does not see versions: the day is applied to the record as it is
    now, retried once if a clinician saved in between.
    """
    actor = f"diary-link:{link.id}"

    def put(record: PatientRecord) -> PatientRecord:
        kept = tuple(d for d in record.diary if d.date != day.date)
        return dataclasses.replace(record, diary=(*kept, day))

    for attempt in range(2):
        version = read_version(session, link.patient_id)
        try:
            return change_record(
                session,
                link.patient_id,
                put,
                expected_version=version,
                actor=actor,
                reason="diary link",
                records=records,
            )
        except StaleEditError:
            if attempt == 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _stale(session: Session, patient_id: str, expected: int, current: int) -> StaleEditError:
    changes = changes_since(session, patient_id, expected)
    who = ", ".join(dict.fromkeys(c.actor for c in changes)) or "someone else"
    return StaleEditError(
        f"patient {patient_id} was changed by {who} since you opened the form (your version {expected}, stored "
        f"version {current}); nothing was saved. Your entries are kept below: check the changes, then save again.",
        current_version=current,
        changes=changes,
    )


# ----- pure helpers --------------------------------------------------------------------------


def with_item(record: PatientRecord, section: str, item: Any) -> PatientRecord:
    """The record with ``item`` replacing the one with the same id in ``section`` (or appended)."""
    if section not in SECTIONS:
        raise ValueError(section)
    items = getattr(record, section)
    changed: dict[str, Any] = {section: (*(x for x in items if x.id != item.id), item)}
    return dataclasses.replace(record, **changed)


def without_item(record: PatientRecord, section: str, item_id: str) -> PatientRecord:
    if section not in SECTIONS:
        raise ValueError(section)
    items = getattr(record, section)
    if not any(x.id == item_id for x in items):
        raise NotFoundError(f"no {section} item {item_id!r} in patient {record.patient.id}")
    changed: dict[str, Any] = {section: tuple(x for x in items if x.id != item_id)}
    return dataclasses.replace(record, **changed)


def find_item(record: PatientRecord, section: str, item_id: str) -> Any:
    if section not in SECTIONS:
        raise ValueError(section)
    for item in getattr(record, section):
        if item.id == item_id:
            return item
    raise NotFoundError(f"no {section} item {item_id!r} in patient {record.patient.id}")


def item_ids(record: PatientRecord) -> Iterator[str]:
    """The ids of every item of the record (diary days have dates, not ids)."""
    return (x.id for section in SECTIONS for x in getattr(record, section))


def next_id(record: PatientRecord, prefix: str, taken: Iterable[str] = ()) -> str:
    """``prefix`` + the smallest number not yet used as an id in the record (or in ``taken``)."""
    return free_id(prefix, {*item_ids(record), *taken})


def free_id(prefix: str, used: Container[str]) -> str:
    """``prefix`` + the smallest number not in ``used`` (a caller making several ids keeps one set)."""
    n = 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def describe_difference(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[str, ...]:
    """Lines saying how one case-file snapshot differs from another."""
    if before is None:
        return ("patient created",)
    if after is None:
        return ("patient deleted",)
    lines: list[str] = []
    for key, value in (after.get("patient") or {}).items():
        old = (before.get("patient") or {}).get(key)
        if old != value:
            lines.append(f"patient {key}: {_short(old)} → {_short(value)}")
    for key in (before.get("patient") or {}).keys() - (after.get("patient") or {}).keys():
        lines.append(f"patient {key}: {_short(before['patient'][key])} → (removed)")
    if before.get("follow_up") != after.get("follow_up"):
        lines.append(f"follow-up: {_short(before.get('follow_up'))} → {_short(after.get('follow_up'))}")
    for section in (*SECTIONS, "diary"):
        key = "date" if section == "diary" else "id"
        old_items = {str(x.get(key)): x for x in before.get(section) or ()}
        new_items = {str(x.get(key)): x for x in after.get(section) or ()}
        label = section.replace("_", " ")
        for item_id, item in new_items.items():
            if item_id not in old_items:
                lines.append(f"{label}: added {item_id} ({_summary(item)})")
            elif old_items[item_id] != item:
                changed = sorted(
                    k for k in item.keys() | old_items[item_id].keys() if item.get(k) != old_items[item_id].get(k)
                )
                lines.append(f"{label}: changed {item_id} ({', '.join(changed)})")
        lines.extend(f"{label}: removed {item_id}" for item_id in old_items.keys() - new_items.keys())
    return tuple(lines) or ("no visible difference",)


def _summary(item: dict[str, Any]) -> str:
    shown = [
        str(item[k])
        for k in ("analyte", "kind", "drug", "term", "condition", "value", "unit", "date", "start", "onset")
        if item.get(k) is not None
    ]
    return " ".join(shown[:5])


def _short(value: Any) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
