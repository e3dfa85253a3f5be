"""Every shipped demo case file loads, and the seed patients keep the papers' values as printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from remit.core.intervals import Interval
from remit.core.record import PatientRecord
from remit.demo import case_files, cohort_case_files, seed_case_files
from tests.demo.conftest import loaded

SEEDS = ("000_hip_coxitis_girl", "001_sojra_boy_1", "001_sojra_boy_2", "003_mas_patient_1", "003_mas_patient_2")


def test_case_files_lists_every_shipped_file_sorted() -> None:
    found = case_files()
    assert found == sorted(found)
    assert len(found) == 38
    assert [p.stem for p in seed_case_files()] == list(SEEDS)
    assert len(cohort_case_files()) == 33
    assert set(found) == set(seed_case_files()) | set(cohort_case_files())
    assert all(p.is_file() and p.suffix == ".yaml" for p in found)


@pytest.mark.parametrize("path", case_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_case_file_loads(path: Path) -> None:
    record = loaded(path)
    assert record.patient.id
    assert record.courses_of("anakinra"), "every demo patient received anakinra"


def test_patient_ids_are_unique() -> None:
    ids = [loaded(p).patient.id for p in case_files()]
    assert len(set(ids)) == len(ids) == 38


def observation(record: PatientRecord, observation_id: str) -> tuple[str, str | None, Interval]:
    (found,) = [o for o in record.observations if o.id == observation_id]
    return found.measurement.text, found.measurement.unit, found.measurement.interval


def test_seed_001_boy_1_keeps_the_printed_values(seeds: dict[str, PatientRecord]) -> None:
    boy = seeds["001_sojra_boy_1"]
    assert observation(boy, "o-crp-1")[:2] == ("36", "mg/dl")
    assert observation(boy, "o-crp-1")[2] == Interval.point(360)  # mg/L
    assert observation(boy, "o-wbc-1")[:2] == ("22000", "/mm3")
    assert observation(boy, "o-ferritin-21")[:2] == ("26846", "ng/mL")
    # printed "4 x 10^3/ml" is impossible; read as x10^3/uL, i.e. 4 x10^9/L
    assert observation(boy, "o-plt-21")[2] == Interval.point(4)
    (hot,) = [f for f in boy.findings if f.id == "f-fever-2"]
    assert hot.value is not None
    assert hot.value.text == "104"
    assert hot.value.interval == Interval.point(40)
    (course,) = boy.courses_of("anakinra")
    assert (course.start - date(2002, 3, 1)).days + 1 == 67  # "67th day of illness" (day_zero = day 1)
    assert (course.doses[0].amount, course.doses[0].unit) == (100, "mg")


def test_seed_001_boy_2_active_joints_22_to_0_in_three_weeks(seeds: dict[str, PatientRecord]) -> None:
    boy = seeds["001_sojra_boy_2"]
    counts = [(o.date, o.measurement.value) for o in boy.values("active_joint_count")]
    (course,) = boy.courses_of("anakinra")
    assert [value for _, value in counts] == [22, 0]
    assert [(day - course.start).days for day, _ in counts] == [0, 21]


def test_seed_003_thrombocytopenia_proves_the_2005_platelet_threshold_but_transaminases_do_not(
    seeds: dict[str, PatientRecord],
) -> None:
    patient = seeds["003_mas_patient_1"]
    platelets = observation(patient, "o-plt-mas")[2]
    assert platelets.high <= 262  # "low" against an assumed lower limit of 150 x10^9/L
    ast = observation(patient, "o-ast-mas")[2]
    assert ast.low == 40
    assert ast.high == float("inf")


def test_seed_003_marrow_findings(seeds: dict[str, PatientRecord]) -> None:
    (first,) = seeds["003_mas_patient_1"].findings_of("haemophagocytosis")
    (second,) = seeds["003_mas_patient_2"].findings_of("haemophagocytosis")
    assert (first.present, second.present) == (False, True)


def test_seed_000_anakinra_dose_is_2_to_2_5_mg_per_kg_from_2011(seeds: dict[str, PatientRecord]) -> None:
    girl = seeds["000_hip_coxitis_girl"]
    (course,) = girl.courses_of("anakinra")
    step = course.doses[-1]
    assert (step.amount, step.unit, step.start.year) == (100, "mg", 2011)
    for weight in girl.values("weight", start=step.start):
        assert weight.measurement.value is not None
        assert 2.0 <= 100 / weight.measurement.value <= 2.5
