"""The audit trail: who changed what, when, from which state to which.

Only appending is offered here, and the database refuses UPDATE and DELETE on
``audit_log`` (triggers created by the initial migration), so a history cannot
be rewritten without leaving evidence. Rows are written by the services in the
same transaction as the change they describe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from remit.persistence.engine import JsonText
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


class AuditTrail:
    """Append to and read the audit log within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, entry: AuditEntry, *, serialised: tuple[JsonText | None, JsonText | None] = (None, None)) -> None:
        """Write ``entry`` now (one INSERT, not through the unit of work). ``serialised`` may hold
        the JSON text of ``before`` and ``after`` when the caller has it (it must be
        ``json.dumps`` of the same snapshot): it is stored as it is instead of encoded again."""
        before, after = serialised
        self._session.execute(
            insert(AuditRow).values(
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                reason=entry.reason,
                before=entry.before if before is None else before,
                after=entry.after if after is None else after,
            )
        )

    def entries(self, entity: str | None = None, entity_id: str | None = None) -> tuple[AuditEntry, ...]:
        """Oldest first, optionally for one entity."""
        stmt = select(AuditRow).order_by(AuditRow.id)
        if entity is not None:
            stmt = stmt.where(AuditRow.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditRow.entity_id == entity_id)
        return tuple(
            AuditEntry(utc(r.at), r.actor, r.action, r.entity, r.entity_id, r.before, r.after, r.reason)
            for r in self._session.scalars(stmt)
        )


def utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive, PostgreSQL in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
