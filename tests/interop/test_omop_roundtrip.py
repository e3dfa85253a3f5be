"""OMOP export then import gives back the very record, in every format.

Random records from ``tests/strategies.py`` (every section, optional fields
present or absent, free text with punctuation and any script) and the whole
demo registry must come back equal - not "equal in what OMOP can hold" - and
every row of every table, side tables included, must get exactly one report
line with nothing skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from remit.casefiles import load
from remit.core.record import PatientRecord
from remit.demo import case_files, cohort_case_files, seed_case_files
from remit.interop.omop import Format, omop_rows, read_omop, source_for, write_tables
from remit.interop.report import Outcome
from tests.strategies import patient_records

_SLOW_OK = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trip(records: list[PatientRecord], directory: Path, fmt: Format) -> tuple[PatientRecord, ...]:
    rows = omop_rows(records)
    assert rows.excluded == []
    write_tables(rows.tables, directory, fmt)
    imported = read_omop(source_for(str(directory)))
    skipped = imported.report.of(Outcome.SKIPPED)
    assert not skipped, [line.describe() for line in skipped]
    assert len(imported.report) == sum(len(table) for table in rows.tables.values())
    return imported.records


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
@_SLOW_OK
@given(record=patient_records().filter(lambda r: r.patient.birth is not None))  # else excluded: test_omop_mapping
def test_any_record_comes_back_unchanged(
    tmp_path_factory: pytest.TempPathFactory, fmt: Format, record: PatientRecord
) -> None:
    directory = tmp_path_factory.mktemp("omop")
    assert round_trip([record], directory, fmt) == (record,)


def test_the_demo_registry_is_the_seed_patients_and_the_cohort() -> None:
    assert (len(seed_case_files()), len(cohort_case_files())) == (5, 33)
    assert case_files() == sorted(seed_case_files() + cohort_case_files())


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_the_demo_registry_comes_back_unchanged_in_every_format(tmp_path: Path, fmt: Format) -> None:
    records = [load(path) for path in case_files()]
    found = {r.patient.id: r for r in round_trip(records, tmp_path, fmt)}
    assert found == {r.patient.id: r for r in records}
