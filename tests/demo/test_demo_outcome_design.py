"""The raw cohort data satisfy the outcome design of docs/demo-data.md.

This is a consistency test of the *data*, not of remit's outcome code: the rules
are re-implemented in plain Python over the loaded records
(:mod:`tests.demo.outcome_rules`), as simply as they are written in
docs/demo-data.md, and must reproduce the designed outcome of every patient
(tests/demo/expected_outcomes.csv) and the counts of the paper's Tables 4 and 5.
Nothing here imports the generator.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import timedelta

import pytest

from remit.core.medications import MedicationCourse, StopReason
from remit.core.record import (
    PatientRecord,
)
from tests.demo.conftest import HERE
from tests.demo.outcome_rules import anakinra, assessments, is_sjia, outcome, switched_by, time_point


def expected() -> list[dict[str, str]]:
    with (HERE / "expected_outcomes.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ----- the checks -------------------------------------------------------------


@pytest.mark.parametrize("row", expected(), ids=lambda row: f"{row['patient_id']}-{row['role']}")
def test_raw_data_give_the_designed_outcome(cohort: dict[str, PatientRecord], row: dict[str, str]) -> None:
    record = cohort[row["patient_id"]]
    assert record.has_condition(row["diagnosis"])
    for month in (3, 12):
        response, remission = outcome(record, month)
        assert (response, remission) == (row[f"response_month_{month}"], row[f"remission_month_{month}"]), month
        when, _ = time_point(record, month)
        assert anakinra(record).active_on(when) == (row[f"on_anakinra_month_{month}"] == "yes"), month
    course = anakinra(record)
    assert (course.switched_to or "") == row["switched_to"]
    assert (course.stop_reason.value if course.switched_to and course.stop_reason else "") == row["switch_reason"]
    if course.switched_to is not None:
        assert course.stop is not None
        assert str((course.stop - course.start).days) == row["switch_day"]
        successor = record.courses_of(course.switched_to)
        assert [c.start for c in successor] == [course.stop + timedelta(days=1)], "a new course of the target drug"


def test_every_switch_for_inefficacy_has_a_full_assessment_a_few_days_before(cohort: dict[str, PatientRecord]) -> None:
    for record in cohort.values():
        course = anakinra(record)
        if course.stop_reason is StopReason.INEFFICACY:
            assert course.stop is not None
            last = max(d for d in assessments(record) if d <= course.stop)
            assert 1 <= (course.stop - last).days <= 7, record.patient.id


def test_table_4_counts_at_month_3_and_month_12(cohort: dict[str, PatientRecord]) -> None:
    for month, wanted in (
        (3, {("complete", "on"): 21, ("complete", "off"): 2, ("partial", ""): 8, ("non", ""): 2}),
        (12, {("complete", "on"): 15, ("complete", "off"): 6, ("partial", ""): 10, ("non", ""): 2}),
    ):
        assert Counter(outcome(r, month) for r in cohort.values()) == wanted, month


def test_table_4_switches(cohort: dict[str, PatientRecord]) -> None:
    by_3 = [c for r in cohort.values() if (c := switched_by(r, 3)) is not None]
    by_12 = [c for r in cohort.values() if (c := switched_by(r, 12)) is not None]
    assert Counter(c.switched_to for c in by_3) == {"canakinumab": 4, "tocilizumab": 2}
    assert Counter(c.switched_to for c in by_12) == {"canakinumab": 12, "tocilizumab": 5}
    inefficacy = StopReason.INEFFICACY
    assert sum(c.stop_reason is inefficacy for c in by_3) == 2
    assert sum(c.stop_reason is not inefficacy for c in by_3) == 4
    assert sum(c.stop_reason is inefficacy for c in by_12) == 12
    assert Counter(c.stop_reason for c in by_12 if c.stop_reason is not inefficacy) == {
        StopReason.ADVERSE_EVENT: 2,
        StopReason.INJECTION_DIFFICULTY: 3,
    }
    # "to canakinumab ... in one patient from remission on medication group and in three from the partial group"
    early_canakinumab = [r for r in cohort.values() if (c := switched_by(r, 3)) and c.switched_to == "canakinumab"]
    assert Counter(outcome(r, 3) for r in early_canakinumab) == {("complete", "on"): 1, ("partial", ""): 3}
    assert all(c.switched_to == "canakinumab" for c in by_12 if not is_sjia(_record_of(cohort, c)))


def _record_of(cohort: dict[str, PatientRecord], course: MedicationCourse) -> PatientRecord:
    return next(r for r in cohort.values() if course in r.medications)


TABLE_5 = {  # at 12 months: on, off, partial, non, switched (the reading of the garbled table in docs/demo-data.md)
    "sjia": (3, 4, 2, 2, 5),
    "fmf": (2, 2, 1, 0, 2),
    "mkd": (2, 0, 4, 0, 4),
    "caps": (4, 0, 1, 0, 4),
    "recurrent_pericarditis": (3, 0, 1, 0, 1),
    "naps12": (1, 0, 0, 0, 0),
    "unclassified_said": (0, 0, 1, 0, 1),
}


@pytest.mark.parametrize("condition", list(TABLE_5), ids=list(TABLE_5))
def test_table_5_per_diagnosis_at_month_12(cohort: dict[str, PatientRecord], condition: str) -> None:
    records = [r for r in cohort.values() if r.has_condition(condition)]
    outcomes = Counter(outcome(r, 12) for r in records)
    switched = sum(switched_by(r, 12) is not None for r in records)
    got = (
        outcomes[("complete", "on")],
        outcomes[("complete", "off")],
        outcomes[("partial", "")],
        outcomes[("non", "")],
        switched,
    )
    assert got == TABLE_5[condition]


def test_table_5_sums_to_table_4() -> None:
    totals = [sum(column) for column in zip(*TABLE_5.values(), strict=True)]
    assert totals == [15, 6, 10, 2, 17]
