"""Patient storage: frozen ``PatientRecord`` in, frozen ``PatientRecord`` out.

The repository never commits; the calling service owns the transaction, so a
record and its audit row are stored together or not at all. Stale writes are
refused twice over: an explicit version check with a clear message, and the
ORM's ``version_id_col``, which makes the UPDATE itself conditional on the
version read (two writers racing past the check still cannot both win).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Select, Table, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from remit.core.record import BirthDate, PatientRecord, Sex
from remit.errors import ConflictError, NotFoundError
from remit.persistence.audit import utc
from remit.persistence.changes import write_difference
from remit.persistence.engine import insert_ignoring_duplicates
from remit.persistence.records import fill_patient_row, record_from_row
from remit.persistence.tables import (
    AdverseEventRow,
    DiagnosisRow,
    DiaryDayRow,
    EpisodeRow,
    FindingRow,
    MedicationCourseRow,
    ObservationRow,
    PatientRow,
    SiteRow,
)

# Everything a PatientRecord needs, in one query per table.
LOAD_ALL = (
    selectinload(PatientRow.genotypes),
    selectinload(PatientRow.diagnoses).selectinload(DiagnosisRow.codings),
    selectinload(PatientRow.encounters),
    selectinload(PatientRow.observations),
    selectinload(PatientRow.findings).selectinload(FindingRow.attributes),
    selectinload(PatientRow.medications).selectinload(MedicationCourseRow.doses),
    selectinload(PatientRow.episodes).selectinload(EpisodeRow.features),
    selectinload(PatientRow.episodes).selectinload(EpisodeRow.attributes),
    selectinload(PatientRow.adverse_events).selectinload(AdverseEventRow.serious_criteria),
    selectinload(PatientRow.diary).selectinload(DiaryDayRow.answers),
)


_patients = cast(Table, PatientRow.__table__)
# The versioned UPDATE of every edit, built once with bound parameters: a Core statement on the
# table, not the ORM entity (whose bulk-update machinery was a tenth of an encounter write), and
# one object, so SQLAlchemy computes its cache key once instead of per edit (a third of what was left).
_CLAIM = (
    update(_patients)
    .where(
        _patients.c.pseudonym == bindparam("patient_id"),
        _patients.c.version == bindparam("expected"),
        _patients.c.deleted_at.is_(None),
    )
    .values(version=bindparam("next"), updated_at=bindparam("at"))
    .returning(_patients.c.id)
)


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """One line of the patient list: enough to choose a patient to open."""

    patient_id: str
    site: str
    sex: Sex
    birth: BirthDate | None
    conditions: tuple[str, ...]
    drugs: tuple[str, ...]
    observations: int
    version: int
    updated_at: datetime


class PatientRepository:
    """Stores and loads whole patient records within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # ----- reading ------------------------------------------------------

    def get(self, patient_id: str) -> PatientRecord:
        """The stored record; :class:`NotFoundError` if absent or deleted."""
        return record_from_row(self._row(patient_id, load_all=True))

    def version(self, patient_id: str) -> int:
        """The current version; a replace must name it to be accepted."""
        return self._row(patient_id).version

    def list(self, site: str | None = None) -> tuple[PatientSummary, ...]:
        """Visible (not deleted) patients, by site then id."""
        stmt = (
            select(PatientRow)
            .join(PatientRow.site)
            .where(PatientRow.deleted_at.is_(None))
            .options(selectinload(PatientRow.diagnoses), selectinload(PatientRow.medications))
            .order_by(SiteRow.code, PatientRow.pseudonym)
        )
        if site is not None:
            stmt = stmt.where(SiteRow.code == site)
        rows = self._session.scalars(stmt).all()
        counted = self._session.execute(
            select(ObservationRow.patient_id, func.count())
            .where(ObservationRow.patient_id.in_([r.id for r in rows]))
            .group_by(ObservationRow.patient_id)
        )
        counts: dict[int, int] = dict(counted.all())  # dict(result) would treat it as a mapping (it has keys())
        return tuple(
            PatientSummary(
                patient_id=r.pseudonym,
                site=r.site.code,
                sex=Sex(r.sex),
                birth=BirthDate(r.birth_year, r.birth_month, r.birth_day)
                if r.birth_year is not None and r.birth_month is not None
                else None,
                conditions=tuple(dict.fromkeys(d.condition for d in r.diagnoses)),
                drugs=tuple(dict.fromkeys(m.drug for m in r.medications)),
                observations=counts.get(r.id, 0),
                version=r.version,
                updated_at=utc(r.updated_at),
            )
            for r in rows
        )

    # ----- writing ------------------------------------------------------

    def save(self, record: PatientRecord, *, at: datetime, expected_version: int | None = None) -> int:
        """Store ``record`` and return its new version.

        Without ``expected_version`` the patient must be new (version 1);
        with it, the stored record is replaced only if it is still at that
        version. Either way a refusal is a :class:`ConflictError`.
        """
        if expected_version is None:
            return self._add(record, at)
        return self.replace(record, at=at, expected_version=expected_version)[0]

    def replace(
        self, record: PatientRecord, *, at: datetime, expected_version: int, before: PatientRecord | None = None
    ) -> tuple[int, PatientRecord]:
        """Replace the stored record if it is still at ``expected_version``; the new version and the
        record as it was (``before``, read here unless the caller has it).

        The patient row is claimed first (``UPDATE ... WHERE version = N``): that takes its
        write lock, so a writer that raced past the caller's version check waits here and is
        refused, and from then on the stored record is the one of version N. Only the parts
        that differ from ``before`` are written (:func:`~remit.persistence.changes.write_difference`).
        A caller passing ``before`` vouches that it is the record stored at ``expected_version``
        (versions are never reused, so a record read at that version is).
        """
        patient_id = record.patient.id
        row_id = self._claim(patient_id, expected_version, at)
        if before is None:
            before = self.get(patient_id)
        if record.patient.site != before.patient.site:
            site = self._site(record.patient.site)
            self._session.execute(update(PatientRow).where(PatientRow.id == row_id).values(site_id=site.id))
        try:
            write_difference(self._session, row_id, before, record)
        except IntegrityError as exc:
            raise ConflictError(
                f"patient {patient_id} could not be stored: it conflicts with stored data ({exc.orig})",
                field="patient.id",
            ) from exc
        return expected_version + 1, before

    def _claim(self, patient_id: str, expected_version: int, at: datetime) -> int:
        """Move the patient from ``expected_version`` to the next one; its row id. Refused
        (:class:`ConflictError`) when the stored version is another, whoever changed it."""
        claimed = self._session.execute(
            _CLAIM, {"patient_id": patient_id, "expected": expected_version, "next": expected_version + 1, "at": at}
        ).scalar_one_or_none()
        if claimed is not None:
            return int(claimed)
        stored = self._row(patient_id).version  # NotFoundError when it is gone
        raise ConflictError(
            f"patient {patient_id} changed since it was read (stored version {stored}, edit based on "
            f"version {expected_version}): it was changed by someone else; reload it and apply the edit again",
            field="version",
        )

    def delete(self, patient_id: str, *, at: datetime, expected_version: int | None = None) -> int:
        """Soft delete: hide the patient, keep the rows. Returns the final version."""
        row = self._row(patient_id)
        self._check_version(row, expected_version)
        row.deleted_at = at
        row.updated_at = at
        row.version += 1
        self._flush(patient_id)
        return row.version

    def _add(self, record: PatientRecord, at: datetime) -> int:
        patient_id = record.patient.id
        existing = self._session.scalars(select(PatientRow).where(PatientRow.pseudonym == patient_id)).one_or_none()
        if existing is not None:
            if existing.deleted_at is not None:
                raise ConflictError(
                    f"patient {patient_id} was deleted; its id is not reused, choose another", field="patient.id"
                )
            raise ConflictError(
                f"patient {patient_id} already exists (version {existing.version}); to change it, use "
                f"`remit replace FILE --version {existing.version}`",
                field="patient.id",
            )
        row = PatientRow(pseudonym=patient_id, version=1, created_at=at, updated_at=at)
        row.site = self._site(record.patient.site)
        fill_patient_row(row, record)
        self._session.add(row)
        self._flush(patient_id)
        return row.version

    def _check_version(self, row: PatientRow, expected: int | None) -> None:
        if expected is not None and row.version != expected:
            raise ConflictError(
                f"patient {row.pseudonym} changed since it was read (stored version {row.version}, "
                f"edit based on version {expected}); reload it and apply the edit again",
                field="version",
            )

    def _flush(self, patient_id: str) -> None:
        try:
            self._session.flush()
        except StaleDataError as exc:
            raise ConflictError(
                f"patient {patient_id} was changed by someone else while saving; reload it and try again",
                field="version",
            ) from exc
        except IntegrityError as exc:
            raise ConflictError(
                f"patient {patient_id} could not be stored: it conflicts with stored data ({exc.orig})",
                field="patient.id",
            ) from exc

    def _site(self, code: str) -> SiteRow:
        """The site row, created if missing. Two imports may meet a new site at the same
        moment; ``INSERT ... ON CONFLICT DO NOTHING`` lets the second wait for the first
        and use its row, where a plain INSERT would refuse the second patient."""
        site = self._session.scalars(select(SiteRow).where(SiteRow.code == code)).one_or_none()
        if site is None:
            self._session.execute(insert_ignoring_duplicates(self._session, SiteRow, code=code))
            site = self._session.scalars(select(SiteRow).where(SiteRow.code == code)).one()
        return site

    def _row(self, patient_id: str, *, load_all: bool = False) -> PatientRow:
        stmt: Select[PatientRow] = select(PatientRow).where(
            PatientRow.pseudonym == patient_id, PatientRow.deleted_at.is_(None)
        )
        if load_all:
            stmt = stmt.options(*LOAD_ALL)
        row = self._session.scalars(stmt).one_or_none()
        if row is None:
            raise NotFoundError(f"no patient {patient_id!r}; `remit patients` lists the stored ones")
        return row
