"""OMOP CDM v5.4 for remit: export records as CDM tables (CSV, Parquet or a
DuckDB file) with a replaceable concept map, and import a CDM (DuckDB file,
Parquet/CSV directory, or a PostgreSQL URL) back into records.

See ``docs/interop.md`` for the table mapping and the concept map.
"""

from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.projection import representable
from remit.interop.omop.reading import read_omop
from remit.interop.omop.storage import Format, source_for, write_tables
from remit.interop.omop.writing import OmopRows, omop_rows

__all__ = [
    "ConceptMap",
    "Format",
    "OmopRows",
    "omop_rows",
    "read_omop",
    "representable",
    "source_for",
    "write_tables",
]
