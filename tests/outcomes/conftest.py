"""The demo cohort, selected and derived once per test session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from remit.core.record import PatientRecord
from remit.demo import cohort_case_files
from remit.outcomes import CohortSelection, OutcomeParameters, PatientOutcomes, derive_all, get_cohort
from tests.demo.conftest import loaded

EXPECTED = Path(__file__).parents[1] / "demo" / "expected_outcomes.csv"


def expected_rows() -> list[dict[str, str]]:
    """tests/demo/expected_outcomes.csv: the independent design of every patient's outcome."""
    with EXPECTED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def cohort_records() -> list[PatientRecord]:
    return [loaded(path) for path in cohort_case_files()]


@pytest.fixture(scope="session")
def selection(cohort_records: list[PatientRecord]) -> CohortSelection:
    return get_cohort("anakinra-2021").select(cohort_records)


@pytest.fixture(scope="session")
def derived(selection: CohortSelection) -> dict[str, PatientOutcomes]:
    return {o.patient_id: o for o in derive_all(selection, OutcomeParameters())}
