"""OMOP export then import gives back what OMOP can hold (``representable``), in every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from remit.casefiles import load
from remit.core.record import PatientRecord
from remit.interop.omop import Format, omop_rows, read_omop, representable, source_for, write_tables
from remit.interop.report import Outcome
from tests.strategies import patient_records

ROOT = Path(__file__).parents[2]
DEMO = sorted((ROOT / "src" / "remit" / "demo" / "cases").rglob("*.yaml"))
_SLOW_OK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trip(records: list[PatientRecord], directory: Path, fmt: Format) -> tuple[PatientRecord, ...]:
    rows = omop_rows(records)
    write_tables(rows.tables, directory, fmt)
    imported = read_omop(source_for(str(directory)))
    skipped = imported.report.of(Outcome.SKIPPED)
    assert not skipped, [line.describe() for line in skipped]
    return imported.records


@_SLOW_OK
@given(patient_records())
def test_any_record_keeps_what_omop_can_hold(tmp_path_factory: pytest.TempPathFactory, record: PatientRecord) -> None:
    if record.patient.birth is None:  # OMOP requires a year of birth; tested separately
        return
    directory = tmp_path_factory.mktemp("omop")
    assert round_trip([record], directory, Format.PARQUET) == (representable(record),)


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_demo_cohort_round_trips_in_every_format(tmp_path: Path, fmt: Format) -> None:
    records = [load(path) for path in DEMO]
    found = {r.patient.id: r for r in round_trip(records, tmp_path, fmt)}
    assert found == {r.patient.id: representable(r) for r in records}
