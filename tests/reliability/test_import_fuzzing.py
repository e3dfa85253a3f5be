"""Hostile input to every import: case files, FHIR Bundles and OMOP CSV tables.

Each importer is fed a valid document that Hypothesis has damaged - a value
replaced by a hostile one (NUL bytes, right-to-left overrides, huge or
non-finite numbers, lists where text belongs, ...), a key removed or added, a
file cut short or a CSV cell overwritten. Whatever the damage:

* the importer returns records or raises a :class:`~remit.errors.RemitError`
  with a code and a message - never another exception (a crash);
* a record that reads is stored whole or not at all: on SQLite and PostgreSQL,
  an import either stores the record (and reading it back gives the same
  record) or is refused with a RemitError and leaves no row and no audit entry
  behind (no partial import).

The registry has no CSV import of its own beyond the OMOP CDM reader (a
directory of CSV tables, ``remit import-omop DIR``), so that is the CSV fuzzed here.

Also: the plausibility rules refuse impossible lab values, naming the field,
the analyte and the plausible range.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from remit import casefiles
from remit.config import Settings
from remit.core.analytes import ANALYTES
from remit.core.measurements import measure
from remit.core.record import PatientRecord
from remit.errors import ImplausibleValueError, NotFoundError, RemitError
from remit.interop import fhir, omop
from remit.interop.fhir.writing import collection, dumps, entries
from remit.interop.subjects import identified
from remit.persistence.schema import migrate
from remit.persistence.tables import AuditRow, PatientRow
from remit.services import import_records, open_session
from remit.services.web_records import read_record, read_version
from tests.conftest import BACKENDS
from tests.databases import empty_postgres
from tests.web.records import DAY, sjia_patient

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_TEXT = st.lists(
    st.sampled_from(["\x00", "\u202e", "\ufeff", "𝔘", "'", '"', "<script>", "%s", "\\", "\n", "é", "-", "1", "e9"]),
    max_size=6,
).map("".join)
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    HOSTILE_TEXT,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)

Path_ = tuple[str | int, ...]


def _paths(data: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path to a value inside nested dicts and lists."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


@st.composite
def damaged(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with one to three values replaced, removed, or added."""
    data = copy.deepcopy(document)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = list(_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[last] = draw(HOSTILE)
        elif action == "remove":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(HOSTILE)
        else:
            parent.append(draw(HOSTILE))
    return data


def _structured(exc: RemitError) -> None:
    """A refusal the CLI, the API and the web forms can show: a code, a message, maybe a field."""
    assert isinstance(exc.code, str)
    assert exc.code
    assert isinstance(exc.message, str)
    assert exc.message.strip()
    assert exc.field is None or isinstance(exc.field, str)
    json.dumps(exc.to_dict())


# ----- storing: whole or nothing ---------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'remit.sqlite3'}"
        migrate(url)
    else:
        url = request.getfixturevalue("postgres_url")
    try:
        yield Settings(database_url=url, actor="fuzz")
    finally:
        if request.param != "sqlite":
            empty_postgres(url)


def _counts(config: Settings) -> tuple[int, int]:
    with open_session(config) as session, session.begin():
        patients = session.scalar(select(func.count()).select_from(PatientRow))
        audit = session.scalar(select(func.count()).select_from(AuditRow))
    return int(patients or 0), int(audit or 0)


def _store_whole_or_nothing(config: Settings, record: PatientRecord) -> None:
    before = _counts(config)
    with open_session(config) as session:
        result = import_records(session, [record], "fuzz", reason="fuzz")[0]
    if result.ok:
        assert _counts(config) == (before[0] + 1, before[1] + 1)
        with open_session(config) as session:
            stored, version = read_record(session, record.patient.id)
        assert version == result.version == 1
        assert stored == record
    else:
        assert result.error is not None
        _structured(result.error)
        assert _counts(config) == before, "a refused import left rows behind"


_ids = itertools.count()


def _fresh_id(data: dict[str, Any]) -> None:
    """A new patient id per example, unless the damage is to the id itself."""
    patient = data.get("patient")
    if isinstance(patient, dict) and patient.get("id") == "fz-1":
        patient["id"] = f"fz-{next(_ids)}"


@st.composite
def hostile_text_in(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with one text value (an id, a note, a unit, a date ...) replaced by hostile text:
    the damage that slips past a schema, since the type is right."""
    data = copy.deepcopy(document)
    paths = [p for p in _paths(data) if isinstance(_at(data, p), str)]
    path = draw(st.sampled_from(paths))
    parent = _at(data, path[:-1])
    parent[path[-1]] = draw(st.one_of(HOSTILE_TEXT, st.text(max_size=12)).map(lambda t: f"{parent[path[-1]]}{t}"))
    return data


def _at(data: Any, path: Path_) -> Any:
    for step in path:
        data = data[step]
    return data


# ----- case files ---------------------------------------------------------------------------


CASE_FILE = casefiles.dump(sjia_patient("fz-1", "site-f"))


@FUZZ
@given(data=damaged(CASE_FILE))
def test_a_damaged_case_file_is_read_whole_or_refused_with_a_structured_error(store: Settings, data: dict) -> None:
    _fresh_id(data)
    try:
        record = casefiles.parse(data, source="fuzz.yaml")
    except RemitError as exc:
        _structured(exc)
        return
    _store_whole_or_nothing(store, record)


@FUZZ
@given(data=hostile_text_in(CASE_FILE))
def test_hostile_text_in_a_case_file_is_stored_as_typed_or_refused_naming_the_field(
    store: Settings, data: dict
) -> None:
    _fresh_id(data)
    try:
        record = casefiles.parse(data, source="fuzz.yaml")
    except RemitError as exc:
        _structured(exc)
        return
    _store_whole_or_nothing(store, record)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(cut=st.integers(min_value=0, max_value=10_000), junk=st.text(max_size=8))
def test_a_truncated_or_garbled_case_file_is_refused_with_a_structured_error(
    tmp_path_factory: pytest.TempPathFactory, cut: int, junk: str
) -> None:
    import yaml

    text = yaml.safe_dump(CASE_FILE, sort_keys=False, allow_unicode=True)
    path = tmp_path_factory.mktemp("cut") / "case.yaml"
    path.write_text(text[: cut % (len(text) + 1)] + junk, encoding="utf-8")
    try:
        casefiles.load(path)
    except RemitError as exc:
        _structured(exc)


def test_the_damage_reaches_the_reader_not_only_the_schema() -> None:
    """The fuzzing is not vacuous: an undamaged file reads, a damaged one is refused with its field."""
    assert casefiles.parse(CASE_FILE, source="ok.yaml").patient.id == "fz-1"
    bad = copy.deepcopy(CASE_FILE)
    bad["observations"][0]["value"] = "\x00"
    with pytest.raises(RemitError) as caught:
        casefiles.parse(bad, source="bad.yaml")
    assert caught.value.field is not None
    assert "observations[0]" in caught.value.field


# ----- FHIR ---------------------------------------------------------------------------------


def _bundle() -> dict[str, Any]:
    bundle = collection(list(entries(identified(sjia_patient("fz-1", "site-f")))))
    decoded = json.loads(dumps(bundle))
    assert isinstance(decoded, dict)
    return decoded


BUNDLE = _bundle()


@FUZZ
@given(data=damaged(BUNDLE))
def test_a_damaged_fhir_bundle_is_read_or_refused_with_a_structured_error(store: Settings, data: dict) -> None:
    try:
        imported = fhir.read_bundle(data, source="fuzz.json", default_site="site-f")
    except RemitError as exc:
        _structured(exc)
        return
    for line in imported.report:
        assert line.describe().strip()
    for read in imported.records:
        record = read
        if record.patient.id == "fz-1":
            record = replace(record, patient=replace(record.patient, id=f"fz-{next(_ids)}"))
        if _exists(store, record.patient.id):
            continue
        _store_whole_or_nothing(store, record)


@FUZZ
@given(data=hostile_text_in(BUNDLE))
def test_hostile_text_in_a_fhir_bundle_is_stored_as_read_or_refused(store: Settings, data: dict) -> None:
    test_a_damaged_fhir_bundle_is_read_or_refused_with_a_structured_error.hypothesis.inner_test(store, data)  # type: ignore[attr-defined]


def _exists(config: Settings, patient_id: str) -> bool:
    with open_session(config) as session:
        try:
            read_version(session, patient_id)
        except NotFoundError:
            return False
    return True


def test_an_undamaged_bundle_reads_back_the_patient() -> None:
    imported = fhir.read_bundle(BUNDLE, source="ok.json", default_site="site-f")
    assert [r.patient.id for r in imported.records] == ["fz-1"]


# ----- OMOP CDM as CSV ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def omop_csv(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("omop")
    rows = omop.omop_rows([sjia_patient("fz-1", "site-f")])
    written = omop.write_tables(rows.tables, folder, omop.Format.CSV)
    return {Path(p).name: Path(p).read_text(encoding="utf-8") for p in written}


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example reads a whole CDM with DuckDB
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_damaged_omop_csv_tables_are_read_or_refused_with_a_structured_error(
    omop_csv: dict[str, str], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("omop-fuzz")
    name = data.draw(st.sampled_from(sorted(omop_csv)), label="table")
    files = dict(omop_csv)
    lines = files[name].splitlines(keepends=True)
    how = data.draw(st.sampled_from(["cell", "cut", "header"]), label="damage")
    if how == "cut":
        files[name] = files[name][: data.draw(st.integers(0, len(files[name])), label="cut")]
    elif how == "header":
        files[name] = data.draw(st.text(max_size=30), label="header") + "\n" + "".join(lines[1:])
    elif len(lines) > 1:
        row = data.draw(st.integers(1, len(lines) - 1), label="row")
        cells = lines[row].rstrip("\n").split(",")
        col = data.draw(st.integers(0, len(cells) - 1), label="column")
        cells[col] = data.draw(st.one_of(HOSTILE_TEXT, st.text(max_size=10), st.just("9" * 40)), label="value")
        lines[row] = ",".join(cells) + "\n"
        files[name] = "".join(lines)
    for file_name, text in files.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    try:
        imported = omop.read_omop(omop.source_for(str(folder)), default_site="site-f")
    except RemitError as exc:
        _structured(exc)
        return
    for record in imported.records:
        assert isinstance(record, PatientRecord)


def test_the_undamaged_omop_csv_tables_read_back_the_patient(
    omop_csv: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("omop-ok")
    for file_name, text in omop_csv.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    imported = omop.read_omop(omop.source_for(str(folder)), default_site="site-f")
    assert len(imported.records) == 1


# ----- plausibility -------------------------------------------------------------------------

BOUNDED = sorted(
    (a for a in ANALYTES.values() if a.plausible_high is not None and a.plausible_high > 0 and a.canonical_unit),
    key=lambda a: a.id,
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(analyte=st.sampled_from(BOUNDED), factor=st.sampled_from([10.0, 1000.0, 1e6]))
def test_impossible_lab_values_are_refused_naming_the_field_the_analyte_and_the_range(
    analyte: Any, factor: float
) -> None:
    value = analyte.plausible_high * factor
    with pytest.raises(ImplausibleValueError) as caught:
        measure(analyte.id, f"{value:g}", analyte.canonical_unit, field="labs[0].value")
    assert caught.value.field == "labs[0].value"
    assert analyte.name in caught.value.message
    assert "plausible range" in caught.value.message


def test_an_impossible_lab_in_a_case_file_names_its_place_in_the_file() -> None:
    bad = copy.deepcopy(CASE_FILE)
    bad["observations"][0]["value"] = "5000000"  # ferritin in ng/mL
    with pytest.raises(RemitError) as caught:
        casefiles.parse(bad, source="bad.yaml")
    assert caught.value.code == "implausible_value" or "plausible" in caught.value.message
    assert caught.value.field is not None
    assert caught.value.field.startswith("observations[0]")
    assert DAY.isoformat() in json.dumps(CASE_FILE)
