"""Backends the compiled criteria run on, and how fact tables get there.

DuckDB (in process) is the default; PostgreSQL and Spark (ibis' PySpark
backend in local mode) take the same expressions. Fact tables are loaded with
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
    """An ibis connection: ``duckdb`` (optionally a database file), ``postgres``
    (a URL) or ``spark`` (a local Spark session)."""
    if backend == "duckdb":
        return ibis.duckdb.connect(url or ":memory:")
    if backend == "postgres":
        if url is None:
            raise ValueError("the postgres backend needs a URL")
        return ibis.connect(url.replace("postgresql+psycopg://", "postgres://"))
    if backend == "spark":
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[2]").appName("remit-screen")
            .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
            .getOrCreate()
        )
        return ibis.pyspark.connect(session)
    raise ValueError(f"unknown backend {backend!r}; use duckdb, postgres or spark")


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
            con.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "{view}"')
        finally:
            con.con.unregister(view)
        return con.table(name)
    return con.create_table(name, table, overwrite=True)


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
