"""OMOP CDM extracts as the compiler's fact tables, lazily, on the backend.

:func:`open_cdm` opens an extract - a directory of Parquet or CSV files (each
``<table>.parquet`` / ``<table>.csv``), a DuckDB file (or a directory holding
``cdm.duckdb``), or a PostgreSQL URL with a schema - as ibis tables with the
column types of :mod:`remit.interop.omop.tables`, given explicitly (CSV is
never type-sniffed: DuckDB's detection has been seen to read 12.5 as 12).
Nothing is loaded into Python.

:func:`cdm_facts` maps those tables to :data:`remit.screening.facts.SCHEMAS`
with the rules of the per-patient reader (:mod:`remit.interop.omop.reading`),
so that screening a CDM and reading it into records agree:

* ``person`` - id as text; sex from ``gender_source_value`` or the gender
  concept; birth known to the month (``birth_low..birth_high``) only when the
  month of birth is recorded, as remit keeps no birth date from a year alone.
* ``coverage`` - the span of the person's observation periods.
* ``measurement`` - ``measurement`` rows, qualitative tests from
  ``observation`` and the values findings carry (:mod:`.omop_values`); codes
  from ``*_source_value`` first (remit codes, LOINC), then concept ids through
  the concept map. ``seq`` (order within a day) is the time of day, then the
  row id.
* ``finding`` - ``observation`` rows whose source value is a finding kind
  (``present``/``absent``); the end date from ``remit_source_key`` if present.
* ``condition`` - source value or concept; status from
  ``condition_status_source_value`` (else active).
* ``drug`` - remit's own exports: one row per course (``remit_source_key``),
  stopping at the recorded stop (open when ongoing). Other CDMs: one row per
  exposure. The per-patient reader also joins exposures less than 30 days
  apart into one course; screening does not, so a day inside such a gap is
  "not on medication" here.
* ``encounter`` - visit start dates.
* episodes, diary, genotypes, finding attributes: OMOP holds none (empty).

Rows that cannot be used are not dropped silently: :attr:`CdmFacts.unusable`
counts them per table and reason.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from remit.errors import RemitError
from remit.interop.omop.concepts import ConceptMap
from remit.interop.omop.storage import DUCKDB_FILE
from remit.interop.omop.tables import CDM_TABLES, TABLES
from remit.screening.backends import connect
from remit.screening.omop_mapping import IBIS_TYPES, Mapper, Store

READ = (*CDM_TABLES, "remit_source_key", "remit_source_detail")


class SourceError(RemitError, ValueError):
    code = "screening_source"


@dataclass
class Cdm:
    """The CDM tables found (typed ibis tables) on one backend connection."""

    con: Any
    tables: dict[str, ir.Table]
    description: str


def _duck_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_cdm(location: str, *, schema: str | None = None, con: Any = None) -> Cdm:
    """Open an extract; ``con`` (DuckDB) may be given to share a connection."""
    if "://" in location:
        con = con or connect("postgres", location)
        present = set(con.list_tables(database=schema)) if schema else set(con.list_tables())
        tables = {n: con.table(n, database=schema) for n in READ if n in present}
        return Cdm(con, _typed(tables), _hide_password(location))
    path = Path(location)
    con = con or connect("duckdb")
    if path.is_dir() and (any(path.glob("person.*")) or not (path / DUCKDB_FILE).is_file()):
        return Cdm(con, _typed(_files(con, path)), str(path))
    database = path / DUCKDB_FILE if path.is_dir() else path
    if not database.is_file():
        raise SourceError(f"{location}: no such file or directory (a Parquet/CSV directory, a DuckDB file or a URL)")
    con.raw_sql(f"ATTACH {_duck_quote(str(database))} AS omop_source (READ_ONLY)")
    db_schema = schema or "main"
    found = con.con.execute(  # not ibis' list_tables: it calls an API DuckDB 1.5 deprecates
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'omop_source' AND table_schema = ?",
        [db_schema],
    ).fetchall()
    present = {name for (name,) in found}
    tables = {n: con.table(n, database=("omop_source", db_schema)) for n in READ if n in present}
    return Cdm(con, _typed(tables), str(database))


def _files(con: Any, path: Path) -> dict[str, ir.Table]:
    tables = {}
    for name in READ:
        parquet, csv_file = path / f"{name}.parquet", path / f"{name}.csv"
        if parquet.is_file():
            tables[name] = con.read_parquet(str(parquet), table_name=f"omop_{name}")
        elif csv_file.is_file():
            tables[name] = _read_csv(con, csv_file, name)
    if "person" not in tables:
        raise SourceError(f"{path}: no person table (person.parquet or person.csv): not an OMOP extract")
    return tables


def _read_csv(con: Any, path: Path, name: str) -> ir.Table:
    """A view over the CSV with every column typed as the CDM says (extra columns as text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    known = {c.name: c.type for c in TABLES[name]}
    columns = ", ".join(f"{_duck_quote(h)}: {_duck_quote(known.get(h, 'VARCHAR'))}" for h in header)
    view = f"omop_{name}"
    # The path is quoted; the view and column names are the CDM's own.
    query = f"SELECT * FROM read_csv({_duck_quote(str(path))}, header = true, columns = {{{columns}}}, "  # noqa: S608
    query += "nullstr = '', auto_detect = false)"
    con.raw_sql(f'CREATE OR REPLACE VIEW "{view}" AS {query}')
    return con.table(view)


def _typed(tables: dict[str, ir.Table]) -> dict[str, ir.Table]:
    """Every CDM column with its declared type (missing optional columns as NULL)."""
    typed = {}
    for name, t in tables.items():
        cols = {}
        for column in TABLES[name]:
            kind = IBIS_TYPES[column.type]
            if column.name in t.columns:
                cols[column.name] = t[column.name].cast(kind)
            elif column.required:
                raise SourceError(f"table {name} lacks the required column {column.name}")
            else:
                cols[column.name] = ibis.null(kind)
        typed[name] = t.select(**cols)
    return typed


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.rsplit("@", maxsplit=1)[-1]


@dataclass
class CdmFacts:
    """Fact tables (``SCHEMAS`` names -> ibis tables) and the unusable-row report
    (``table, reason, rows``), both lazy."""

    tables: dict[str, ir.Table]
    unusable: ir.Table


def cdm_facts(
    cdm: Cdm,
    concepts: ConceptMap | None = None,
    *,
    analytes: tuple[str, ...] | None = None,
    store: Store | None = None,
) -> CdmFacts:
    """The fact tables of ``cdm``.

    ``analytes`` restricts the measurement facts to those analytes - the
    pushdown of a screening run that needs only some (rows of other known
    analytes are then neither facts nor checked; rows of unknown concepts are
    still reported). ``store`` (name, expression -> table) may compute the
    converted measurement rows once on the backend, so that the facts and the
    report read them instead of converting twice."""
    return Mapper(cdm, concepts or ConceptMap.load(), store).facts(analytes)
