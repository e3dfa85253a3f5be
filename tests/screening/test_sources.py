"""OMOP extracts as fact tables, checked against a second implementation.

The per-patient path (the OMOP reader building records, then the
interpreter) and the population path (the same files mapped to fact tables in
SQL, then the compiled definition) must give the same value on every node for
every patient-day. Values are also checked against ``measure()``, the input
layer's one measuring function.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import text

from remit.casefiles import load
from remit.catalogue import INSTRUMENTS
from remit.core.measurements import ReferenceRange, measure
from remit.interop.omop import Format, omop_rows, read_omop, source_for, write_tables
from remit.interop.omop.tables import TABLES, ddl
from remit.persistence.engine import create_engine
from remit.rules import ast
from remit.screening.compile import column_name
from remit.screening.run import needs, screen
from remit.screening.sources import cdm_facts, open_cdm
from remit.screening.synth import generate
from tests.databases import postgres_database
from tests.screening.agreement import disagreements, interpreter_outcomes

ROOT = Path(__file__).parents[2]
DEMO = sorted((ROOT / "src" / "remit" / "demo" / "cases").rglob("*.yaml"))


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[Format, Path]:
    rows = omop_rows([load(path) for path in DEMO])
    found = {}
    for fmt in Format:
        directory = tmp_path_factory.mktemp(f"omop-{fmt.value}")
        write_tables(rows.tables, directory, fmt)
        found[fmt] = directory
    return found


def screened_rows(location: str, definition: ast.Criterion, out: Path, **kwargs: Any) -> list[dict[str, Any]]:
    cdm = open_cdm(location, **kwargs)
    facts = cdm_facts(cdm, analytes=tuple(sorted(needs(definition).analytes)))
    screen(cdm.con, facts.tables, definition, out, all_days=True)
    rows: list[dict[str, Any]] = pd.read_parquet(out).to_dict(orient="records")  # type: ignore[assignment]
    return rows


def check_against_interpreter(location: Path, definition: ast.Criterion, rows: list[dict[str, Any]]) -> list[str]:
    records = read_omop(source_for(str(location))).records
    person = pd.read_parquet(location / "person.parquet") if (location / "person.parquet").exists() else None
    if person is not None:
        ids = dict(zip(person.person_source_value, person.person_id.astype(str), strict=True))
    else:  # remit's exports number persons in record order
        ids = {r.patient.id: str(i) for i, r in enumerate(records, start=1)}
    by_id = {ids[r.patient.id]: r for r in records}
    problems = []
    for row in rows:
        record = by_id[row["person_id"]]
        outcomes = interpreter_outcomes(definition, record, row["date"], None)
        if row.get("pruned"):  # a necessary condition is NOT MET: the rule is, the rest was not computed
            want = outcomes[definition.rule.id].truth
            assert want is not None
            got = row[column_name(definition.rule.id)]
            if got is None or bool(got) or want.to_optional_bool() is not False:
                problems.append(f"{row['person_id']} {row['date']}: pruned, interpreter {want}")
            continue
        problems += [f"{row['person_id']} {row['date']}: {p}" for p in disagreements(definition, outcomes, row)]
    return problems


def truth_counts(definition: ast.Criterion, rows: list[dict[str, Any]]) -> dict[object, int]:
    counts: dict[object, int] = {True: 0, False: 0, None: 0}
    for row in rows:
        value = row[column_name(definition.rule.id)]
        counts[None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(value)] += 1
    return counts


@pytest.mark.parametrize("fmt", list(Format), ids=lambda f: f.value)
def test_mas_2016_on_a_remit_export_agrees_with_the_interpreter_on_every_node(
    exports: dict[Format, Path], fmt: Format, tmp_path: Path
) -> None:
    definition = INSTRUMENTS["mas_2016"]
    rows = screened_rows(str(exports[fmt]), definition, tmp_path / "out.parquet")
    counts = truth_counts(definition, rows)
    assert min(counts.values()) > 5, counts  # met, not met and indeterminate days all occur
    assert check_against_interpreter(exports[Format.PARQUET], definition, rows) == []


@pytest.mark.slow
@pytest.mark.parametrize("instrument", [i for i, d in INSTRUMENTS.items() if i != "mas_2016" and not d.needs_baseline])
def test_every_instrument_agrees_with_the_interpreter_on_every_node(
    exports: dict[Format, Path], instrument: str, tmp_path: Path
) -> None:
    definition = INSTRUMENTS[instrument]
    rows = screened_rows(str(exports[Format.PARQUET]), definition, tmp_path / "out.parquet")
    assert rows  # every instrument has evaluation dates in the demo patients
    assert check_against_interpreter(exports[Format.PARQUET], definition, rows) == []


def test_a_synthetic_extract_agrees_with_the_interpreter(tmp_path: Path) -> None:
    """The synthetic path: values as numbers with unit concepts (some in other units), no remit keys."""
    directory = tmp_path / "synth"
    generate(directory, patients=40, seed=3, measurements_per_patient=25, shares=(0.2, 0.2, 0.5, 0.1))
    definition = INSTRUMENTS["mas_2016"]
    rows = screened_rows(str(directory), definition, tmp_path / "out.parquet")
    counts = truth_counts(definition, rows)
    assert counts[True] > 5, counts
    assert counts[False] > 5, counts
    assert check_against_interpreter(directory, definition, rows) == []


# ----- values, units and the report, against measure()


def _row(measurement_id: int, code: str, entered: str | None, unit: str | None, **extra: Any) -> dict[str, Any]:
    base = {c.name: None for c in TABLES["measurement"]}
    return (
        base
        | {
            "measurement_id": measurement_id,
            "person_id": 1,
            "measurement_concept_id": 0,
            "measurement_date": date(2024, 5, 1),
            "measurement_type_concept_id": 0,
            "measurement_source_value": code,
            "value_source_value": entered,
            "unit_source_value": unit,
        }
        | extra
    )


GOOD = [  # (row, analyte, reference as the interpreter reads it)
    (_row(1, "2276-4", ">2000", "ng/mL"), "ferritin", None),
    (_row(2, "1988-5", "<=5", "mg/L"), "crp", None),
    (_row(3, "1988-5", "1,5", "mg/dL"), "crp", None),
    (_row(4, "2276-4", "elevated", "ng/mL", range_low=20.0, range_high=300.0), "ferritin", ReferenceRange(20, 300)),
    (_row(5, "3255-7", "3.6", "g/L"), "fibrinogen", None),
    (_row(6, "2571-8", "0.4", "mmol/L"), "triglycerides", None),
    (_row(7, "777-3", "181", "10*3/uL"), "platelets", None),
    (_row(8, "777-3", None, None, value_as_number=12.5, unit_concept_id=8848), "platelets", None),
    (_row(9, "1742-6", "52", "IU/L"), "alt", None),
    (_row(10, "8310-5", "104", "[degF]"), "temperature", None),  # exactly 40 Cel, not 40.0000000046
]
BAD = [
    (_row(20, "2276-4", "1,500", "ng/mL"), "ambiguous decimal comma or thousands separator"),
    (_row(21, "2276-4", "lots", "ng/mL"), "value is neither a number nor a word"),
    (_row(22, "99999-9", "5", "mg/L"), "unknown concept: no remit analyte for the source value or concept id"),
    (_row(23, "777-3", None, None, value_as_number=200.0, unit_concept_id=123456), "unit concept 123456 is not in"),
    (_row(24, "2276-4", "2000000", "ng/mL"), "implausible value for the analyte"),
    (_row(25, "1988-5", "5", "mm/h"), "unit 'mm/h' cannot express C-reactive protein"),
    (_row(26, "2276-4", None, "ng/mL"), "no value"),
    (_row(27, "2276-4", "positive", None), "a numeric analyte with a positive/negative result"),
]


@pytest.fixture(scope="module")
def value_extract(tmp_path_factory: pytest.TempPathFactory) -> dict[Format, Path]:
    person = {c.name: None for c in TABLES["person"]} | {
        "person_id": 1,
        "gender_concept_id": 8532,
        "year_of_birth": 2015,
        "month_of_birth": 3,
        "race_concept_id": 0,
        "ethnicity_concept_id": 0,
        "person_source_value": "v1",
    }
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in ("person", "measurement")}
    tables["person"] = [person]
    tables["measurement"] = [row for row, *_ in GOOD] + [row for row, _ in BAD]
    found = {}
    for fmt in (Format.CSV, Format.PARQUET):
        directory = tmp_path_factory.mktemp(f"values-{fmt.value}")
        write_tables(tables, directory, fmt)
        found[fmt] = directory
    return found


@pytest.mark.parametrize("fmt", [Format.CSV, Format.PARQUET], ids=lambda f: f.value)
def test_values_become_the_intervals_measure_gives(value_extract: dict[Format, Path], fmt: Format) -> None:
    cdm = open_cdm(str(value_extract[fmt]))
    facts = cdm_facts(cdm)
    frame = cdm.con.execute(facts.tables["measurement"].order_by("seq"))
    got = {int(r["seq"]): r for r in frame.to_dict(orient="records")}
    assert len(got) == len(GOOD)
    for row, analyte, reference in GOOD:
        entered = row["value_source_value"] or repr(row["value_as_number"])
        unit = row["unit_source_value"] or "10*3/uL"
        want = measure(analyte, entered, unit, reference=reference)
        fact = got[row["measurement_id"]]
        assert fact["analyte"] == analyte
        assert (fact["low"], fact["high"], fact["low_closed"], fact["high_closed"]) == (
            want.interval.low,
            want.interval.high,
            want.interval.low_closed,
            want.interval.high_closed,
        ), entered
        assert fact["qualitative"] == (want.qualitative.value if want.qualitative else None)


def test_a_csv_decimal_after_many_integers_is_not_truncated(tmp_path: Path) -> None:
    """12.5 after 3,000 integral values stays 12.5 (type sniffing would read an integer column)."""
    rows = [
        _row(i, "1988-5", None, None, value_as_number=float(i % 90 + 1), unit_concept_id=8751) for i in range(1, 3001)
    ]
    rows.append(_row(3001, "1988-5", None, None, value_as_number=12.5, unit_concept_id=8751))
    person = {c.name: None for c in TABLES["person"]} | {
        "person_id": 1,
        "gender_concept_id": 8507,
        "year_of_birth": 2010,
        "race_concept_id": 0,
        "ethnicity_concept_id": 0,
    }
    write_tables({"person": [person], "measurement": rows}, tmp_path, Format.CSV)
    cdm = open_cdm(str(tmp_path))
    m = cdm_facts(cdm).tables["measurement"]
    (value,) = cdm.con.execute(m.filter(m.seq == 3001).select("low"))["low"]
    assert value == 12.5


def test_unusable_rows_are_reported_with_their_reason_not_dropped(value_extract: dict[Format, Path]) -> None:
    cdm = open_cdm(str(value_extract[Format.PARQUET]))
    report = cdm.con.execute(cdm_facts(cdm).unusable).to_dict(orient="records")
    measurement = {r["reason"]: r["rows"] for r in report if r["table"] == "measurement"}
    assert sum(measurement.values()) == len(BAD)
    for _, reason in BAD:
        assert any(found.startswith(reason) for found in measurement), reason


def test_birth_to_the_month_gives_the_interval_of_that_month(value_extract: dict[Format, Path]) -> None:
    cdm = open_cdm(str(value_extract[Format.PARQUET]))
    (person,) = cdm.con.execute(cdm_facts(cdm).tables["person"]).to_dict(orient="records")
    birth = (pd.Timestamp(person["birth_low"]).date(), pd.Timestamp(person["birth_high"]).date())
    assert (person["sex"], birth) == ("female", (date(2015, 3, 1), date(2015, 3, 31)))


# ----- PostgreSQL


@pytest.mark.postgres
def test_a_postgresql_cdm_screens_as_the_parquet_files_do(exports: dict[Format, Path], tmp_path: Path) -> None:
    rows = omop_rows([load(path) for path in DEMO])
    definition = INSTRUMENTS["mas_2016"]
    with postgres_database() as url:
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(text("CREATE SCHEMA cdm"))
                connection.execute(text("SET search_path TO cdm"))
                for table, table_rows in rows.tables.items():
                    connection.execute(text(ddl(table, dialect="postgresql")))
                    if table_rows:
                        names = [c.name for c in TABLES[table]]
                        insert = (
                            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
                        )
                        connection.execute(text(insert), table_rows)
        finally:
            engine.dispose()
        on_postgres = screened_rows(url, definition, tmp_path / "pg.parquet", schema="cdm")
    on_duckdb = screened_rows(str(exports[Format.PARQUET]), definition, tmp_path / "duck.parquet")

    def key(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        col = column_name(definition.rule.id)
        return sorted((r["person_id"], r["date"], None if pd.isna(r[col]) else bool(r[col])) for r in rows)

    assert key(on_postgres) == key(on_duckdb)
