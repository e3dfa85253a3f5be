"""Importing an OMOP CDM written elsewhere (no remit_source_key), drug eras,
the concept map, CSV typing, and PostgreSQL as a source."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import text

from remit.casefiles import load
from remit.core.intervals import Op
from remit.core.record import EncounterKind, Sex
from remit.demo import case_files
from remit.interop.errors import MalformedFileError
from remit.interop.omop import ConceptMap, Format, omop_rows, read_omop, source_for, write_tables
from remit.interop.omop.eras import Era, drug_eras
from remit.interop.omop.tables import CDM_TABLES, TABLES, ddl
from remit.interop.report import Imported, Outcome
from remit.persistence.engine import create_engine
from tests.databases import postgres_database

DEMO = case_files()  # the seed patients and the 33-patient cohort

ROWS: dict[str, list[dict[str, Any]]] = {
    "person": [
        {
            "person_id": 1,
            "gender_concept_id": 8532,
            "year_of_birth": 2010,
            "race_concept_id": 0,
            "ethnicity_concept_id": 0,
        },
        {
            "person_id": 2,
            "gender_concept_id": 8507,
            "year_of_birth": 2011,
            "month_of_birth": 5,
            "race_concept_id": 0,
            "ethnicity_concept_id": 0,
            "person_source_value": "P2",
        },
    ],
    "observation_period": [
        {
            "observation_period_id": 1,
            "person_id": 1,
            "observation_period_start_date": date(2020, 1, 1),
            "observation_period_end_date": date(2020, 12, 31),
            "period_type_concept_id": 32817,
        },
    ],
    "visit_occurrence": [
        {
            "visit_occurrence_id": 10,
            "person_id": 1,
            "visit_concept_id": 9201,
            "visit_start_date": date(2020, 2, 1),
            "visit_end_date": date(2020, 2, 5),
            "visit_type_concept_id": 32817,
        },
    ],
    "condition_occurrence": [
        {
            "condition_occurrence_id": 300,
            "person_id": 1,
            "condition_concept_id": 4121123,
            "condition_start_date": date(2020, 2, 2),
            "condition_type_concept_id": 32817,
            "condition_source_value": "D76.1",
        },
        {
            "condition_occurrence_id": 301,
            "person_id": 1,
            "condition_concept_id": 0,
            "condition_start_date": date(2020, 2, 2),
            "condition_type_concept_id": 32817,
            "condition_source_value": "M04.1",
        },
    ],
    "measurement": [
        {
            "measurement_id": 100,
            "person_id": 1,
            "measurement_concept_id": 3020460,
            "measurement_date": date(2020, 2, 1),
            "measurement_type_concept_id": 32856,
            "value_as_number": 12.5,
            "unit_concept_id": 8751,
            "visit_occurrence_id": 10,
        },
        {
            "measurement_id": 102,
            "person_id": 1,
            "measurement_concept_id": 999999,
            "measurement_date": date(2020, 2, 1),
            "measurement_type_concept_id": 32856,
            "value_as_number": 1.0,
        },
        {
            "measurement_id": 103,
            "person_id": 99,
            "measurement_concept_id": 3020460,
            "measurement_date": date(2020, 2, 1),
            "measurement_type_concept_id": 32856,
            "value_as_number": 1.0,
        },
        {
            "measurement_id": 104,
            "person_id": 1,
            "measurement_concept_id": 3000963,
            "measurement_date": date(2020, 2, 3),
            "measurement_type_concept_id": 32856,
            "value_as_number": 12.0,
            "unit_concept_id": 8713,
            "range_low": 11.5,
            "range_high": 15.5,
        },
        {
            "measurement_id": 106,
            "person_id": 1,
            "measurement_concept_id": 3000963,
            "measurement_date": date(2020, 2, 4),
            "measurement_type_concept_id": 32856,
            "value_as_number": 7.5,
            "unit_concept_id": 123456789,
        },
        {
            "measurement_id": 105,
            "person_id": 1,
            "measurement_concept_id": 3001122,
            "measurement_date": date(2020, 2, 3),
            "measurement_type_concept_id": 32856,
            "value_source_value": ">2000",
            "unit_source_value": "ng/mL",
            "value_as_number": 2000.0,
        },
    ],
    "observation": [
        {
            "observation_id": 400,
            "person_id": 2,
            "observation_concept_id": 0,
            "observation_date": date(2021, 1, 1),
            "observation_type_concept_id": 32817,
            "observation_source_value": "rheumatoid_factor",
            "value_as_string": "positive",
        },
    ],
    "drug_exposure": [
        {
            "drug_exposure_id": 200 + i,
            "person_id": 1,
            "drug_concept_id": 0,
            "drug_exposure_start_date": start,
            "drug_exposure_end_date": end,
            "drug_type_concept_id": 32817,
            "drug_source_value": source,
            "quantity": 100.0,
            "dose_unit_source_value": "mg",
            "sig": sig,
        }
        for i, (start, end, source, sig) in enumerate(
            [
                (date(2020, 3, 1), date(2020, 3, 10), "Kineret", "daily"),
                (date(2020, 3, 20), date(2020, 3, 29), "Kineret", "daily"),
                (date(2020, 6, 1), date(2020, 6, 5), "Kineret", None),
                (date(2020, 6, 1), date(2020, 6, 5), "aspirin-xyz", None),
            ]
        )
    ],
}


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    path = tmp_path_factory.mktemp("cdm") / "cdm.duckdb"
    with duckdb.connect(str(path)) as con:
        for table in CDM_TABLES:
            con.execute(ddl(table))
        for table, rows in ROWS.items():
            for row in rows:
                names = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
    return read_omop(source_for(str(path)))


def outcome(imported: Imported, where: str) -> tuple[Outcome, str]:
    (line,) = [x for x in imported.report if x.where == where]
    return line.outcome, line.reason or ""


def test_every_row_gets_one_line(foreign: Imported) -> None:
    assert len(foreign.report) == sum(len(rows) for rows in ROWS.values())


@pytest.mark.parametrize(
    ("where", "expected", "reason"),
    [
        pytest.param("person 1", Outcome.IMPORTED, "year of birth 2010 only", id="year-only"),
        pytest.param("condition_occurrence 301", Outcome.SKIPPED, "unknown code", id="unknown-condition"),
        pytest.param("measurement 102", Outcome.SKIPPED, "unknown code", id="unknown-concept"),
        pytest.param("measurement 103", Outcome.SKIPPED, "missing subject", id="missing-person"),
        pytest.param(
            "measurement 106", Outcome.SKIPPED, "unit concept 123456789 is not in the concept map", id="unmapped-unit"
        ),
        pytest.param("drug_exposure 201", Outcome.MERGED, "part of course drug_exposure-200", id="same-course"),
        pytest.param("drug_exposure 202", Outcome.IMPORTED, "no dosing step", id="unknown-frequency"),
        pytest.param("drug_exposure 203", Outcome.SKIPPED, "unknown code", id="unknown-drug"),
    ],
)
def test_rows_are_reported(foreign: Imported, where: str, expected: Outcome, reason: str) -> None:
    found, why = outcome(foreign, where)
    assert found is expected
    assert reason in why


def test_concepts_and_numbers_become_remit_values(foreign: Imported) -> None:
    two, one = sorted(foreign.records, key=lambda r: r.patient.id)
    assert (one.patient.id, one.patient.sex, one.patient.birth) == ("person-1", Sex.FEMALE, None)
    assert two.patient.id == "P2"
    assert one.follow_up == (date(2020, 1, 1), date(2020, 12, 31))
    (visit,) = one.encounters
    assert (visit.kind, visit.end) == (EncounterKind.ADMISSION, date(2020, 2, 5))
    (crp,) = one.values("crp")
    assert crp.measurement.value == 12.5  # not truncated to 12 (standards §0.4)
    assert crp.encounter == visit.id
    (hb,) = one.values("haemoglobin")
    assert hb.measurement.value == 120.0  # 12 g/dL = 120 g/L
    assert hb.measurement.reference is not None
    assert (hb.measurement.reference.low, hb.measurement.reference.high) == (115.0, 155.0)
    (ferritin,) = one.values("ferritin")
    assert ferritin.measurement.comparator is Op.GT
    (diagnosis,) = one.diagnoses
    assert diagnosis.condition == "mas"
    kineret = sorted(one.medications, key=lambda c: c.start)
    assert [(c.drug, c.start, c.stop, len(c.doses)) for c in kineret] == [
        ("anakinra", date(2020, 3, 1), date(2020, 3, 29), 1),
        ("anakinra", date(2020, 6, 1), date(2020, 6, 5), 0),
    ]
    (rf,) = two.values("rheumatoid_factor")
    assert rf.measurement.text == "positive"


# ----- drug eras -------------------------------------------------------------------


def d(month: int, day: int) -> date:
    return date(2020, month, day)


def test_drug_eras_join_exposures_within_30_days_and_count_gap_days() -> None:
    exposures = [
        (1, "anakinra", d(1, 1), d(1, 10)),
        (1, "anakinra", d(1, 5), d(1, 15)),  # overlaps: one sub-exposure 1 Jan - 15 Jan
        (1, "anakinra", d(2, 10), d(2, 20)),  # 26 days later: same era
        (1, "anakinra", d(4, 1), d(4, 1)),  # 41 days later: a new era
        (1, "colchicine", d(1, 1), d(1, 31)),
        (2, "anakinra", d(1, 1), d(1, 1)),
        (2, "anakinra", d(1, 31), d(1, 31)),  # exactly 30 days: joined
        (2, "anakinra", d(3, 3), d(3, 3)),  # 31 days: not
    ]
    assert drug_eras(exposures) == [
        Era(1, "anakinra", d(1, 1), d(2, 20), 3, 50 - (14 + 10)),
        Era(1, "anakinra", d(4, 1), d(4, 1), 1, 0),
        Era(1, "colchicine", d(1, 1), d(1, 31), 1, 0),
        Era(2, "anakinra", d(1, 1), d(1, 31), 2, 30),
        Era(2, "anakinra", d(3, 3), d(3, 3), 1, 0),
    ]


# ----- concept map -------------------------------------------------------------------

# Transcribed independently from standards-and-libraries.md §B1, §B2, §B4.
STANDARDS_IDS = {
    ("gender", "male"): (8507, True),
    ("gender", "female"): (8532, True),
    ("gender", "unknown"): (8551, True),
    ("visit", "admission"): (9201, True),
    ("visit", "baseline"): (9202, True),
    ("type", "registry"): (32879, False),
    ("operator", "="): (4172703, True),
    ("measurement", "crp"): (3020460, True),
    ("measurement", "esr"): (3013707, True),
    ("measurement", "ferritin"): (3001122, True),
    ("measurement", "platelets"): (3024929, True),
    ("measurement", "wbc"): (3000905, True),
    ("measurement", "neutrophils"): (3013650, True),
    ("measurement", "haemoglobin"): (3000963, True),
    ("measurement", "ast"): (3013721, True),
    ("measurement", "alt"): (3006923, True),
    ("measurement", "ggt"): (3026910, True),
    ("measurement", "ldh"): (3016436, True),
    ("measurement", "triglycerides"): (3022192, True),
    ("measurement", "d_dimer"): (3051714, False),
    ("measurement", "temperature"): (3020891, True),
    ("measurement", "weight"): (3025315, True),
    ("measurement", "height"): (3036277, True),
    ("unit", "mg/L"): (8751, True),
    ("unit", "mg/dL"): (8840, True),
    ("unit", "ng/mL"): (8842, True),
    ("unit", "10*9/L"): (9444, True),
    ("unit", "g/dL"): (8713, True),
    ("unit", "mmol/L"): (8753, True),
    ("unit", "10*3/uL"): (8848, True),
    ("unit", "g/L"): (8636, False),
    ("unit", "U/L"): (8645, False),
    ("unit", "mm/h"): (8752, False),
    ("unit", "Cel"): (586323, False),
    ("unit", "kg"): (9529, False),
    ("unit", "cm"): (8582, False),
    ("condition", "sjia"): (4116447, False),
    ("condition", "mas"): (4121123, True),
    ("condition", "recurrent_pericarditis"): (4138837, True),
}


def test_shipped_map_holds_only_the_reference_ids_with_their_verification() -> None:
    concepts = ConceptMap.load()
    nonzero = {(c.domain, c.remit_code): (c.concept_id, c.verified) for c in concepts.concepts if c.concept_id}
    expected = dict(STANDARDS_IDS)
    expected |= {("visit", k): (9202, True) for k in ("scheduled", "unscheduled")}
    assert nonzero == expected
    unverified = [c for c in concepts.concepts if not c.verified]
    assert all(c.evidence.startswith(("[UNVERIFIED]", "V1", "local", "no concept")) for c in unverified)
    assert {c.concept_id for c in concepts.entries("drug")} == {0}


def test_verified_only_writes_zero_for_unverified_ids() -> None:
    assert ConceptMap.load(verified_only=True).concept_id("measurement", "d_dimer") == 0
    assert ConceptMap.load().concept_id("measurement", "d_dimer") == 3051714
    assert ConceptMap.load().concept_id("finding", "fever") == 0  # unlisted local code


def test_a_broken_concept_map_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("domain,code\nmeasurement,crp\n", encoding="utf-8")
    with pytest.raises(MalformedFileError, match="header"):
        ConceptMap.load(path)


def test_csv_columns_are_read_with_their_types_not_sniffed(tmp_path: Path) -> None:
    """Many integral values before a decimal one must not make the column an integer (standards §0.4)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["person"] = [{c.name: None for c in TABLES["person"]} | ROWS["person"][1]]
    base = ROWS["measurement"][0] | {"person_id": 2, "visit_occurrence_id": None}
    rows["measurement"] = [
        {c.name: None for c in TABLES["measurement"]}
        | base
        | {"measurement_id": i, "value_as_number": float(i % 90 + 1)}
        for i in range(1, 3001)
    ] + [{c.name: None for c in TABLES["measurement"]} | base | {"measurement_id": 3001, "value_as_number": 12.5}]
    write_tables(rows, tmp_path, Format.CSV)
    (record,) = read_omop(source_for(str(tmp_path))).records
    last = {o.id: o for o in record.observations}["measurement-3001"]
    assert last.measurement.value == 12.5


# ----- PostgreSQL -------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_postgresql_cdm_is_read(tmp_path: Path) -> None:
    """The whole demo registry, written to PostgreSQL with the PostgreSQL DDL, reads back unchanged."""
    records = [load(path) for path in DEMO]
    rows = omop_rows(records)
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
        source = source_for(url, schema="cdm")
        imported = read_omop(source)
        getattr(source, "close", lambda: None)()
    assert not imported.report.of(Outcome.SKIPPED)
    assert {r.patient.id: r for r in imported.records} == {r.patient.id: r for r in records}
