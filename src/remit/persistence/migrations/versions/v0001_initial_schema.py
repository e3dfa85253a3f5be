"""Initial schema: sites, patients and every fact of a patient record, plus
the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])

    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("code", name=op.f("uq_sites_code")),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_month", sa.Integer(), nullable=True),
        sa.Column("birth_day", sa.Integer(), nullable=True),
        sa.Column("ethnicity", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("follow_up_start", sa.Date(), nullable=True),
        sa.Column("follow_up_end", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_patients_site_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_patients_pseudonym")),
    )
    op.create_index(op.f("ix_patients_site_id"), "patients", ["site_id"])

    op.create_table(
        "adverse_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("relatedness", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("drug", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_adverse_events_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_events")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_adverse_events_patient_id_key")),
    )
    op.create_index(op.f("ix_adverse_events_patient_id"), "adverse_events", ["patient_id"])

    op.create_table(
        "diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("condition", sa.String(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_diagnoses_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnoses")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_diagnoses_patient_id_key")),
    )
    op.create_index(op.f("ix_diagnoses_condition"), "diagnoses", ["condition"])
    op.create_index(op.f("ix_diagnoses_patient_id"), "diagnoses", ["patient_id"])

    op.create_table(
        "diary_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("diary_date", sa.Date(), nullable=False),
        sa.Column("pain_relief", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_diary_days_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diary_days")),
    )
    op.create_index(op.f("ix_diary_days_patient_id"), "diary_days", ["patient_id"])

    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("encounter_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("schedule_month", sa.Integer(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("weight_text", sa.String(), nullable=True),
        sa.Column("weight_unit", sa.String(), nullable=True),
        sa.Column("weight_kg", sa.Double(), nullable=True),
        sa.Column("weight_reference_low", sa.Double(), nullable=True),
        sa.Column("weight_reference_high", sa.Double(), nullable=True),
        sa.Column("weight_reference_source", sa.String(), nullable=True),
        sa.Column("height_text", sa.String(), nullable=True),
        sa.Column("height_unit", sa.String(), nullable=True),
        sa.Column("height_cm", sa.Double(), nullable=True),
        sa.Column("height_reference_low", sa.Double(), nullable=True),
        sa.Column("height_reference_high", sa.Double(), nullable=True),
        sa.Column("height_reference_source", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_encounters_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_encounters_patient_id_key")),
    )
    op.create_index(op.f("ix_encounters_patient_id"), "encounters", ["patient_id"])

    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("duration_hours", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_episodes_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_episodes_patient_id_key")),
    )
    op.create_index(op.f("ix_episodes_patient_id"), "episodes", ["patient_id"])

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("value_analyte", sa.String(), nullable=True),
        sa.Column("value_text", sa.String(), nullable=True),
        sa.Column("value_unit", sa.String(), nullable=True),
        sa.Column("value_low", sa.Double(), nullable=True),
        sa.Column("value_high", sa.Double(), nullable=True),
        sa.Column("value_low_closed", sa.Boolean(), nullable=True),
        sa.Column("value_high_closed", sa.Boolean(), nullable=True),
        sa.Column("value_reference_low", sa.Double(), nullable=True),
        sa.Column("value_reference_high", sa.Double(), nullable=True),
        sa.Column("value_reference_source", sa.String(), nullable=True),
        sa.Column("encounter_key", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_findings_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_findings_patient_id_key")),
    )
    op.create_index(op.f("ix_findings_kind"), "findings", ["kind"])
    op.create_index(op.f("ix_findings_patient_id"), "findings", ["patient_id"])

    op.create_table(
        "genotypes",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("gene", sa.String(), nullable=False),
        sa.Column("variant", sa.String(), nullable=False),
        sa.Column("zygosity", sa.String(), nullable=False),
        sa.Column("classification", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_genotypes_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("patient_id", "position", name=op.f("pk_genotypes")),
    )
    op.create_table(
        "medication_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("drug", sa.String(), nullable=False),
        sa.Column("route", sa.String(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("stop_date", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(), nullable=True),
        sa.Column("switched_to", sa.String(), nullable=True),
        sa.Column("indication", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_medication_courses_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_courses")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_medication_courses_patient_id_key")),
    )
    op.create_index(op.f("ix_medication_courses_drug"), "medication_courses", ["drug"])
    op.create_index(op.f("ix_medication_courses_patient_id"), "medication_courses", ["patient_id"])

    op.create_table(
        "observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("analyte", sa.String(), nullable=False),
        sa.Column("value_text", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("ucum", sa.String(), nullable=True),
        sa.Column("comparator", sa.String(), nullable=True),
        sa.Column("number", sa.Double(), nullable=True),
        sa.Column("qualitative", sa.String(), nullable=True),
        sa.Column("low", sa.Double(), nullable=True),
        sa.Column("high", sa.Double(), nullable=True),
        sa.Column("low_closed", sa.Boolean(), nullable=False),
        sa.Column("high_closed", sa.Boolean(), nullable=False),
        sa.Column("reference_low", sa.Double(), nullable=True),
        sa.Column("reference_high", sa.Double(), nullable=True),
        sa.Column("reference_source", sa.String(), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("observed_time", sa.Time(), nullable=True),
        sa.Column("encounter_key", sa.String(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("code_system", sa.String(), nullable=True),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("code_display", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_observations_patient_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observations")),
        sa.UniqueConstraint("patient_id", "key", name=op.f("uq_observations_patient_id_key")),
    )
    op.create_index("ix_observations_analyte_observed_on", "observations", ["analyte", "observed_on"])
    op.create_index(op.f("ix_observations_patient_id"), "observations", ["patient_id"])

    op.create_table(
        "adverse_event_serious_criteria",
        sa.Column("adverse_event_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["adverse_event_id"],
            ["adverse_events.id"],
            name=op.f("fk_adverse_event_serious_criteria_adverse_event_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("adverse_event_id", "criterion", name=op.f("pk_adverse_event_serious_criteria")),
    )
    op.create_table(
        "diagnosis_codings",
        sa.Column("diagnosis_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("display", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["diagnosis_id"], ["diagnoses.id"], name=op.f("fk_diagnosis_codings_diagnosis_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("diagnosis_id", "position", name=op.f("pk_diagnosis_codings")),
    )
    op.create_table(
        "diary_answers",
        sa.Column("diary_day_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(), nullable=False),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["diary_day_id"], ["diary_days.id"], name=op.f("fk_diary_answers_diary_day_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("diary_day_id", "position", name=op.f("pk_diary_answers")),
    )
    op.create_table(
        "doses",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("frequency", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["medication_courses.id"], name=op.f("fk_doses_course_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("course_id", "position", name=op.f("pk_doses")),
    )
    op.create_table(
        "episode_attributes",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value_type", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_episode_attributes_episode_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("episode_id", "position", name=op.f("pk_episode_attributes")),
    )
    op.create_table(
        "episode_features",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("feature", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_episode_features_episode_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("episode_id", "position", name=op.f("pk_episode_features")),
    )
    op.create_table(
        "finding_attributes",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value_type", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"], ["findings.id"], name=op.f("fk_finding_attributes_finding_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("finding_id", "position", name=op.f("pk_finding_attributes")),
    )
    _protect_audit_log()


def downgrade() -> None:
    _unprotect_audit_log()
    op.drop_table("finding_attributes")
    op.drop_table("episode_features")
    op.drop_table("episode_attributes")
    op.drop_table("doses")
    op.drop_table("diary_answers")
    op.drop_table("diagnosis_codings")
    op.drop_table("adverse_event_serious_criteria")
    op.drop_index(op.f("ix_observations_patient_id"), table_name="observations")
    op.drop_index("ix_observations_analyte_observed_on", table_name="observations")

    op.drop_table("observations")
    op.drop_index(op.f("ix_medication_courses_patient_id"), table_name="medication_courses")
    op.drop_index(op.f("ix_medication_courses_drug"), table_name="medication_courses")

    op.drop_table("medication_courses")
    op.drop_table("genotypes")
    op.drop_index(op.f("ix_findings_patient_id"), table_name="findings")
    op.drop_index(op.f("ix_findings_kind"), table_name="findings")

    op.drop_table("findings")
    op.drop_index(op.f("ix_episodes_patient_id"), table_name="episodes")

    op.drop_table("episodes")
    op.drop_index(op.f("ix_encounters_patient_id"), table_name="encounters")

    op.drop_table("encounters")
    op.drop_index(op.f("ix_diary_days_patient_id"), table_name="diary_days")

    op.drop_table("diary_days")
    op.drop_index(op.f("ix_diagnoses_patient_id"), table_name="diagnoses")
    op.drop_index(op.f("ix_diagnoses_condition"), table_name="diagnoses")

    op.drop_table("diagnoses")
    op.drop_index(op.f("ix_adverse_events_patient_id"), table_name="adverse_events")

    op.drop_table("adverse_events")
    op.drop_index(op.f("ix_patients_site_id"), table_name="patients")

    op.drop_table("patients")
    op.drop_table("sites")
    op.drop_index("ix_audit_log_entity_entity_id", table_name="audit_log")

    op.drop_table("audit_log")


# The audit log is append-only in the database itself, not only by convention:
# an UPDATE or DELETE aborts. (TRUNCATE and DROP remain with the owner; they are
# administrative acts outside the application.)
_APPEND_ONLY = "audit_log is append-only: rows cannot be changed or deleted"


def _protect_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


def _unprotect_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER audit_log_no_{event}")
