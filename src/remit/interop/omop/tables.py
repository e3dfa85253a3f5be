"""The OMOP CDM v5.4 tables remit writes and reads, with explicit column types.

Columns and required flags are from ``OMOP_CDMv5.4_Field_Level.csv``
(standards §B4). Ids are BIGINT rather than the official DDL's 32-bit
``integer`` (the §B4 gotcha). Types are given explicitly everywhere - DDL,
Parquet schema, CSV reading - because type sniffing silently truncates
decimals (standards §0.4).

``remit_source_key`` and ``remit_source_detail`` are not CDM tables:
the first maps rows back to remit ids and roles, the second holds, per CDM
row, the typed facts no CDM column carries (a diagnosis's recorded date and
codings, finding and episode attributes, a dose count, an adverse event's
seriousness ...), so that remit's own exports read back the same records. A
CDM from elsewhere needs neither. ``episode``, ``episode_event`` and ``note``
are the v5.4 tables of those names (columns and NOT NULL flags from the
official v5.4 DDL, ``inst/ddl/5.4/postgresql`` in OHDSI/CommonDataModel).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pyarrow as pa

BIGINT, INTEGER, DATE, TIMESTAMP, VARCHAR, DOUBLE = "BIGINT", "INTEGER", "DATE", "TIMESTAMP", "VARCHAR", "DOUBLE"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    required: bool = False


def _columns(spec: str) -> tuple[Column, ...]:
    """``name:TYPE[*]`` items, ``*`` = NOT NULL."""
    found = []
    for item in spec.split():
        name, kind = item.split(":")
        found.append(Column(name, kind.rstrip("*"), kind.endswith("*")))
    return tuple(found)


_B, _I, _D, _T, _V, _F = (f":{t}" for t in (BIGINT, INTEGER, DATE, TIMESTAMP, VARCHAR, DOUBLE))

TABLES: Mapping[str, tuple[Column, ...]] = MappingProxyType(
    {
        "care_site": _columns(
            f"care_site_id{_B}* care_site_name{_V} place_of_service_concept_id{_I} location_id{_B} "
            f"care_site_source_value{_V} place_of_service_source_value{_V}"
        ),
        "person": _columns(
            f"person_id{_B}* gender_concept_id{_I}* year_of_birth{_I}* month_of_birth{_I} day_of_birth{_I} "
            f"birth_datetime{_T} race_concept_id{_I}* ethnicity_concept_id{_I}* location_id{_B} provider_id{_B} "
            f"care_site_id{_B} person_source_value{_V} gender_source_value{_V} gender_source_concept_id{_I} "
            f"race_source_value{_V} race_source_concept_id{_I} ethnicity_source_value{_V} "
            f"ethnicity_source_concept_id{_I}"
        ),
        "observation_period": _columns(
            f"observation_period_id{_B}* person_id{_B}* observation_period_start_date{_D}* "
            f"observation_period_end_date{_D}* period_type_concept_id{_I}*"
        ),
        "visit_occurrence": _columns(
            f"visit_occurrence_id{_B}* person_id{_B}* visit_concept_id{_I}* visit_start_date{_D}* "
            f"visit_start_datetime{_T} visit_end_date{_D}* visit_end_datetime{_T} visit_type_concept_id{_I}* "
            f"provider_id{_B} care_site_id{_B} visit_source_value{_V} visit_source_concept_id{_I} "
            f"admitted_from_concept_id{_I} admitted_from_source_value{_V} discharged_to_concept_id{_I} "
            f"discharged_to_source_value{_V} preceding_visit_occurrence_id{_B}"
        ),
        "condition_occurrence": _columns(
            f"condition_occurrence_id{_B}* person_id{_B}* condition_concept_id{_I}* condition_start_date{_D}* "
            f"condition_start_datetime{_T} condition_end_date{_D} condition_end_datetime{_T} "
            f"condition_type_concept_id{_I}* condition_status_concept_id{_I} stop_reason{_V} provider_id{_B} "
            f"visit_occurrence_id{_B} visit_detail_id{_B} condition_source_value{_V} "
            f"condition_source_concept_id{_I} condition_status_source_value{_V}"
        ),
        "drug_exposure": _columns(
            f"drug_exposure_id{_B}* person_id{_B}* drug_concept_id{_I}* drug_exposure_start_date{_D}* "
            f"drug_exposure_start_datetime{_T} drug_exposure_end_date{_D}* drug_exposure_end_datetime{_T} "
            f"verbatim_end_date{_D} drug_type_concept_id{_I}* stop_reason{_V} refills{_I} quantity{_F} "
            f"days_supply{_I} sig{_V} route_concept_id{_I} lot_number{_V} provider_id{_B} visit_occurrence_id{_B} "
            f"visit_detail_id{_B} drug_source_value{_V} drug_source_concept_id{_I} route_source_value{_V} "
            f"dose_unit_source_value{_V}"
        ),
        "measurement": _columns(
            f"measurement_id{_B}* person_id{_B}* measurement_concept_id{_I}* measurement_date{_D}* "
            f"measurement_datetime{_T} measurement_time{_V} measurement_type_concept_id{_I}* "
            f"operator_concept_id{_I} value_as_number{_F} value_as_concept_id{_I} unit_concept_id{_I} "
            f"range_low{_F} range_high{_F} provider_id{_B} visit_occurrence_id{_B} visit_detail_id{_B} "
            f"measurement_source_value{_V} measurement_source_concept_id{_I} unit_source_value{_V} "
            f"unit_source_concept_id{_I} value_source_value{_V} measurement_event_id{_B} "
            f"meas_event_field_concept_id{_I}"
        ),
        "observation": _columns(
            f"observation_id{_B}* person_id{_B}* observation_concept_id{_I}* observation_date{_D}* "
            f"observation_datetime{_T} observation_type_concept_id{_I}* value_as_number{_F} value_as_string{_V} "
            f"value_as_concept_id{_I} qualifier_concept_id{_I} unit_concept_id{_I} provider_id{_B} "
            f"visit_occurrence_id{_B} visit_detail_id{_B} observation_source_value{_V} "
            f"observation_source_concept_id{_I} unit_source_value{_V} qualifier_source_value{_V} "
            f"value_source_value{_V} observation_event_id{_B} obs_event_field_concept_id{_I}"
        ),
        "drug_era": _columns(
            f"drug_era_id{_B}* person_id{_B}* drug_concept_id{_I}* drug_era_start_date{_D}* "
            f"drug_era_end_date{_D}* drug_exposure_count{_I} gap_days{_I}"
        ),
        "episode": _columns(
            f"episode_id{_B}* person_id{_B}* episode_concept_id{_I}* episode_start_date{_D}* "
            f"episode_start_datetime{_T} episode_end_date{_D} episode_end_datetime{_T} episode_parent_id{_B} "
            f"episode_number{_I} episode_object_concept_id{_I}* episode_type_concept_id{_I}* "
            f"episode_source_value{_V} episode_source_concept_id{_I}"
        ),
        "episode_event": _columns(f"episode_id{_B}* event_id{_B}* episode_event_field_concept_id{_I}*"),
        "note": _columns(
            f"note_id{_B}* person_id{_B}* note_date{_D}* note_datetime{_T} note_type_concept_id{_I}* "
            f"note_class_concept_id{_I}* note_title{_V} note_text{_V}* encoding_concept_id{_I}* "
            f"language_concept_id{_I}* provider_id{_B} visit_occurrence_id{_B} visit_detail_id{_B} "
            f"note_source_value{_V} note_event_id{_B} note_event_field_concept_id{_I}"
        ),
        "remit_source_key": _columns(f"table_name{_V}* row_id{_B}* person_id{_B}* remit_id{_V}* role{_V} end_date{_D}"),
        "remit_source_detail": _columns(
            f"table_name{_V}* row_id{_B}* position{_I}* name{_V}* value_type{_V}* value{_V}"
        ),
    }
)
SIDE_TABLES = ("remit_source_key", "remit_source_detail")
CDM_TABLES = tuple(name for name in TABLES if name not in SIDE_TABLES)
ORDER_BY = MappingProxyType(  # the order rows are read in: ids, as written
    {name: columns[0].name for name, columns in TABLES.items()}
    | {"episode_event": "episode_id, event_id", "remit_source_detail": "position"}
)

_ARROW = {
    BIGINT: pa.int64(),
    INTEGER: pa.int32(),
    DATE: pa.date32(),
    TIMESTAMP: pa.timestamp("us"),
    VARCHAR: pa.string(),
    DOUBLE: pa.float64(),
}
_POSTGRES = {
    BIGINT: "BIGINT",
    INTEGER: "INTEGER",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMP",
    VARCHAR: "TEXT",
    DOUBLE: "DOUBLE PRECISION",
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.type], nullable=not c.required) for c in TABLES[table]])


def ddl(table: str, *, dialect: str = "duckdb") -> str:
    """``CREATE TABLE`` for DuckDB (default) or PostgreSQL."""
    types = _POSTGRES if dialect == "postgresql" else {t: t for t in _ARROW}
    columns = ",\n  ".join(f"{c.name} {types[c.type]}{' NOT NULL' if c.required else ''}" for c in TABLES[table])
    return f"CREATE TABLE {table} (\n  {columns}\n)"


def duckdb_types(table: str) -> dict[str, str]:
    return {c.name: c.type for c in TABLES[table]}
