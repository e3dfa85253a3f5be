"""Reading case files: the documented example and the conveniences of the format."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from remit.casefiles import load, parse
from remit.core.codes import ICD10CM, SNOMED
from remit.core.intervals import Op
from remit.core.measurements import Qualitative
from remit.core.medications import Route
from remit.core.record import (
    EpisodeKind,
    PatientRecord,
    Sex,
)
from remit.core.truth import Truth

EXAMPLE = Path(__file__).parents[2] / "docs" / "case-file-example.yaml"


@pytest.fixture(scope="module")
def example() -> PatientRecord:
    return load(EXAMPLE)


def minimal(**sections: Any) -> dict[str, Any]:
    return {"format": "remit-case/1", "patient": {"id": "p1", "site": "site-a"}, **sections}


def test_example_patient(example: PatientRecord) -> None:
    patient = example.patient
    assert (patient.id, patient.site, patient.sex) == ("seed-001-p1", "demo-site-a", Sex.MALE)
    assert patient.birth is not None
    assert (patient.birth.year, patient.birth.month, patient.birth.day) == (1989, 9, None)
    assert patient.genotypes[0].gene == "MEFV"


def test_day_n_counts_day_zero_as_day_1(example: PatientRecord) -> None:
    # day_zero 2002-03-01: day 8 is a week later, day 540 is 539 days later.
    assert example.follow_up == (date(2002, 3, 1), date(2003, 8, 22))
    wbc = example.values("wbc")[0]
    assert wbc.date == date(2002, 3, 8)
    assert example.encounters[0].end == date(2002, 3, 14)


def test_values_are_converted_to_the_canonical_unit(example: PatientRecord) -> None:
    wbc = example.values("wbc")[0].measurement
    assert (wbc.text, wbc.unit, wbc.value) == ("22000", "/mm3", 22.0)  # 22000/mm3 = 22 x10^9/L
    crp = example.values("crp")[0].measurement
    assert crp.value == 360.0  # 36 mg/dL = 360 mg/L
    haemoglobin = example.values("haemoglobin")[0].measurement
    assert haemoglobin.value == 134.0  # 13.4 g/dL = 134 g/L


def test_censored_ferritin_keeps_its_sign(example: PatientRecord) -> None:
    ferritin = example.values("ferritin")[0].measurement
    assert ferritin.comparator is Op.GT
    assert ferritin.interval.compare(Op.GT, 684) is Truth.TRUE
    assert ferritin.interval.compare(Op.GE, 3910) is Truth.UNKNOWN


def test_qualitative_low_platelets_use_the_reference_range(example: PatientRecord) -> None:
    platelets = example.values("platelets")[0]
    assert platelets.measurement.qualitative is Qualitative.LOW
    assert platelets.measurement.reference is not None
    assert platelets.measurement.reference.source == "assumed"
    assert (platelets.measurement.interval.low, platelets.measurement.interval.high) == (-math.inf, 150)
    assert platelets.measurement.interval.compare(Op.LE, 181) is Truth.TRUE
    assert platelets.source == "abstract: 'thrombocytopenia'"


def test_default_codings_follow_the_entered_ones(example: PatientRecord) -> None:
    codings = [(c.system, c.code) for c in example.diagnoses[0].codings]
    assert codings == [(ICD10CM, "M08.29"), (ICD10CM, "M08.2"), (SNOMED, "201796004")]


def test_fever_carries_its_temperature_and_attributes(example: PatientRecord) -> None:
    fever = example.findings_of("fever")[0]
    assert fever.value is not None
    assert (fever.value.analyte, fever.value.value) == ("temperature", 38.9)
    assert fever.attribute("pattern") == "quotidian"
    assert example.findings_of("uveitis")[0].present is False


def test_medications_and_dose_steps(example: PatientRecord) -> None:
    (anakinra,) = example.courses_of("anakinra")
    assert anakinra.route is Route.SC
    assert anakinra.stop is None
    step = anakinra.dose_on(date(2002, 7, 1))
    assert step is not None
    assert (step.amount, step.unit, step.text) == (2, "mg/kg", "2 mg/kg/d")
    (pulse,) = example.courses_of("methylprednisolone")
    assert pulse.doses[0].count == 3


def test_episodes_adverse_events_and_diary(example: PatientRecord) -> None:
    (attack,) = example.episodes_of(EpisodeKind.FEVER_ATTACK)
    assert attack.features == ("abdominal_pain", "chest_pain")
    assert attack.attribute("max_temperature_c") == 38.7
    assert attack.duration_hours == 48
    event = example.adverse_events[0]
    assert event.serious is False
    assert event.drug == "anakinra"
    day = example.diary[0]
    assert day.items == (("fever", True), ("abdominal_pain", True), ("arthralgia_myalgia", False))
    assert day.pain_relief is True
    assert day.answer("headaches") is None


def test_json_and_yaml_read_the_same(tmp_path: Path) -> None:
    yaml_path = tmp_path / "case.yml"
    yaml_path.write_text(
        "format: remit-case/1\npatient: {id: p1, site: s}\n"
        "observations:\n  - {id: o1, analyte: crp, value: '<0.5', unit: mg/dl, date: 2020-01-02}\n",
        encoding="utf-8",
    )
    json_path = tmp_path / "case.json"
    json_path.write_text(
        '{"format": "remit-case/1", "patient": {"id": "p1", "site": "s"}, "observations": '
        '[{"id": "o1", "analyte": "crp", "value": "<0.5", "unit": "mg/dl", "date": "2020-01-02"}]}',
        encoding="utf-8",
    )
    assert load(yaml_path) == load(json_path)
    assert load(json_path).observations[0].measurement.interval.high == 5.0  # <0.5 mg/dL = <5 mg/L


def test_unquoted_yaml_numbers_and_codes_become_text() -> None:
    record = parse(
        minimal(
            diagnoses=[{"id": "d1", "condition": "sjia", "codings": [{"system": "SNOMED", "code": 201796004}]}],
            observations=[{"id": "o1", "analyte": "haemoglobin", "value": 13.4, "unit": "g/dL", "date": "2020-01-02"}],
        ),
        source="t",
    )
    assert record.observations[0].measurement.text == "13.4"
    assert record.diagnoses[0].codings[0].code == "201796004"
    assert len(record.diagnoses[0].codings) == 2  # the entered SNOMED code is not added twice


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("day 1", date(2020, 5, 10)),
        ("Day 3", date(2020, 5, 12)),
        ("day 0", date(2020, 5, 9)),
        ("day -6", date(2020, 5, 3)),
        ("2020-05-01", date(2020, 5, 1)),
    ],
    ids=["day-1-is-day-zero", "capitalised", "day-0-is-the-day-before", "negative", "iso"],
)
def test_day_n_arithmetic(written: str, expected: date) -> None:
    record = parse(
        minimal(day_zero="2020-05-10", findings=[{"id": "f1", "kind": "fever", "start": written}]), source="t"
    )
    assert record.findings[0].start == expected


def test_drug_ids_and_enum_values_are_case_insensitive() -> None:
    record = parse(
        minimal(
            patient={"id": "p1", "site": "s", "sex": "Female"},
            medications=[{"id": "m1", "drug": "Anakinra", "route": "Subcutaneous", "start": "2020-01-01"}],
        ),
        source="t",
    )
    assert record.patient.sex is Sex.FEMALE
    assert record.medications[0].drug == "anakinra"


def test_analyte_may_be_given_by_loinc_code() -> None:
    record = parse(
        minimal(observations=[{"id": "o1", "analyte": "2276-4", "value": "500", "unit": "ug/L", "date": "2020-01-01"}]),
        source="t",
    )
    assert record.observations[0].analyte == "ferritin"


def test_encounter_weight_is_an_observation_of_the_record() -> None:
    record = parse(
        minimal(
            encounters=[
                {"id": "e1", "date": "2020-01-01", "kind": "baseline", "weight": {"value": "18.5", "unit": "kg"}}
            ]
        ),
        source="t",
    )
    weight = record.weight_on(date(2020, 1, 3))
    assert weight is not None
    assert weight.measurement.value == 18.5


def test_empty_sections_read_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "format: remit-case/1\npatient: {id: p1, site: s}\ndiagnoses:\nobservations:\n"
        "findings:\n  - {id: f1, kind: fever, start: 2020-01-01, attributes: }\n",
        encoding="utf-8",
    )
    record = load(path)
    assert (record.diagnoses, record.observations, record.findings[0].attributes) == ((), (), ())
