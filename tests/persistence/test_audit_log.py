"""The audit log is append-only in the database itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from remit.persistence.audit import AuditEntry, AuditTrail
from remit.persistence.engine import create_engine

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_entries_read_back_in_order_with_their_snapshots(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            trail = AuditTrail(session)
            trail.append(AuditEntry(AT, "ana", "create", "patient", "p1", None, {"patient": {"id": "p1"}}))
            trail.append(AuditEntry(AT, "ben", "delete", "patient", "p1", {"patient": {"id": "p1"}}, None, "dup"))
            trail.append(AuditEntry(AT, "ana", "create", "patient", "p2", None, {"patient": {"id": "p2"}}))
        with Session(engine) as session:
            entries = AuditTrail(session).entries("patient", "p1")
    finally:
        engine.dispose()
    assert [(e.actor, e.action, e.before, e.after, e.reason) for e in entries] == [
        ("ana", "create", None, {"patient": {"id": "p1"}}, None),
        ("ben", "delete", {"patient": {"id": "p1"}}, None, "dup"),
    ]
    assert all(e.at == AT for e in entries)


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_log SET actor = 'someone else'", id="update"),
        pytest.param("DELETE FROM audit_log", id="delete"),
    ],
)
def test_audit_rows_cannot_be_changed_or_removed(database_url: str, statement: str) -> None:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            AuditTrail(session).append(AuditEntry(AT, "ana", "create", "patient", "p1", None, {"a": 1}))
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT actor FROM audit_log")).scalars().all() == ["ana"]
    finally:
        engine.dispose()
