"""The relational schema: one table per kind of fact in a ``PatientRecord``.

These classes are rows, never domain objects: :mod:`remit.persistence.repositories`
translates them to and from the frozen types of :mod:`remit.core.record`, and no
row leaves this package. Values are stored *as entered* (text and unit) next to
their canonical interval, so SQL consumers can filter on numbers while loading
rebuilds every measurement from what the clinician typed.

Naming: ``id`` is a surrogate key; ``key`` is the record-local id the case file
gave (``o1``, ``dx1``); ``position`` keeps the order of lists the domain does not
sort itself (genotypes, codings, doses, attributes). Date columns avoid SQL
keywords (``start_date``, not ``start``) so hand-written SQL needs no quoting.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names, so Alembic can drop and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

_CASCADE = "all, delete-orphan"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        str: String(),  # unbounded: PostgreSQL and SQLite then accept the same data
        float: Double(),
        datetime: DateTime(timezone=True),
        date: Date(),
        time: Time(),
        dict[str, Any]: JSON(),
    }


def _patient_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)


class SiteRow(Base):
    """A participating centre; patients belong to exactly one."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str | None]


class PatientRow(Base):
    """One patient. ``version`` guards against lost updates (optimistic
    concurrency); ``deleted_at`` marks a soft delete, which hides the patient
    but keeps every row for the audit trail."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    sex: Mapped[str]
    birth_year: Mapped[int | None]
    birth_month: Mapped[int | None]
    birth_day: Mapped[int | None]
    ethnicity: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)
    follow_up_start: Mapped[date | None]
    follow_up_end: Mapped[date | None]
    version: Mapped[int] = mapped_column()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    site: Mapped[SiteRow] = relationship(lazy="joined")
    genotypes: Mapped[list[GenotypeRow]] = relationship(
        order_by="GenotypeRow.position", cascade=_CASCADE, passive_deletes=True
    )
    diagnoses: Mapped[list[DiagnosisRow]] = relationship(
        order_by="DiagnosisRow.position", cascade=_CASCADE, passive_deletes=True
    )
    encounters: Mapped[list[EncounterRow]] = relationship(
        order_by="EncounterRow.id", cascade=_CASCADE, passive_deletes=True
    )
    observations: Mapped[list[ObservationRow]] = relationship(
        order_by="ObservationRow.id", cascade=_CASCADE, passive_deletes=True
    )
    findings: Mapped[list[FindingRow]] = relationship(order_by="FindingRow.id", cascade=_CASCADE, passive_deletes=True)
    medications: Mapped[list[MedicationCourseRow]] = relationship(
        order_by="MedicationCourseRow.id", cascade=_CASCADE, passive_deletes=True
    )
    episodes: Mapped[list[EpisodeRow]] = relationship(order_by="EpisodeRow.id", cascade=_CASCADE, passive_deletes=True)
    adverse_events: Mapped[list[AdverseEventRow]] = relationship(
        order_by="AdverseEventRow.id", cascade=_CASCADE, passive_deletes=True
    )
    diary: Mapped[list[DiaryDayRow]] = relationship(
        order_by="DiaryDayRow.position", cascade=_CASCADE, passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class GenotypeRow(Base):
    __tablename__ = "genotypes"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    gene: Mapped[str]
    variant: Mapped[str]
    zygosity: Mapped[str]
    classification: Mapped[str]


class DiagnosisRow(Base):
    __tablename__ = "diagnoses"
    __table_args__ = (UniqueConstraint("patient_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    position: Mapped[int]
    key: Mapped[str]
    condition: Mapped[str] = mapped_column(index=True)
    onset_date: Mapped[date | None]
    status: Mapped[str]
    recorded_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)

    codings: Mapped[list[DiagnosisCodingRow]] = relationship(
        order_by="DiagnosisCodingRow.position", cascade=_CASCADE, passive_deletes=True
    )


class DiagnosisCodingRow(Base):
    __tablename__ = "diagnosis_codings"

    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("diagnoses.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    system: Mapped[str]
    code: Mapped[str]
    display: Mapped[str | None]


class EncounterRow(Base):
    """A visit or admission. Weight and height are kept as entered (with any
    reference range, canonical) plus their exact canonical value in kg and cm
    (NULL when censored or qualitative)."""

    __tablename__ = "encounters"
    __table_args__ = (UniqueConstraint("patient_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    key: Mapped[str]
    encounter_date: Mapped[date]
    kind: Mapped[str]
    schedule_month: Mapped[int | None]
    end_date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    weight_text: Mapped[str | None]
    weight_unit: Mapped[str | None]
    weight_kg: Mapped[float | None]
    weight_reference_low: Mapped[float | None]
    weight_reference_high: Mapped[float | None]
    weight_reference_source: Mapped[str | None]
    height_text: Mapped[str | None]
    height_unit: Mapped[str | None]
    height_cm: Mapped[float | None]
    height_reference_low: Mapped[float | None]
    height_reference_high: Mapped[float | None]
    height_reference_source: Mapped[str | None]


class ObservationRow(Base):
    """A lab value or vital sign.

    ``value_text``/``unit`` are what was entered; ``ucum`` .. ``high_closed`` are
    derived by :func:`remit.core.measurements.measure` and rewritten on every
    save. ``low``/``high`` are in the analyte's canonical unit, NULL for an
    unbounded end (``>2000`` has ``low = 2000``, ``low_closed = false``,
    ``high = NULL``). The reference range is stored canonical.
    """

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("patient_id", "key"),
        Index("ix_observations_analyte_observed_on", "analyte", "observed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    key: Mapped[str]
    analyte: Mapped[str]
    value_text: Mapped[str]
    unit: Mapped[str | None]
    ucum: Mapped[str | None]
    comparator: Mapped[str | None]
    number: Mapped[float | None]
    qualitative: Mapped[str | None]
    low: Mapped[float | None]
    high: Mapped[float | None]
    low_closed: Mapped[bool]
    high_closed: Mapped[bool]
    reference_low: Mapped[float | None]
    reference_high: Mapped[float | None]
    reference_source: Mapped[str | None]
    observed_on: Mapped[date]
    observed_time: Mapped[time | None]
    encounter_key: Mapped[str | None]
    source: Mapped[str | None] = mapped_column(Text)
    code_system: Mapped[str | None]
    code: Mapped[str | None]
    code_display: Mapped[str | None]


class FindingRow(Base):
    """A finding present or absent over a date range, with its optional value
    (kept as entered; canonical interval and reference range beside it, with
    the same conventions as :class:`ObservationRow`)."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("patient_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    key: Mapped[str]
    kind: Mapped[str] = mapped_column(index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    present: Mapped[bool]
    value_analyte: Mapped[str | None]
    value_text: Mapped[str | None]
    value_unit: Mapped[str | None]
    value_low: Mapped[float | None]
    value_high: Mapped[float | None]
    value_low_closed: Mapped[bool | None]
    value_high_closed: Mapped[bool | None]
    value_reference_low: Mapped[float | None]
    value_reference_high: Mapped[float | None]
    value_reference_source: Mapped[str | None]
    encounter_key: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)

    attributes: Mapped[list[FindingAttributeRow]] = relationship(
        order_by="FindingAttributeRow.position", cascade=_CASCADE, passive_deletes=True
    )


