"""De-identification: pseudonyms, date shifts, age at index, free text - and a
scan of every export format's output for anything identifying."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pyreadstat
import pytest

from remit.interop.deidentify import DeidentificationKeys, deidentify, deidentify_all
from remit.interop.errors import DeidentificationKeyError
from remit.interop.exports import DatasetFormat, write_dataset
from remit.interop.fhir import write_bulk, write_bundle
from remit.interop.omop import Format, omop_rows, write_tables
from tests.interop.identifiable import BIRTH, DATES, FREE_TEXT, PATIENT_ID, SPAN_DAYS, identifiable_record

SECRET = "an-example-secret-key-for-tests-only-0001"


def keys_with_large_shift() -> DeidentificationKeys:
    """A key whose shift for the test patient exceeds the span of its dates,
    so no shifted date can equal an original one."""
    for n in range(100):
        keys = DeidentificationKeys.from_secret(f"{SECRET}-{n}")
        if keys.shift_days(PATIENT_ID) > SPAN_DAYS:
            return keys
    raise AssertionError("no key with a large enough shift")  # pragma: no cover


def test_pseudonym_is_hmac_sha256_of_the_id_under_a_derived_key() -> None:
    keys = DeidentificationKeys.from_secret(SECRET)
    derived = hmac.new(SECRET.encode(), b"remit pseudonym v1", hashlib.sha256).digest()
    expected = "R" + hmac.new(derived, PATIENT_ID.encode(), hashlib.sha256).hexdigest()[:20]
    assert keys.pseudonym(PATIENT_ID) == expected


def test_shift_is_derived_from_the_second_key_and_within_0_to_364() -> None:
    one = DeidentificationKeys.from_secret(SECRET)
    two = DeidentificationKeys.from_secret(SECRET, "another-date-key-that-is-long-enough-01")
    assert one.pseudonym(PATIENT_ID) == two.pseudonym(PATIENT_ID)
    shifts = {one.shift_days(f"p{i}") for i in range(2000)}
    assert min(shifts) >= 0
    assert max(shifts) <= 364
    assert len(shifts) > 300  # spread over the year
    derived = hmac.new(SECRET.encode(), b"remit date shift v1", hashlib.sha256).digest()
    digest = hmac.new(derived, PATIENT_ID.encode(), hashlib.sha256).digest()
    assert one.shift_days(PATIENT_ID) == int.from_bytes(digest[:4], "big") % 365


def test_every_date_moves_back_by_the_same_offset() -> None:
    keys = keys_with_large_shift()
    record = identifiable_record()
    shifted = deidentify(record, keys).record
    offset = timedelta(days=keys.shift_days(PATIENT_ID))
    assert shifted.follow_up == (record.follow_up[0] - offset, record.follow_up[1] - offset)  # type: ignore[index]
    assert [e.date for e in shifted.encounters] == [e.date - offset for e in record.encounters]
    assert [o.date for o in shifted.observations] == [o.date - offset for o in record.observations]
    assert shifted.medications[0].doses[1].start == record.medications[0].doses[1].start - offset
    assert shifted.diary[0].date == record.diary[0].date - offset
    assert shifted.adverse_events[0].end == record.adverse_events[0].end - offset  # type: ignore[operator]


def test_age_at_index_uses_the_real_dates_and_the_birth_date_goes() -> None:
    subject = deidentify(identifiable_record(), keys_with_large_shift())
    # index = start of the first anakinra course, 2016-07-16; born 2009-04-17: 7 years and 90/366 of a year
    assert subject.age_at_index == 7.2
    assert subject.record.patient.birth is None


def test_free_text_and_typed_ids_are_dropped() -> None:
    record = deidentify(identifiable_record(), keys_with_large_shift()).record
    text = repr(record)
    for marker in (*FREE_TEXT.values(), "Quimby", "thistlewood", PATIENT_ID):
        assert marker not in text
    (ferritin,) = record.values("ferritin")
    (baseline,) = [e for e in record.encounters if e.kind.value == "baseline"]
    assert ferritin.encounter == baseline.id  # references follow the new ids
    assert record.adverse_events[0].term == "injection site reaction"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({}, "set REMIT_DEID_KEY", id="missing"),
        pytest.param({"REMIT_DEID_KEY": "short"}, "at least 32 characters", id="short"),
        pytest.param(
            {"REMIT_DEID_KEY": SECRET, "REMIT_DEID_DATE_KEY": "short"}, "REMIT_DEID_DATE_KEY", id="short-date"
        ),
    ],
)
def test_keys_come_from_the_environment_and_must_be_long(environ: dict[str, str], message: str) -> None:
    with pytest.raises(DeidentificationKeyError, match=message):
        DeidentificationKeys.from_env(environ)


def test_keys_never_show_in_repr() -> None:
    assert SECRET not in repr(DeidentificationKeys.from_env({"REMIT_DEID_KEY": SECRET}))


# ----- the scan ------------------------------------------------------------------


def every_export(directory: Path) -> Path:
    """Every export format remit writes, de-identified, under ``directory``."""
    subjects = deidentify_all([identifiable_record()], keys_with_large_shift())
    write_bundle(subjects, directory / "bundle.json")
    write_bulk(subjects, directory / "bulk", transaction_time=datetime(2024, 1, 1, tzinfo=UTC))
    rows = omop_rows(subjects)
    assert rows.excluded == []  # a year of birth is derived from the age at index
    for fmt in Format:
        write_tables(rows.tables, directory / f"omop-{fmt.value}", fmt)
    for dataset_format in DatasetFormat:
        write_dataset(subjects, dataset_format, directory / dataset_format.value, at=datetime(2024, 1, 1, tzinfo=UTC))
    return directory


def _values(path: Path) -> Iterator[Any]:
    suffix = path.suffix
    if suffix in (".json", ".ndjson", ".csv", ".txt"):
        yield path.read_text(encoding="utf-8-sig")
    elif suffix == ".parquet":
        for row in pq.read_table(path).to_pylist():
            yield from row.values()
    elif suffix == ".duckdb":
        with duckdb.connect(str(path), read_only=True) as con:
            for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
                for row in con.execute(f"SELECT * FROM {table}").fetchall():
                    yield from row
    elif suffix == ".sav":
        frame, meta = pyreadstat.read_sav(str(path))
        yield from frame.to_numpy().ravel().tolist()
        yield from meta.column_names_to_labels.values()
    else:  # pragma: no cover - a new format must be added here
        raise AssertionError(f"unscanned export file {path}")


def _text(value: Any) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def test_no_export_format_leaks_ids_birth_dates_free_text_or_real_dates(tmp_path: Path) -> None:
    root = every_export(tmp_path)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert {p.suffix for p in files} == {".json", ".ndjson", ".csv", ".txt", ".parquet", ".duckdb", ".sav"}
    keys = keys_with_large_shift()
    for path in files:
        content = "\n".join(_text(v) for v in _values(path))
        forbidden = [PATIENT_ID, BIRTH.iso(), BIRTH.iso()[:7], *FREE_TEXT.values(), "Quimby", "thistlewood", SECRET]
        forbidden += [d.isoformat() for d in DATES]
        leaks = [marker for marker in forbidden if marker.casefold() in content.casefold()]
        assert not leaks, f"{path.relative_to(root)} contains {leaks}"
    shifted = (DATES[0] - timedelta(days=keys.shift_days(PATIENT_ID))).isoformat()
    pseudonym = keys.pseudonym(PATIENT_ID)
    for exported in ("bundle.json", "redcap/redcap_data.csv", "tidy/demographics.csv"):
        text = (root / exported).read_text(encoding="utf-8-sig")
        assert pseudonym in text  # the scan is not vacuous: the patient is there, under the pseudonym
    assert shifted in (root / "bundle.json").read_text(encoding="utf-8")


def test_deidentified_dates_keep_intervals() -> None:
    record = identifiable_record()
    shifted = deidentify(record, keys_with_large_shift()).record
    real = [(o.date - record.follow_up[0]).days for o in record.observations]  # type: ignore[index]
    moved = [(o.date - shifted.follow_up[0]).days for o in shifted.observations]  # type: ignore[index]
    assert real == moved
    assert isinstance(shifted.follow_up[0], date)  # type: ignore[index]
