"""OMOP tables on disk and in databases: writing CSV, Parquet or a DuckDB
file, and reading a CDM back from a DuckDB file, a directory of Parquet or
CSV files, or a PostgreSQL database.

Column types are always given explicitly (standards §0.4: DuckDB's type
sniffing silently truncated ``12.5`` to ``12``): Parquet files carry the
schema of :mod:`.tables`, CSV files are read with that schema, the DuckDB
file is created from the DDL before any row goes in.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from remit.interop.errors import InteropError, MalformedFileError
from remit.interop.omop.tables import ORDER_BY, TABLES, arrow_schema, ddl, duckdb_types

Rows = list[dict[str, Any]]


class Format(enum.Enum):
    CSV = "csv"
    PARQUET = "parquet"
    DUCKDB = "duckdb"


DUCKDB_FILE = "cdm.duckdb"


def write_tables(tables: Mapping[str, Rows], directory: str | Path, fmt: Format) -> list[Path]:
    """Write every table; returns the files written (one DuckDB file, or one file per table)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    if fmt is Format.DUCKDB:
        path = out / DUCKDB_FILE
        if path.exists():
            raise InteropError(f"{path} exists; remove it or choose another directory")
        with duckdb.connect(str(path)) as con:
            for name, rows in tables.items():
                con.execute(ddl(name))
                con.register("incoming", _arrow(name, rows))
                con.execute(f"INSERT INTO {name} SELECT * FROM incoming")  # noqa: S608 - table names are ours
                con.unregister("incoming")
        return [path]
    written = []
    for name, rows in tables.items():
        path = out / f"{name}.{fmt.value}"
        if fmt is Format.PARQUET:
            pq.write_table(_arrow(name, rows), path)
        else:
            _write_csv(name, rows, path)
        written.append(path)
    return written


def _arrow(name: str, rows: Rows) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=arrow_schema(name))


def _write_csv(name: str, rows: Rows, path: Path) -> None:
    """RFC 4180 CSV in which NULL and the empty string differ: NULL is an empty
    field, an empty string is ``""`` (read back with ``allow_quoted_nulls =
    false``). The csv module cannot write that distinction, so fields are
    quoted here."""
    columns = [c.name for c in TABLES[name]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        for row in rows:
            handle.write(",".join(_field(row.get(column)) for column in columns) + "\n")


def _field(value: Any) -> str:
    if value is None:
        return ""
    text = _text(value)
    if text == "" or any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ----- reading -----------------------------------------------------------------


class TableSource(Protocol):
    """Where a CDM is read from. ``rows`` returns None for a missing table."""

    def rows(self, table: str) -> Rows | None: ...

    def describe(self) -> str: ...


class DuckDBSource:
    def __init__(self, path: Path, schema: str | None = None) -> None:
        self.path = path
        self.schema = schema

    def describe(self) -> str:
        return str(self.path)

    def rows(self, table: str) -> Rows | None:
        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise MalformedFileError(f"not a DuckDB database: {exc}", file=str(self.path)) from exc
        with con:
            found = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = ?",
                [table, self.schema or "main"],
            ).fetchone()
            if not found or not found[0]:
                return None
            qualified = f'"{self.schema}"."{table}"' if self.schema else f'"{table}"'
            query = f"SELECT * FROM {qualified} ORDER BY {ORDER_BY[table]}"  # noqa: S608 - CDM table names only
            result: Rows = con.execute(query).to_arrow_table().to_pylist()
            return result


class DirectorySource:
    """``<table>.parquet`` or ``<table>.csv`` files, read with the CDM types."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return str(self.path)

    def rows(self, table: str) -> Rows | None:
        parquet, csv_file = self.path / f"{table}.parquet", self.path / f"{table}.csv"
        if parquet.is_file():
            try:
                data = pq.read_table(parquet)
                return _typed(data.select([c.name for c in TABLES[table] if c.name in data.column_names]), table)
            except (pa.ArrowException, OSError) as exc:
                raise MalformedFileError(f"cannot read the Parquet file: {exc}", file=str(parquet)) from exc
        if csv_file.is_file():
            return _read_csv(csv_file, table)
        return None


def _read_csv(path: Path, table: str) -> Rows:
    """Every column typed as the CDM says (unknown extra columns as text); no sniffing."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFileError(f"cannot read the file: {exc}", file=str(path)) from exc
    known = duckdb_types(table)
    columns = {name: known.get(name, "VARCHAR") for name in header}
    try:
        with duckdb.connect() as con:
            relation = con.sql(
                "SELECT * FROM read_csv(?, header = true, columns = ?, nullstr = '', auto_detect = false, "
                "allow_quoted_nulls = false)",
                params=[str(path), columns],
            )
            rows: Rows = relation.to_arrow_table().to_pylist()
    except duckdb.Error as exc:
        raise MalformedFileError(f"cannot read the CSV file as {table}: {exc}", file=str(path)) from exc
    return rows


def _typed(data: pa.Table, table: str) -> Rows:
    """Cast Parquet columns to the CDM types (other writers may have used others)."""
    schema = arrow_schema(table)
    columns = {}
    for field in schema:
        if field.name in data.column_names:
            columns[field.name] = data.column(field.name).cast(field.type)
    rows: Rows = pa.table(columns).to_pylist()
    return rows


class SqlSource:
    """A PostgreSQL (or any SQLAlchemy) database with the CDM tables in ``schema``."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        from sqlalchemy import create_engine

        self.url = url
        self.schema = schema
        self.engine = create_engine(url)

    def describe(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def rows(self, table: str) -> Rows | None:
        from sqlalchemy import inspect, text

        if not inspect(self.engine).has_table(table, schema=self.schema):
            return None
        qualified = f'"{self.schema}"."{table}"' if self.schema else f'"{table}"'
        with self.engine.connect() as connection:
            result = connection.execute(text(f"SELECT * FROM {qualified} ORDER BY {ORDER_BY[table]}"))  # noqa: S608
            return [dict(row._mapping) for row in result]

    def close(self) -> None:
        self.engine.dispose()


def source_for(location: str, schema: str | None = None) -> TableSource:
    """A DuckDB file, a directory of Parquet/CSV files, or a database URL."""
    if "://" in location:
        return SqlSource(location, schema)
    path = Path(location)
    if path.is_dir():
        duck = path / DUCKDB_FILE
        return (
            DuckDBSource(duck, schema) if duck.is_file() and not any(path.glob("person.*")) else DirectorySource(path)
        )
    if path.is_file():
        return DuckDBSource(path, schema)
    raise MalformedFileError("no such file or directory", file=location)
