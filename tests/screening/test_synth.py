"""The synthetic OMOP extract: shape, reproducibility, plausibility and the clinical patterns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from remit.core.analytes import ANALYTES
from remit.core.measurements import measure
from remit.core.units import convert
from remit.interop.omop.tables import arrow_schema
from remit.screening.synth import PATIENTS_FILE, TABLES, generate
from remit.screening.synth.shapes import ANCHORS

PATIENTS = 400


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synth")
    generate(directory, patients=PATIENTS, seed=7, measurements_per_patient=60, shares=(0.4, 0.2, 0.25, 0.15))
    return directory


def sql(directory: Path, query: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    for table in (*TABLES, "synth_patients"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{directory / (table + '.parquet')}')")
    return con.execute(query).fetchall()


@pytest.mark.parametrize("table", TABLES)
def test_every_table_has_the_cdm_schema_remit_exports(extract: Path, table: str) -> None:
    assert pq.read_schema(extract / f"{table}.parquet") == arrow_schema(table)


def test_ids_are_unique_and_every_row_belongs_to_a_person(extract: Path) -> None:
    assert sql(extract, "SELECT count(*), count(DISTINCT person_id), min(person_id), max(person_id) FROM person") == [
        (PATIENTS, PATIENTS, 1, PATIENTS)
    ]
    for table in TABLES[1:]:
        ((rows, ids, orphans),) = sql(
            extract,
            f"SELECT count(*), count(DISTINCT {table}_id), count(*) FILTER (WHERE person_id NOT IN "
            f"(SELECT person_id FROM person)) FROM {table}",
        )
        assert (ids, orphans) == (rows, 0), table


def test_the_same_seed_gives_the_same_extract_and_another_seed_another(tmp_path: Path, extract: Path) -> None:
    again = tmp_path / "again"
    generate(again, patients=PATIENTS, seed=7, measurements_per_patient=60, shares=(0.4, 0.2, 0.25, 0.15))
    other = tmp_path / "other"
    generate(other, patients=PATIENTS, seed=8, measurements_per_patient=60, shares=(0.4, 0.2, 0.25, 0.15))
    for table in (*TABLES, "synth_patients"):
        assert pq.read_table(again / f"{table}.parquet").equals(pq.read_table(extract / f"{table}.parquet")), table
    assert not pq.read_table(other / "measurement.parquet").equals(pq.read_table(extract / "measurement.parquet"))


def test_an_extract_is_never_written_over(extract: Path) -> None:
    with pytest.raises(FileExistsError):
        generate(extract, patients=1)


def test_every_value_is_accepted_by_the_input_layer(extract: Path) -> None:
    """Each row read through remit's one measuring function (units, plausibility)
    gives back the number written, converted to the canonical unit."""
    rows = sql(extract, "SELECT measurement_source_value, value_as_number, unit_source_value FROM measurement")
    assert len(rows) > PATIENTS * 30
    for code, value, unit in rows:
        m = measure(str(code), float(value), str(unit))  # raises on an implausible value or unit
        assert m.value is not None
    units = {(code, unit) for code, _, unit in rows}
    assert ("3255-7", "g/L") in units
    assert ("2571-8", "mmol/L") in units
    assert ("2276-4", "ug/L") in units


def canonical(extract: Path, analyte: str) -> str:
    """SQL for (person_id, day, value in the canonical unit) of one analyte, via remit's conversion."""
    spec = ANALYTES[analyte]
    factors = {
        unit: convert(1.0, str(unit), spec.canonical_unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol)
        for (unit,) in sql(
            extract,
            f"SELECT DISTINCT unit_source_value FROM measurement WHERE measurement_source_value = '{spec.code}'",
        )
    }
    cases = " ".join(f"WHEN '{u}' THEN {f!r}" for u, f in factors.items())
    return (
        f"SELECT person_id, measurement_date AS day, value_as_number * CASE unit_source_value {cases} END AS v "
        f"FROM measurement WHERE measurement_source_value = '{spec.code}'"
    )


def test_mas_patients_have_a_ferritin_surge_with_falling_platelets_and_fibrinogen(extract: Path) -> None:
    ((mas_patients,),) = sql(extract, "SELECT count(*) FROM synth_patients WHERE pattern = 'mas'")
    assert mas_patients > 50
    query = f"""
      WITH f AS ({canonical(extract, "ferritin")}), p AS ({canonical(extract, "platelets")}),
           b AS ({canonical(extract, "fibrinogen")}),
           w AS (SELECT person_id, mas_start FROM synth_patients WHERE pattern = 'mas')
      SELECT
        count(DISTINCT w.person_id) FILTER (WHERE f.v > {ANCHORS["ferritin"].threshold}),
        count(DISTINCT w.person_id) FILTER (WHERE p.v <= {ANCHORS["platelets"].threshold}),
        count(DISTINCT w.person_id) FILTER (WHERE b.v <= {ANCHORS["fibrinogen"].threshold})
      FROM w
      LEFT JOIN f ON f.person_id = w.person_id AND f.day BETWEEN w.mas_start AND w.mas_start + 15
      LEFT JOIN p ON p.person_id = w.person_id AND p.day BETWEEN w.mas_start AND w.mas_start + 15
      LEFT JOIN b ON b.person_id = w.person_id AND b.day BETWEEN w.mas_start AND w.mas_start + 15
    """
    ferritin_high, platelets_low, fibrinogen_low = sql(extract, query)[0]
    # nearly every MAS episode crosses the MAS 2016 cut-offs (an episode cut short by the end of follow-up may not)
    assert min(ferritin_high, platelets_low, fibrinogen_low) >= 0.9 * mas_patients


def test_unremarkable_patients_stay_on_the_normal_side(extract: Path) -> None:
    query = f"""
      WITH f AS ({canonical(extract, "ferritin")}), p AS ({canonical(extract, "platelets")})
      SELECT
        (SELECT avg((v > {ANCHORS["ferritin"].threshold})::INT) FROM f JOIN synth_patients s USING (person_id)
         WHERE s.pattern = 'unremarkable'),
        (SELECT avg((v <= {ANCHORS["platelets"].threshold})::INT) FROM p JOIN synth_patients s USING (person_id)
         WHERE s.pattern = 'unremarkable')
    """
    ferritin_high, platelets_low = sql(extract, query)[0]
    assert float(ferritin_high) < 0.01
    assert float(platelets_low) < 0.01


def test_diagnoses_fevers_and_drugs_follow_the_patterns(extract: Path) -> None:
    by_pattern = dict(
        sql(
            extract,
            """SELECT s.pattern, list(DISTINCT c.condition_source_value ORDER BY c.condition_source_value)
               FROM synth_patients s JOIN condition_occurrence c USING (person_id) GROUP BY 1""",
        )
    )
    assert by_pattern["sjia"] == ["sjia"]
    assert by_pattern["mas"] == ["mas", "sjia"]
    assert set(by_pattern["autoinflammatory"]) == {"caps", "fmf", "traps"}
    assert "unremarkable" not in by_pattern
    drugs = dict(
        sql(extract, "SELECT drug_source_value, count(*) FROM drug_exposure GROUP BY 1"),
    )
    assert drugs["anakinra"] > 20
    assert drugs["colchicine"] > 0
    fevers = dict(
        sql(
            extract,
            """SELECT s.pattern, avg((o.value_as_string = 'present')::INT) FROM synth_patients s
               JOIN observation o USING (person_id) WHERE o.observation_source_value = 'fever' GROUP BY 1""",
        )
    )
    assert fevers["mas"] > fevers["unremarkable"]
    assert (extract / PATIENTS_FILE).is_file()
