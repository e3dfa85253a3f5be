"""Bringing new patients into the registry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.errors import RemitError
from remit.persistence.repositories import PatientRepository
from remit.services.auditing import now, record_change


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The outcome for one record: the stored version, or why it was refused."""

    patient_id: str
    version: int | None = None
    error: RemitError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def import_records(
    session: Session, records: Iterable[PatientRecord], actor: str, *, reason: str | None = None
) -> list[ImportResult]:
    """Store each record as a new patient, one transaction per record.

    A record that fails (its id is taken, it cannot be stored) leaves nothing
    behind, not even an audit row, and does not stop the others: the results
    say, in order, which were stored.
    """
    results: list[ImportResult] = []
    for record in records:
        patient_id = record.patient.id
        at = now()
        try:
            with session.begin():
                version = PatientRepository(session).save(record, at=at)
                record_change(
                    session,
                    at=at,
                    actor=actor,
                    action="create",
                    patient_id=patient_id,
                    before=None,
                    after=record,
                    reason=reason,
                )
        except RemitError as exc:
            results.append(ImportResult(patient_id, error=exc))
        else:
            results.append(ImportResult(patient_id, version=version))
    return results
