"""Backends the compiled criteria run on, and how fact tables get there.

DuckDB (in process) is the default; PostgreSQL takes the same expressions. Fact tables are loaded with
their explicit schemas (never type-sniffed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from remit.screening.facts import SCHEMAS


def connect(backend: str, url: str | None = None) -> Any:
    """An ibis connection: ``duckdb`` (optionally a database file) or
    ``postgres`` (a URL). Spark (ibis' PySpark backend) is not wired yet."""
    if backend == "duckdb":
        return ibis.duckdb.connect(url or ":memory:")
    if backend == "postgres":
        if url is None:
            raise ValueError("the postgres backend needs a URL")
        return ibis.connect(url.replace("postgresql+psycopg://", "postgres://"))
    raise ValueError(f"unknown backend {backend!r}; use duckdb or postgres")


def load_arrow(con: Any, tables: dict[str, pa.Table], *, prefix: str = "") -> dict[str, ir.Table]:
    """Create (or replace) the fact tables on the backend from Arrow tables."""
    loaded = {}
    for name, schema in SCHEMAS.items():
        table = tables.get(name, schema.empty_table())
        loaded[name] = create_table(con, f"{prefix}{name}", table)
    return loaded


def create_table(con: Any, name: str, table: pa.Table) -> ir.Table:
    """``con.create_table`` from Arrow, working around ibis 12 with DuckDB 2
    (its in-memory path issues a ``DROP VIEW IF EXISTS`` DuckDB rejects)."""
    if con.name == "duckdb":
        view = f"_arrow_{name}"
        con.con.register(view, table)
        try:
            # Names are remit's own fact-table names (SCHEMAS keys plus a prefix), never user input.
            con.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "{view}"')  # noqa: S608
        finally:
            con.con.unregister(view)
        return con.table(name)
    # ibis 12 emits an empty "DROP TABLE IF EXISTS" on PostgreSQL (for
    # overwrite and drop_table alike): drop by hand, create typed, then insert.
    con.raw_sql(f'DROP TABLE IF EXISTS "{name}"').close()
    created = con.create_table(name, schema=ibis.Schema.from_pyarrow(table.schema))
    if table.num_rows:
        con.insert(name, ibis.memtable(table))
    return created


def read_parquet_facts(con: Any, directory: Path) -> dict[str, ir.Table]:
    """Fact tables from ``<directory>/<name>.parquet`` with their declared schemas."""
    loaded = {}
    for name, schema in SCHEMAS.items():
        path = directory / f"{name}.parquet"
        if path.exists():
            table = con.read_parquet(str(path), table_name=f"facts_{name}")
            loaded[name] = table.cast(ibis.Schema.from_pyarrow(schema))
        else:
            loaded[name] = create_table(con, f"facts_{name}", schema.empty_table())
    return loaded
