"""Import -> export -> import is lossless: ``parse(dump(r)) == r``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from remit.casefiles import dump, load, parse, write
from remit.casefiles.documents import decode, encode
from remit.core.record import PatientRecord
from tests.strategies import patient_records

EXAMPLE = Path(__file__).parents[2] / "docs" / "case-file-example.yaml"


def test_example_round_trips_through_dump() -> None:
    record = load(EXAMPLE)
    assert parse(dump(record), source="export") == record


@pytest.mark.parametrize("name", ["case.yaml", "case.yml", "case.json"])
def test_example_round_trips_through_a_file(tmp_path: Path, name: str) -> None:
    record = load(EXAMPLE)
    path = tmp_path / name
    write(record, path)
    assert load(path) == record


def test_export_keeps_values_and_units_as_entered_and_dates_as_iso(tmp_path: Path) -> None:
    path = tmp_path / "out.yaml"
    write(load(EXAMPLE), path)
    exported = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_id = {o["id"]: o for o in exported["observations"]}
    assert (by_id["o1"]["value"], by_id["o1"]["unit"], by_id["o1"]["date"]) == ("22000", "/mm3", "2002-03-08")
    assert by_id["o4"]["value"] == ">2000"
    assert by_id["o5"]["reference_range"] == {"low": 150, "high": 450, "unit": "10*9/L", "source": "assumed"}
    assert "day_zero" not in exported
    assert list(exported)[:3] == ["format", "patient", "follow_up"]


def test_writing_twice_gives_identical_text(tmp_path: Path) -> None:
    record = load(EXAMPLE)
    for name in ("a.yaml", "b.yaml", "a.json", "b.json"):
        write(record, tmp_path / name)
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == (tmp_path / "b.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == (tmp_path / "b.json").read_text(encoding="utf-8")


def test_non_ascii_text_is_written_readably(tmp_path: Path) -> None:
    record = parse(
        {"format": "remit-case/1", "patient": {"id": "p1", "site": "s", "note": "Müller, ≥2 Schübe"}}, source="t"
    )
    for name in ("c.yaml", "c.json"):
        write(record, tmp_path / name)
        assert "Müller, ≥2 Schübe" in (tmp_path / name).read_text(encoding="utf-8")


_SLOW_OK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SLOW_OK
@given(patient_records())
def test_any_record_round_trips_through_dump(record: PatientRecord) -> None:
    data = dump(record)
    json.dumps(data, allow_nan=False)  # JSON-compatible
    assert parse(data, source="generated") == record


@_SLOW_OK
@given(patient_records())
def test_any_record_round_trips_through_yaml_and_json_text(record: PatientRecord) -> None:
    data = dump(record)
    for syntax in ("yaml", "json"):
        decoded = decode(encode(data, syntax), syntax, source=syntax)
        assert isinstance(decoded, dict)
        assert parse(decoded, source=syntax) == record
