"""The shipped demo case files, loaded once per test session through the public reader."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from remit import casefiles
from remit.core.record import PatientRecord
from remit.demo import cohort_case_files, seed_case_files

HERE = Path(__file__).parent


@functools.cache
def loaded(path: Path) -> PatientRecord:
    """``casefiles.load(path)``, once per path per session (the cohort takes seconds to read)."""
    return casefiles.load(path)


@pytest.fixture(scope="session")
def seeds() -> dict[str, PatientRecord]:
    """Seed patients by file stem (``001_sojra_boy_1`` ...)."""
    return {path.stem: loaded(path) for path in seed_case_files()}


@pytest.fixture(scope="session")
def cohort() -> dict[str, PatientRecord]:
    """Cohort patients by patient id (``c21-01`` ...)."""
    records = [loaded(path) for path in cohort_case_files()]
    return {record.patient.id: record for record in records}
