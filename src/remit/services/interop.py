"""Taking many patients out of the registry at once, for FHIR, OMOP and
statistician exports. Like :func:`remit.services.export_record`, every
patient exported gets an ``export`` row in the audit log - in the same
transaction as the read, so an export that fails to read leaves no trace and
one that is read is always logged. The reason says which format, whether it
was de-identified and where it went (standards §D4: "the export is logged").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from remit.core.record import PatientRecord
from remit.persistence.engine import one_snapshot
from remit.persistence.repositories import PatientRepository
from remit.services.auditing import now, record_change


def export_patients(
    session: Session,
    patient_ids: Sequence[str] | None,
    *,
    actor: str,
    purpose: str,
    reason: str | None = None,
    include: Callable[[PatientRecord], bool] | None = None,
) -> tuple[PatientRecord, ...]:
    """The stored records of ``patient_ids`` (every stored patient when None),
    each logged as exported with ``purpose`` (and the user's ``reason``).
    ``include`` leaves out records the target format cannot hold (OMOP needs a
    year of birth): they are neither returned nor logged as exported.

    Raises :class:`~remit.errors.NotFoundError` for an unknown id; then
    nothing is logged.
    """
    at = now()
    logged = purpose if not reason else f"{purpose}; {reason}"
    with session.begin():
        one_snapshot(session, writes=True)
        repository = PatientRepository(session)
        ids = list(patient_ids) if patient_ids is not None else [s.patient_id for s in repository.list(None)]
        records = tuple(repository.get(patient_id) for patient_id in ids)
        if include is not None:
            records = tuple(r for r in records if include(r))
        for record in records:
            record_change(
                session,
                at=at,
                actor=actor,
                action="export",
                patient_id=record.patient.id,
                before=None,
                after=None,
                reason=logged,
            )
    return records
