"""Chunks of synthetic patients as OMOP CDM v5.4 Parquet, streamed.

Each table has one :class:`pyarrow.parquet.ParquetWriter` with the explicit
schema of :mod:`remit.interop.omop.tables` (the schema remit's own OMOP export
writes), so the same reader handles both. Codes come from the shipped concept
map (:class:`remit.interop.omop.ConceptMap`): LOINC codes in
``measurement_source_value``, UCUM text in ``unit_source_value``, concept ids
where the map has them (0 where it does not, as the OMOP conventions ask).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from remit.core.analytes import ANALYTES
from remit.interop.omop.concepts import REGISTRY_TYPE, ConceptMap
from remit.interop.omop.tables import arrow_schema
from remit.screening.synth.cohort import AUTOINFLAMMATORY, PATTERNS, Chunk
from remit.screening.synth.shapes import ALTERNATE_UNITS, ANALYTE_ORDER

TABLES = (
    "person",
    "observation_period",
    "visit_occurrence",
    "condition_occurrence",
    "drug_exposure",
    "measurement",
    "observation",
)
PATIENTS_FILE = "synth_patients.parquet"  # not a CDM table: each person's generated pattern, for tests and demos
PATIENTS_SCHEMA = pa.schema([("person_id", pa.int64()), ("pattern", pa.string()), ("mas_start", pa.date32())])


class ExtractWriter:
    """Open writers for every table; :meth:`write` appends one chunk."""

    def __init__(self, directory: Path, concepts: ConceptMap | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.concepts = concepts or ConceptMap.load()
        self.writers = {
            name: pq.ParquetWriter(directory / f"{name}.parquet", arrow_schema(name), compression="zstd")
            for name in TABLES
        }
        self.writers["synth_patients"] = pq.ParquetWriter(directory / PATIENTS_FILE, PATIENTS_SCHEMA)
        self.next_id = dict.fromkeys(TABLES, 1)
        self.rows = dict.fromkeys(TABLES, 0)
        self.registry = self.concepts.concept_id("type", REGISTRY_TYPE)
        self._units()

    def _units(self) -> None:
        canonical = [ANALYTES[a].canonical_unit for a in ANALYTE_ORDER]
        alternate = [ALTERNATE_UNITS.get(a, (ANALYTES[a].canonical_unit, 0.0))[0] for a in ANALYTE_ORDER]
        self.unit_text = pa.array(canonical + alternate)  # index: analyte, or analyte + len for the alternate
        self.unit_concept = np.array([self.concepts.concept_id("unit", u) for u in canonical + alternate])
        self.loinc = pa.array([ANALYTES[a].code for a in ANALYTE_ORDER])
        self.concept = np.array([self.concepts.concept_id("measurement", a) for a in ANALYTE_ORDER])

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()

    def __enter__(self) -> ExtractWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- tables

    def _ids(self, table: str, n: int) -> pa.Array:
        first = self.next_id[table]
        self.next_id[table] = first + n
        self.rows[table] += n
        return pa.array(np.arange(first, first + n, dtype=np.int64))

    def _emit(self, table: str, n: int, columns: dict[str, Any]) -> None:
        schema = arrow_schema(table)
        ids = self._ids(table, n)
        arrays = []
        for field in schema:
            if field.name == schema[0].name:
                arrays.append(ids)
            elif field.name in columns:
                value = columns[field.name]
                if isinstance(value, pa.Array | pa.ChunkedArray):
                    arrays.append(value.cast(field.type))
                elif np.isscalar(value):
                    arrays.append(pa.array(np.full(n, value)).cast(field.type))
                else:
                    arrays.append(pa.array(value).cast(field.type))
            else:
                arrays.append(pa.nulls(n, field.type))
        self.writers[table].write_table(pa.Table.from_arrays(arrays, schema=schema))

    def write(self, c: Chunk) -> None:
        n = c.pid.size
        births = pa.array(c.birth.astype(np.int32), pa.date32()).to_pandas()
        births = births.astype("datetime64[ns]")
        self._emit(
            "person",
            n,
            {
                "gender_concept_id": np.where(
                    c.sex_male, self.concepts.concept_id("gender", "male"), self.concepts.concept_id("gender", "female")
                ),
                "year_of_birth": births.dt.year.to_numpy(),
                "month_of_birth": births.dt.month.to_numpy(),
                "day_of_birth": births.dt.day.to_numpy(),
                "race_concept_id": 0,
                "ethnicity_concept_id": 0,
                "person_source_value": pa.array([f"synth-{p}" for p in c.pid]),
                "gender_source_value": pa.array(np.where(c.sex_male, "male", "female")),
            },
        )
        # person_id is the global pid (the id column above is numbered the same way)
        self._emit(
            "observation_period",
            n,
            {
                "person_id": c.pid,
                "observation_period_start_date": _dates(c.start),
                "observation_period_end_date": _dates(c.end),
                "period_type_concept_id": self.registry,
            },
        )
        self._visits(c)
        self._conditions(c)
        self._drugs(c)
        self._measurements(c)
        self._fevers(c)
        pattern = pa.array(np.asarray(PATTERNS, dtype=object)[c.pattern].tolist(), pa.string())
        mas = pa.array(np.where(np.isnan(c.mas_start), 0, c.mas_start).astype(np.int32), pa.date32())
        mas = pa.compute.if_else(pa.array(np.isnan(c.mas_start)), pa.scalar(None, pa.date32()), mas)
        self.writers["synth_patients"].write_table(
            pa.Table.from_arrays([pa.array(c.pid), pattern, mas], schema=PATIENTS_SCHEMA)
        )

    def _visits(self, c: Chunk) -> None:
        first = self.next_id["visit_occurrence"]
        self.visit_ids = np.arange(first, first + c.day.size, dtype=np.int64)
        inpatient, outpatient = (self.concepts.concept_id("visit", k) for k in ("admission", "unscheduled"))
        self._emit(
            "visit_occurrence",
            c.day.size,
            {
                "person_id": c.day_pid,
                "visit_concept_id": np.where(c.day_inpatient, inpatient, outpatient),
                "visit_start_date": _dates(c.day),
                "visit_end_date": _dates(c.day),
                "visit_type_concept_id": self.registry,
                "visit_source_value": pa.array(np.where(c.day_inpatient, "admission", "unscheduled")),
            },
        )

    def _conditions(self, c: Chunk) -> None:
        sjia = np.nonzero((c.pattern == 1) | (c.pattern == 2))[0]
        mas = np.nonzero(~np.isnan(c.mas_start))[0]
        auto = np.nonzero(c.disease >= 0)[0]
        codes = ["sjia"] * sjia.size + ["mas"] * mas.size + [AUTOINFLAMMATORY[d] for d in c.disease[auto]]
        starts = np.concatenate([c.start[sjia], c.mas_start[mas].astype(np.int64), c.start[auto]])
        self._emit(
            "condition_occurrence",
            len(codes),
            {
                "person_id": np.concatenate([c.pid[sjia], c.pid[mas], c.pid[auto]]),
                "condition_concept_id": np.array([self.concepts.concept_id("condition", x) for x in codes]),
                "condition_start_date": _dates(starts),
                "condition_type_concept_id": self.registry,
                "condition_status_concept_id": 0,
                "condition_source_value": pa.array(codes, pa.string()),
                "condition_source_concept_id": 0,
                "condition_status_source_value": "active",
            },
        )

    def _drugs(self, c: Chunk) -> None:
        ana = np.nonzero(~np.isnan(c.drug_start))[0]
        col = np.nonzero(c.colchicine)[0]
        drugs = ["anakinra"] * ana.size + ["colchicine"] * col.size
        routes = ["subcutaneous"] * ana.size + ["oral"] * col.size
        self._emit(
            "drug_exposure",
            len(drugs),
            {
                "person_id": np.concatenate([c.pid[ana], c.pid[col]]),
                "drug_concept_id": np.array([self.concepts.concept_id("drug", d) for d in drugs], dtype=np.int64),
                "drug_exposure_start_date": _dates(np.concatenate([c.drug_start[ana], c.start[col]]).astype(np.int64)),
                "drug_exposure_end_date": _dates(np.concatenate([c.drug_end[ana], c.end[col]]).astype(np.int64)),
                "drug_type_concept_id": self.registry,
                "drug_source_value": pa.array(drugs, pa.string()),
                "drug_source_concept_id": 0,
                "route_source_value": pa.array(routes, pa.string()),
            },
        )

    def _measurements(self, c: Chunk) -> None:
        a = c.m_analyte
        unit_index = a + np.where(c.m_alternate, len(ANALYTE_ORDER), 0)
        self._emit(
            "measurement",
            a.size,
            {
                "person_id": c.day_pid[c.m_day],
                "measurement_concept_id": self.concept[a],
                "measurement_date": _dates(c.day[c.m_day]),
                "measurement_type_concept_id": self.registry,
                "value_as_number": c.m_value,
                "unit_concept_id": self.unit_concept[unit_index],
                "visit_occurrence_id": self.visit_ids[c.m_day],
                "measurement_source_value": self.loinc.take(pa.array(a)),
                "measurement_source_concept_id": 0,
                "unit_source_value": self.unit_text.take(pa.array(unit_index)),
            },
        )

    def _fevers(self, c: Chunk) -> None:
        noted = np.nonzero(c.day_fever >= 0)[0]
        self._emit(
            "observation",
            noted.size,
            {
                "person_id": c.day_pid[noted],
                "observation_concept_id": self.concepts.concept_id("finding", "fever"),
                "observation_date": _dates(c.day[noted]),
                "observation_type_concept_id": self.registry,
                "value_as_string": pa.array(np.where(c.day_fever[noted] == 1, "present", "absent")),
                "visit_occurrence_id": self.visit_ids[noted],
                "observation_source_value": "fever",
                "observation_source_concept_id": 0,
            },
        )


def _dates(days: np.ndarray[Any, Any]) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.date32())
