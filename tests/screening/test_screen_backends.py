"""``remit screen`` gives the same results on DuckDB, Spark and PostgreSQL.

Two levels. The unit conversion that reads an OMOP extract rounds every
converted value to 12 significant digits (:func:`remit.screening.omop_values.tidy`);
on each backend it must give the double DuckDB's own ``round(x, digits)``
gives, and :func:`remit.core.units.convert`'s value, for every unit of every
analyte. Then a small synthetic extract is screened through the CLI on each
backend and the result tables must be identical, row for row and column for
column.

Spark starts one JVM per test session (:mod:`tests.screening.conftest`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from remit.cli.app import app
from remit.core.analytes import ANALYTES
from remit.core.units import convert, to_ucum
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.tables import TABLES, ddl
from remit.persistence.engine import create_engine
from remit.screening.backends import create_table
from remit.screening.omop_values import resolve_unit, tidy
from tests.databases import postgres_database

# py4j's gateway sockets are closed by the garbage collector, not by Spark.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning",
    "ignore:unclosed <socket.socket:ResourceWarning",
)

# Numbers as a laboratory reports them, in whatever unit: 0-4 decimals, tiny to large.
ENTERED = (0.001, 0.05, 0.5, 1.0, 1.25, 3.7, 12.3, 37.85, 98.6, 104.0, 684.0, 1000.0, 3910.0, 12345.678, 250000.0)


def conversions() -> pa.Table:
    """Every (analyte, unit) remit converts - the units an analyte offers in forms,
    its own spellings and every unit concept of the shipped concept map - with
    :data:`ENTERED` numbers and ``convert``'s result for each."""
    concepts = ConceptMap.load()
    rows: dict[str, list[Any]] = {"unit": [], "number": [], "scale": [], "offset": [], "expected": []}
    for spec in ANALYTES.values():
        keys = {f"T:{u}" for u in (*spec.unit_choices, *spec.unit_aliases)}
        keys |= {f"C:{c.concept_id}" for c in concepts.entries("unit") if c.concept_id}
        for key in sorted(keys):
            scale, offset, problem = resolve_unit(spec.id, key, concepts)
            if problem is not None or scale is None or offset is None:
                continue  # a unit that cannot express the analyte: refused, not converted
            unit = concepts.remit_code("unit", int(key[2:])) if key.startswith("C:") else key[2:]
            assert unit is not None
            ucum = spec.unit_aliases.get(unit) or to_ucum(unit)
            for number in ENTERED:
                rows["unit"].append(f"{spec.id} {unit}")
                rows["number"].append(number)
                rows["scale"].append(scale)
                rows["offset"].append(offset)
                rows["expected"].append(
                    convert(number, ucum, spec.canonical_unit, molar_mass_g_per_mol=spec.molar_mass_g_per_mol)
                )
    return pa.table(rows)


def random_doubles() -> pa.Table:
    """Doubles of every sign and magnitude where ``10^digits`` is exact (1e-11 .. 1e22), full precision."""
    rng = np.random.default_rng(20261122)
    n = 20_000
    values = rng.choice([-1.0, 1.0], n) * rng.uniform(1, 10, n) * 10.0 ** rng.integers(-11, 22, n)
    return pa.table({"x": values, "number": values, "scale": np.ones(n), "offset": np.zeros(n)})


def duckdb_round(x: ibis.Value) -> ibis.Value:
    """DuckDB's own rounding to 12 significant digits (what ``tidy`` wrote before it was portable)."""
    digits = (ibis.literal(11) - x.abs().log10().floor()).cast("int32")
    return ibis.cases((x == 0, x), else_=x.round(digits).cast("float64"))


def tidied(con: Any, table: pa.Table, name: str, *, native: bool = False) -> list[float]:
    t = create_table(con, name, table.append_column("i", pa.array(range(table.num_rows))))
    x = t.number * t.scale + t.offset
    out = con.execute(t.select(t.i, y=duckdb_round(x) if native else tidy(x)).order_by("i"))
    return [float(v) for v in out["y"]]


@pytest.fixture(scope="module")
def on_duckdb() -> dict[str, list[float]]:
    con = ibis.duckdb.connect()
    return {
        name: tidied(con, table, name, native=native)
        for name, table, native in (
            ("units", conversions(), False),
            ("units_native", conversions(), True),
            ("random", random_doubles(), False),
            ("random_native", random_doubles(), True),
        )
    }


def test_tidy_on_duckdb_is_duckdbs_round_and_convert(on_duckdb: dict[str, list[float]]) -> None:
    table = conversions()
    assert table.num_rows > 500
    assert on_duckdb["units"] == on_duckdb["units_native"]
    assert on_duckdb["random"] == on_duckdb["random_native"]
    wrong = [
        (unit, number, got, want)
        for unit, number, got, want in zip(
            table["unit"].to_pylist(),
            table["number"].to_pylist(),
            on_duckdb["units"],
            table["expected"].to_pylist(),
            strict=True,
        )
        if got != want
    ]
    assert not wrong, wrong[:20]


