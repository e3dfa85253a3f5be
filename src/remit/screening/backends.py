"""Backends the compiled criteria run on, and how fact tables get there.

DuckDB (in process) is the default; PostgreSQL and Spark (ibis' PySpark
backend; here in local mode) take the same expressions. Fact tables are loaded
with their explicit schemas (never type-sniffed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from remit.screening.facts import SCHEMAS


def connect(backend: str, url: str | None = None) -> Any:
    """An ibis connection: ``duckdb`` (optionally a database file),
    ``postgres`` (a URL) or ``spark`` (a Spark master URL, default a local
    in-process Spark: see :func:`local_spark_session`)."""
    if backend == "duckdb":
        return ibis.duckdb.connect(url or ":memory:")
    if backend == "postgres":
        if url is None:
            raise ValueError("the postgres backend needs a URL")
        return ibis.connect(url.replace("postgresql+psycopg://", "postgres://"))
    if backend == "spark":
        return ibis.pyspark.connect(local_spark_session(url or "local[2]"))
    raise ValueError(f"unknown backend {backend!r}; use duckdb, postgres or spark")


def local_spark_session(master: str = "local[2]") -> Any:
    """The process's Spark session (created on first use, then shared:
    starting the JVM takes half a minute). Bound to the loopback address with
    the web UI off; few shuffle partitions, as screening joins are many and
    small on one machine; ANSI mode off (Spark 4's default is on; the
    conformance tests establish agreement with it off). A screening plan
    puts dozens of joins and aggregates in one task, each reserving a memory
    page: with the default page size ``remit screen`` of a 200-patient
    extract failed with ``UNABLE_TO_ACQUIRE_MEMORY`` (1 GB and 2 GB heaps);
    2 MB pages and a 2 GB heap run it (the heap is only set when this call
    starts the JVM)."""
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the JVM binds here, not the first interface
    return (
        SparkSession.builder.master(master)
        .appName("remit-screening")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.buffer.pageSize", "2m")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


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
    if con.name == "pyspark":
        # A temporary view over an in-memory DataFrame: no warehouse files on disk.
        session = con._session
        session.createDataFrame(table, schema=_spark_schema(table.schema)).createOrReplaceTempView(name)
        return con.table(name)
    # ibis 12 emits an empty "DROP TABLE IF EXISTS" on PostgreSQL (for
    # overwrite and drop_table alike): drop by hand, create typed, then insert.
    con.raw_sql(f'DROP TABLE IF EXISTS "{name}"').close()
    created = con.create_table(name, schema=ibis.Schema.from_pyarrow(table.schema))
    if table.num_rows:
        con.insert(name, ibis.memtable(table))
    return created


def _spark_schema(schema: pa.Schema) -> Any:
    """The Spark schema of an Arrow schema, through ibis' own type mapping."""
    from ibis.backends.pyspark.datatypes import PySparkSchema

    return PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(schema))


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
