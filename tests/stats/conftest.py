"""The demo cohort's report, built once per test session (without course figures)."""

from __future__ import annotations

import pytest

from remit.core.record import PatientRecord
from remit.demo import cohort_case_files, seed_case_files
from remit.outcomes import get_cohort
from remit.stats.report import Report, build_report
from tests.demo.conftest import loaded


@pytest.fixture(scope="session")
def cohort_records() -> list[PatientRecord]:
    return [loaded(path) for path in cohort_case_files()]


@pytest.fixture(scope="session")
def seeds() -> dict[str, PatientRecord]:
    return {path.stem: loaded(path) for path in seed_case_files()}


@pytest.fixture(scope="session")
def report(cohort_records: list[PatientRecord]) -> Report:
    return build_report(cohort_records, get_cohort("anakinra-2021"), course_figures="none")
