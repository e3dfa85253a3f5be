"""Where remit's fields land in the OMOP CDM: one hand-built record, the rows
it must give (written out by hand from docs/interop.md, "Where everything
goes"), and importing without remit's side tables.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from remit.casefiles import load
from remit.core.measurements import measure, reference_range
from remit.core.medications import Dose, Frequency, MedicationCourse, Route, StopReason
from remit.core.record import (
    AdverseEvent,
    AdverseEventOutcome,
    BirthDate,
    Diagnosis,
    DiaryDay,
    Encounter,
    Episode,
    EpisodeKind,
    Finding,
    Genotype,
    GenotypeClass,
    Observation,
    Patient,
    PatientRecord,
    Relatedness,
    SeriousCriterion,
    Sex,
    Zygosity,
)
from remit.demo import case_files
from remit.interop.omop import Format, OmopRows, omop_rows, read_omop, source_for, write_tables
from remit.interop.omop.details import decode, encode
from remit.interop.report import Outcome

D = date(2021, 3, 1)


def day(n: int) -> date:
    return date(2021, 3, n)


RECORD = PatientRecord(
    patient=Patient(
        "p1",
        "site-a",
        Sex.FEMALE,
        BirthDate(2012, 6),
        (Genotype("MEFV", "M694V", Zygosity.HOMOZYGOUS, GenotypeClass.CONFIRMATORY),),
        note="moved from another centre",
    ),
    diagnoses=(Diagnosis("dx1", "fmf", None, recorded=day(5)),),
    encounters=(Encounter("e1", day(2), end=day(2), note="seen with her mother"),),
    observations=(
        Observation(
            "o1",
            measure("crp", "12", "mg/dL", reference=reference_range("crp", None, 5.0, "mg/L", source="assumed")),
            day(2),
            encounter="e1",
            source="referral letter",
        ),
    ),
    findings=(Finding("f1", "fever", day(3), attributes=(("max_temperature_c", 39.5),), note="at night"),),
    medications=(
        MedicationCourse(
            "m1",
            "methylprednisolone",
            Route.IV,
            day(4),
            (Dose(day(4), 30.0, "mg/kg", Frequency.DAILY, "30 mg/kg x3", 3),),
            stop=day(6),
            stop_reason=StopReason.COMPLETED,
            switched_to="anakinra",
            indication="fmf",
            note="pulse",
        ),
    ),
    episodes=(
        Episode(
            "ep1",
            EpisodeKind.FEVER_ATTACK,
            day(3),
            day(5),
            ("abdominal_pain", "chest_pain"),
            (("trigger", "cold"),),
            60.0,
            "typical attack",
        ),
    ),
    adverse_events=(
        AdverseEvent(
            "ae1",
            "injection site reaction",
            day(7),
            day(9),
            frozenset({SeriousCriterion.HOSPITALISATION, SeriousCriterion.DISABILITY}),
            Relatedness.PROBABLE,
            AdverseEventOutcome.RECOVERED,
            "anakinra",
            "reported by phone",
        ),
    ),
    diary=(DiaryDay(day(10), (("fever", True), ("chest_pain", False)), pain_relief=True), DiaryDay(day(11), ())),
)


@pytest.fixture(scope="module")
def rows() -> OmopRows:
    return omop_rows([RECORD])


def pick(rows: OmopRows, table: str, **match: Any) -> list[dict[str, Any]]:
    return [r for r in rows.tables[table] if all(r[k] == v for k, v in match.items())]


def details(rows: OmopRows, table: str, row_id: int) -> list[tuple[str, Any]]:
    found = pick(rows, "remit_source_detail", table_name=table, row_id=row_id)
    return [(d["name"], decode(d["value_type"], d["value"])) for d in sorted(found, key=lambda d: d["position"])]


def role(rows: OmopRows, table: str, row_id: int) -> str | None:
    (key,) = pick(rows, "remit_source_key", table_name=table, row_id=row_id)
    return key["role"]  # type: ignore[no-any-return]


def test_the_genotype_is_an_observation_on_the_first_day(rows: OmopRows) -> None:
    (row,) = pick(rows, "observation", observation_source_value="MEFV")
    assert (row["value_as_string"], row["qualifier_source_value"]) == ("M694V", "homozygous")
    assert (row["observation_concept_id"], row["observation_date"]) == (0, day(2))  # first fact: the visit
    assert details(rows, "observation", row["observation_id"]) == [("classification", "confirmatory")]
    assert role(rows, "observation", row["observation_id"]) == "genotype"


def test_the_episode_and_its_features_are_linked_by_episode_event(rows: OmopRows) -> None:
    (episode,) = rows.tables["episode"]
    assert (episode["episode_source_value"], episode["episode_start_date"], episode["episode_end_date"]) == (
        "fever_attack",
        day(3),
        day(5),
    )
    assert (episode["episode_concept_id"], episode["episode_object_concept_id"]) == (0, 0)
    assert episode["episode_type_concept_id"] == 32879
    events = [e["event_id"] for e in rows.tables["episode_event"]]
    features = [pick(rows, "observation", observation_id=event)[0] for event in events]
    assert [(f["observation_source_value"], f["value_as_string"], f["observation_date"]) for f in features] == [
        ("abdominal_pain", "present", day(3)),
        ("chest_pain", "present", day(3)),
    ]
    assert details(rows, "episode", episode["episode_id"]) == [("duration_hours", 60.0), ("attribute:trigger", "cold")]


def test_the_adverse_event_is_a_condition_with_its_own_type(rows: OmopRows) -> None:
    (row,) = pick(rows, "condition_occurrence", condition_source_value="injection site reaction")
    assert (row["condition_start_date"], row["condition_end_date"]) == (day(7), day(9))
    assert (row["condition_concept_id"], row["condition_type_concept_id"]) == (0, 0)  # no id in the reference
    assert role(rows, "condition_occurrence", row["condition_occurrence_id"]) == "adverse_event"
    assert details(rows, "condition_occurrence", row["condition_occurrence_id"]) == [
        ("serious", "disability"),
        ("serious", "hospitalisation"),
        ("relatedness", "probable"),
        ("outcome", "recovered"),
        ("drug", "anakinra"),
    ]


def test_a_diagnosis_without_onset_starts_on_its_recorded_day(rows: OmopRows) -> None:
    (row,) = pick(rows, "condition_occurrence", condition_source_value="fmf")
    assert row["condition_start_date"] == day(5)
    assert details(rows, "condition_occurrence", row["condition_occurrence_id"]) == [
        ("onset", None),
        ("recorded", day(5)),
        ("codings", []),  # none given, unlike the condition's own (ICD-10-CM M04.1 ...)
    ]


def test_diary_answers_are_observations(rows: OmopRows) -> None:
    diary = [r for r in rows.tables["observation"] if str(r["observation_source_value"]).startswith("aidai:")]
    assert [(r["observation_date"], r["observation_source_value"], r["value_as_string"]) for r in diary] == [
        (day(10), "aidai:fever", "yes"),
        (day(10), "aidai:chest_pain", "no"),
        (day(10), "aidai:pain_relief", "yes"),
        (day(11), "aidai:day", None),
    ]


def test_every_free_text_is_a_note_on_its_row(rows: OmopRows) -> None:
    notes = {n["note_text"]: n for n in rows.tables["note"]}
    assert set(notes) == {
        "moved from another centre",
        "seen with her mother",
        "referral letter",
        "at night",
        "pulse",
        "30 mg/kg x3",
        "typical attack",
        "reported by phone",
    }
    (crp,) = rows.tables["measurement"]
    letter = notes["referral letter"]
    assert (letter["note_event_id"], letter["note_source_value"], letter["note_title"]) == (
        crp["measurement_id"],
        "measurement.source",
        "source",
    )
    assert notes["30 mg/kg x3"]["note_source_value"] == "drug_exposure.text"
    assert notes["moved from another centre"]["note_event_id"] == rows.tables["person"][0]["person_id"]
    assert {n["note_type_concept_id"] for n in notes.values()} == {32879}


def test_the_course_keeps_stop_reason_in_its_column_and_the_rest_as_details(rows: OmopRows) -> None:
    (exposure,) = rows.tables["drug_exposure"]
    assert (exposure["stop_reason"], exposure["quantity"], exposure["sig"]) == ("completed", 30.0, "daily")
    assert details(rows, "drug_exposure", exposure["drug_exposure_id"]) == [
        ("indication", "fmf"),
        ("switched_to", "anakinra"),
        ("count", 3),
    ]


def test_an_assumed_reference_range_and_a_one_day_visit_are_details(rows: OmopRows) -> None:
    (crp,) = rows.tables["measurement"]
    assert (crp["range_low"], crp["range_high"]) == (None, 5.0)
    assert details(rows, "measurement", crp["measurement_id"]) == [("reference", [None, 5.0, "assumed"])]
    (visit,) = rows.tables["visit_occurrence"]
    assert details(rows, "visit_occurrence", visit["visit_occurrence_id"]) == [("end", day(2))]


def test_an_undeclared_follow_up_is_marked_derived(rows: OmopRows) -> None:
    (period,) = rows.tables["observation_period"]
    assert (period["observation_period_start_date"], period["observation_period_end_date"]) == (day(2), day(11))
    assert role(rows, "observation_period", period["observation_period_id"]) == "derived"


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_the_hand_built_record_comes_back_unchanged(tmp_path: Path, rows: OmopRows, fmt: Format) -> None:
    write_tables(rows.tables, tmp_path, fmt)
    imported = read_omop(source_for(str(tmp_path)))
    assert imported.records == (RECORD,)
    assert not imported.report.of(Outcome.SKIPPED)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (None, ("none", None)),
        (True, ("boolean", "true")),
        (3, ("integer", "3")),
        (0.1, ("number", "0.1")),
        (day(2), ("date", "2021-03-02")),
        ('x, "y"', ("text", 'x, "y"')),
        ([None, 5.0, "assumed"], ("json", '[null, 5.0, "assumed"]')),
    ],
    ids=["none", "boolean", "integer", "number", "date", "text", "json"],
)
def test_details_keep_their_type(value: Any, encoded: tuple[str, str | None]) -> None:
    assert encode(value) == encoded
    assert decode(*encoded) == value
    assert type(decode(*encoded)) is type(value)


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_an_empty_text_stays_empty_and_does_not_become_null(tmp_path: Path, fmt: Format) -> None:
    """CSV cannot tell NULL from "" unless the writer quotes: remit writes "" for an empty string."""
    record = PatientRecord(
        patient=Patient("p3", "site-a", Sex.MALE, BirthDate(2010, 1), ethnicity="", note=""),
        findings=(Finding("f1", "fever", D, attributes=(("trigger", ""), ("site", 'a, "b"'))),),
    )
    write_tables(omop_rows([record]).tables, tmp_path, fmt)
    assert read_omop(source_for(str(tmp_path))).records == (record,)


def test_a_patient_without_a_year_of_birth_is_left_out_and_listed() -> None:
    unborn = PatientRecord(patient=Patient("p2", "site-a"))
    out = omop_rows([RECORD, unborn])
    assert out.excluded == [("p2", "no year of birth (OMOP requires one)")]
    assert [p["person_source_value"] for p in out.tables["person"]] == ["p1"]


# ----- a CDM without remit's side tables ---------------------------------------------------


def test_without_the_side_tables_every_row_still_gets_one_line(tmp_path: Path) -> None:
    """What another system would hand over after copying remit's CDM tables only:
    nothing remit-only can be restored, but nothing disappears without a line."""
    records = [load(path) for path in case_files()] + [RECORD]
    rows = omop_rows(records)
    for side in ("remit_source_key", "remit_source_detail"):
        rows.tables[side] = []
    write_tables(rows.tables, tmp_path, Format.PARQUET)
    imported = read_omop(source_for(str(tmp_path)))
    assert len(imported.report) == sum(len(t) for t in rows.tables.values())
    reasons = {line.where: line.reason or "" for line in imported.report.of(Outcome.SKIPPED)}
    genotype = pick(rows, "observation", observation_source_value="MEFV", person_id=len(records))[0]
    assert "unknown code" in reasons[f"observation {genotype['observation_id']}"]
    for note in rows.tables["note"]:
        assert "free text not attached" in reasons[f"note {note['note_id']}"]
    for event in rows.tables["episode_event"]:
        assert "not an imported episode feature" in reasons[f"episode_event {event['episode_id']}:{event['event_id']}"]
    mine = {r.patient.id: r for r in imported.records}["p1"]
    assert [(e.kind, e.start, e.end) for e in mine.episodes] == [(EpisodeKind.FEVER_ATTACK, day(3), day(5))]
    assert mine.patient.genotypes == ()
