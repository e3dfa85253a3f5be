"""The audit trail: who changed what, when, from which state to which.

Only appending is offered here, and the database refuses UPDATE and DELETE on
``audit_log`` (triggers created by the initial migration), so a history cannot
be rewritten without leaving evidence. Rows are written by the services in the
same transaction as the change they describe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from remit.casefiles.differences import apply
from remit.errors import StorageError
from remit.persistence.tables import AuditRow

Snapshot = dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str  # create | replace | delete | export
    entity: str  # patient
    entity_id: str
    before: Snapshot | None
    after: Snapshot | None
    reason: str | None = None


STATE = "state"
DIFFERENCE = "difference"


class AuditTrail:
    """Append to and read the audit log within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, entry: AuditEntry) -> None:
        """Write ``entry``, whose ``before`` and ``after`` are whole states, now (one Core INSERT,
        not through the unit of work or the ORM's bulk insert)."""
        self._insert(entry, STATE)

    def append_difference(self, entry: AuditEntry) -> None:
        """Write a patient edit as a difference: ``entry.before`` and ``entry.after`` hold only the
        parts that changed (:func:`remit.casefiles.differences.difference`), and the whole states are
        rebuilt from the rows before it when read. The previous row of the same entity must hold
        the state the edit started from (the versioned UPDATE guarantees it: one writer per version)."""
        self._insert(entry, DIFFERENCE)

    def entries(self, entity: str | None = None, entity_id: str | None = None) -> tuple[AuditEntry, ...]:
        """Oldest first, optionally for one entity; ``before`` and ``after`` always whole states.

        A difference row is read as the state of the entity's previous row with the difference
        applied, so the rows of every entity are read from its first (a filter by entity keeps them
        all)."""
        stmt = select(AuditRow).order_by(AuditRow.id)
        if entity is not None:
            stmt = stmt.where(AuditRow.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditRow.entity_id == entity_id)
        latest: dict[tuple[str, str], Snapshot | None] = {}
        found = []
        for r in self._session.scalars(stmt):
            before, after = r.before, r.after
            if r.form == DIFFERENCE:
                subject = (r.entity, r.entity_id)
                if latest.get(subject) is None:
                    raise StorageError(
                        f"audit row {r.id} ({r.entity} {r.entity_id}) is a difference, but no earlier row holds "
                        "the state it applies to: the audit log is incomplete"
                    )
                before = latest[subject]
                after = apply(before or {}, r.before or {}, r.after or {})
            if r.action != "export":
                latest[(r.entity, r.entity_id)] = after
            found.append(AuditEntry(utc(r.at), r.actor, r.action, r.entity, r.entity_id, before, after, r.reason))
        return tuple(found)

    def _insert(self, entry: AuditEntry, form: str) -> None:
        self._session.execute(
            _INSERT,
            {
                "at": entry.at,
                "actor": entry.actor,
                "action": entry.action,
                "entity": entry.entity,
                "entity_id": entry.entity_id,
                "reason": entry.reason,
                "before": entry.before,
                "after": entry.after,
                "form": form,
            },
        )


# One Core INSERT for every audit row (not the ORM's unit of work or bulk insert), built once so its
# cache key is computed once.
_INSERT = insert(cast(Table, AuditRow.__table__))


def utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive, PostgreSQL in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