def _bitwise_mismatches(got: list[float], want: list[float], inputs: list[float]) -> list[tuple[float, float, float]]:
    return [
        (x, g, w)
        for x, g, w in zip(inputs, got, want, strict=True)
        if not (g == w or (math.isnan(g) and math.isnan(w)))
    ]


@pytest.mark.spark
@pytest.mark.slow
def test_tidy_on_spark_gives_duckdbs_doubles(spark: Any, on_duckdb: dict[str, list[float]]) -> None:
    units, doubles = conversions(), random_doubles()
    assert not _bitwise_mismatches(
        tidied(spark, units, "tidy_units"), on_duckdb["units_native"], units["number"].to_pylist()
    )
    assert not _bitwise_mismatches(
        tidied(spark, doubles, "tidy_random"), on_duckdb["random_native"], doubles["x"].to_pylist()
    )


@pytest.mark.postgres
def test_tidy_on_postgres_gives_duckdbs_doubles(postgres_url: str, on_duckdb: dict[str, list[float]]) -> None:
    from remit.screening.backends import connect

    con = connect("postgres", postgres_url)
    try:
        units, doubles = conversions(), random_doubles()
        assert not _bitwise_mismatches(
            tidied(con, units, "tidy_units"), on_duckdb["units_native"], units["number"].to_pylist()
        )
        assert not _bitwise_mismatches(
            tidied(con, doubles, "tidy_random"), on_duckdb["random_native"], doubles["x"].to_pylist()
        )
    finally:
        con.disconnect()


# ----- the whole screen, through the CLI


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("backends") / "extract"
    done = run("synth", "--patients", "200", "--out", str(directory), "--seed", "1")
    assert done.exit_code == 0, done.output
    return directory


def screened(source: str, backend: str, out: Path, *extra: str) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    done = run(
        "screen", "--instrument", "mas_2016", "--source", source, "--backend", backend, "--out", str(out), *extra
    )
    assert done.exit_code == 0, done.output
    assert "Screening summary" in done.output
    with out.with_suffix(".attrition.csv").open(encoding="utf-8") as handle:
        attrition = list(csv.DictReader(handle))
    return pd.read_parquet(out).sort_values(["person_id", "date"]).reset_index(drop=True), attrition


@pytest.fixture(scope="module")
def on_duckdb_screen(
    extract: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    return screened(str(extract), "duckdb", tmp_path_factory.mktemp("duck") / "r.parquet")


def _same_frames(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want) > 0
    for column in want.columns:
        a, b = got[column].tolist(), want[column].tolist()
        assert [None if pd.isna(v) else v for v in a] == [None if pd.isna(v) else v for v in b], column


@pytest.mark.spark
@pytest.mark.slow
def test_spark_screens_the_extract_as_duckdb_does(
    spark: Any, extract: Path, on_duckdb_screen: tuple[pd.DataFrame, list[dict[str, str]]], tmp_path: Path
) -> None:
    frame, attrition = screened(str(extract), "spark", tmp_path / "spark.parquet")
    want, want_attrition = on_duckdb_screen
    _same_frames(frame, want)
    assert attrition == want_attrition


@pytest.fixture
def postgres_extract(extract: Path) -> Iterator[str]:
    """The synthetic extract as a ``cdm`` schema in a throwaway PostgreSQL database."""
    with postgres_database() as url:
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(text("CREATE SCHEMA cdm"))
                connection.execute(text("SET search_path TO cdm"))
                for table in TABLES:
                    path = extract / f"{table}.parquet"
                    if not path.is_file():
                        continue
                    connection.execute(text(ddl(table, dialect="postgresql")))
                    rows = pq.read_table(path).to_pylist()
                    names = list(rows[0]) if rows else []
                    if rows:
                        insert = (
                            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
                        )
                        connection.execute(text(insert), rows)
        finally:
            engine.dispose()
        yield url


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_screens_the_extract_as_duckdb_does(
    postgres_extract: str, on_duckdb_screen: tuple[pd.DataFrame, list[dict[str, str]]], tmp_path: Path
) -> None:
    frame, attrition = screened(postgres_extract, "postgres", tmp_path / "pg.parquet", "--schema", "cdm")
    want, want_attrition = on_duckdb_screen
    # PostgreSQL runs the unpruned plan (run.py): the MET and INDETERMINATE rows written are
    # the same, without the ``pruned`` column (FALSE on every such row on DuckDB).
    assert not want["pruned"].any()
    _same_frames(frame, want.drop(columns="pruned"))
    # and so the definition's counts; a node's own counts differ where DuckDB did not compute it
    assert [r for r in attrition if r["node"] == "rule"] == [r for r in want_attrition if r["node"] == "rule"]
    assert [r["node"] for r in attrition] == [r["node"] for r in want_attrition]