class FindingAttributeRow(Base):
    """A detail of a finding. ``value`` is text and ``value_type`` (text, integer,
    number, boolean) says how to read it back, so a value returns with its type
    and every digit. (A bare JSON number would not: SQLite gives a JSON column
    numeric affinity and reparses the number with its own float reader.)"""

    __tablename__ = "finding_attributes"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    value_type: Mapped[str]
    value: Mapped[str] = mapped_column(Text)


class MedicationCourseRow(Base):
    __tablename__ = "medication_courses"
    __table_args__ = (UniqueConstraint("patient_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    key: Mapped[str]
    drug: Mapped[str] = mapped_column(index=True)
    route: Mapped[str]
    start_date: Mapped[date]
    stop_date: Mapped[date | None]
    stop_reason: Mapped[str | None]
    switched_to: Mapped[str | None]
    indication: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)

    doses: Mapped[list[DoseRow]] = relationship(order_by="DoseRow.position", cascade=_CASCADE, passive_deletes=True)


class DoseRow(Base):
    """One dosing step; ``unit`` and ``text`` as entered (``mg/kg``, "2 mg/kg/d")."""

    __tablename__ = "doses"

    course_id: Mapped[int] = mapped_column(ForeignKey("medication_courses.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    start_date: Mapped[date]
    amount: Mapped[float]
    unit: Mapped[str]
    frequency: Mapped[str]
    text: Mapped[str | None] = mapped_column(Text)
    count: Mapped[int | None]


class EpisodeRow(Base):
    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("patient_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    key: Mapped[str]
    kind: Mapped[str]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    duration_hours: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(Text)

    features: Mapped[list[EpisodeFeatureRow]] = relationship(
        order_by="EpisodeFeatureRow.position", cascade=_CASCADE, passive_deletes=True
    )
    attributes: Mapped[list[EpisodeAttributeRow]] = relationship(
        order_by="EpisodeAttributeRow.position", cascade=_CASCADE, passive_deletes=True
    )


class EpisodeFeatureRow(Base):
    __tablename__ = "episode_features"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    feature: Mapped[str]


class EpisodeAttributeRow(Base):
    """A detail of an episode, stored like :class:`FindingAttributeRow`."""

    __tablename__ = "episode_attributes"

    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    value_type: Mapped[str]
    value: Mapped[str] = mapped_column(Text)


class AdverseEventRow(Base):
    __tablename__ = "adverse_events"
    __table_args__ = (UniqueConstraint("patient_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    key: Mapped[str]
    term: Mapped[str]
    onset_date: Mapped[date]
    end_date: Mapped[date | None]
    relatedness: Mapped[str]
    outcome: Mapped[str]
    drug: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)

    serious_criteria: Mapped[list[SeriousCriterionRow]] = relationship(
        order_by="SeriousCriterionRow.criterion", cascade=_CASCADE, passive_deletes=True
    )


class SeriousCriterionRow(Base):
    """One ICH E2A seriousness criterion met by an adverse event (a set: no order)."""

    __tablename__ = "adverse_event_serious_criteria"

    adverse_event_id: Mapped[int] = mapped_column(ForeignKey("adverse_events.id", ondelete="CASCADE"), primary_key=True)
    criterion: Mapped[str] = mapped_column(primary_key=True)


class DiaryDayRow(Base):
    __tablename__ = "diary_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = _patient_fk()
    position: Mapped[int]
    diary_date: Mapped[date]
    pain_relief: Mapped[bool | None]

    answers: Mapped[list[DiaryAnswerRow]] = relationship(
        order_by="DiaryAnswerRow.position", cascade=_CASCADE, passive_deletes=True
    )


class DiaryAnswerRow(Base):
    """One answered AIDAI item; unanswered items have no row."""

    __tablename__ = "diary_answers"

    diary_day_id: Mapped[int] = mapped_column(ForeignKey("diary_days.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str]
    answer: Mapped[bool]


class AuditRow(Base):
    """Append-only history of every change made through the services.

    ``form`` says what ``before``/``after`` hold: ``state``, the whole record in
    case-file form (NULL before a creation and after a deletion), or ``difference``,
    only the parts of a patient record an edit changed
    (:mod:`remit.casefiles.differences`); :class:`~remit.persistence.audit.AuditTrail`
    reads both as whole records, so any past state can be re-imported. The initial
    migration adds triggers that refuse UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str]
    action: Mapped[str]
    entity: Mapped[str]
    entity_id: Mapped[str]
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    form: Mapped[str] = mapped_column(String, server_default="state")
