"""OMOP CDM v5.4 for remit: export records as CDM tables (CSV, Parquet or a
DuckDB file) with a replaceable concept map, and import a CDM (DuckDB file,
Parquet/CSV directory, or a PostgreSQL URL) back into records.

Export then import gives back the same record: fields with a CDM column go
there, free text goes to NOTE, the rest to the ``remit_source_detail`` side
table. See ``docs/interop.md`` for where each field goes and the concept map.
"""

from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.reading import read_omop
from remit.interop.omop.storage import Format, source_for, write_tables
from remit.interop.omop.writing import OmopRows, omop_rows

__all__ = [
    "ConceptMap",
    "Format",
    "OmopRows",
    "omop_rows",
    "read_omop",
    "source_for",
    "write_tables",
]
