"""FHIR export then import gives back the same record: on random records and on every shipped case file."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from remit.casefiles import load
from remit.core.record import PatientRecord
from remit.interop.fhir import bundle, read_bundle, read_fhir, write_bulk, write_bundle
from remit.interop.fhir.writing import dumps
from remit.interop.report import Outcome
from tests.strategies import patient_records

ROOT = Path(__file__).parents[2]
DEMO_CASES = ROOT / "src" / "remit" / "demo" / "cases"
CASE_FILES = [*sorted(DEMO_CASES.rglob("*.yaml")), ROOT / "docs" / "case-file-example.yaml"]
_SLOW_OK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def through_json(record: PatientRecord) -> PatientRecord:
    text = dumps(bundle([record]))
    imported = read_bundle(json.loads(text, parse_float=Decimal))
    assert not imported.report.of(Outcome.SKIPPED), [line.describe() for line in imported.report.of(Outcome.SKIPPED)]
    (found,) = imported.records
    return found


@_SLOW_OK
@given(patient_records())
def test_any_record_round_trips_through_a_bundle(record: PatientRecord) -> None:
    assert through_json(record) == record


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_shipped_case_files_round_trip_through_a_bundle(path: Path) -> None:
    record = load(path)
    assert through_json(record) == record


def test_demo_cohort_round_trips_through_a_bulk_export(tmp_path: Path) -> None:
    records = [load(p) for p in CASE_FILES if "cohort-2021" in str(p)][:6]
    manifest = write_bulk(records, tmp_path / "bulk", transaction_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    for source in (manifest, manifest.parent):
        imported = read_fhir(source)
        assert sorted(imported.records, key=lambda r: r.patient.id) == sorted(records, key=lambda r: r.patient.id)


def test_bundle_file_round_trips(tmp_path: Path) -> None:
    record = load(CASE_FILES[-1])
    path = tmp_path / "bundle.json"
    write_bundle([record], path)
    assert read_fhir(path).records == (record,)


def test_texts_of_unicode_white_space_alone_round_trip_as_markdown() -> None:
    """FHIR's string type refuses a lone no-break space; such a text travels as valueMarkdown."""
    seed = load(DEMO_CASES / "seeds" / "003_mas_patient_1.yaml")
    first = dataclasses.replace(seed.observations[0], source="\u00a0")
    record = dataclasses.replace(seed, observations=(first, *seed.observations[1:]))
    written = json.loads(dumps(bundle([record])))
    markdown = [
        e["valueMarkdown"]
        for entry in written["entry"]
        for e in entry["resource"].get("extension", ())
        if "valueMarkdown" in e
    ]
    assert markdown == ["\u00a0"]
    assert through_json(record) == record
