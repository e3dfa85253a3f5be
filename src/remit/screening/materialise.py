"""Materialising the compiler's tree levels on backends that would inline them.

The compiler adds one projection per tree level, and parents refer to their
children's columns by name. DuckDB keeps those projections; PostgreSQL's
planner pulls them up into one query and substitutes every column reference
by its expression, so a deep score formula grows exponentially again inside
the planner (ACR Pedi: minutes and gigabytes before it was cancelled).

On such a backend each level becomes a ``MATERIALIZED`` common table
expression (honoured since PostgreSQL 12): the level's SQL is compiled
against a placeholder table named after the level below, and the chain is
handed back to ibis as one SQL query with a known schema, so it composes
with further expressions like any table. Nothing runs at compile time.
"""

from __future__ import annotations

import itertools
from typing import Any

import ibis
import ibis.expr.types as ir

MATERIALISING_BACKENDS = frozenset({"postgres"})

_names = itertools.count()


def backend_of(table: ir.Table) -> Any:
    """The ibis backend a (bound) table lives on."""
    return table._find_backend()


def needs_materialising(table: ir.Table) -> bool:
    """Whether the backend of ``table`` inlines projections (see above)."""
    try:
        backend = backend_of(table)
    except Exception:
        return False
    return getattr(backend, "name", None) in MATERIALISING_BACKENDS


class LevelChain:
    """Common table expressions ``WITH l0 AS MATERIALIZED (...), l1 AS ...``.

    :meth:`add` takes an expression (the first one bound to the backend, the
    later ones over the placeholder :meth:`add` returned) and returns a
    placeholder for it; :meth:`finish` returns the whole chain as a table.
    """

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.prefix = f"remit_level_{next(_names)}"
        self.parts: list[tuple[str, str]] = []
        self.schema: ibis.Schema | None = None

    def add(self, expr: ir.Table) -> ir.Table:
        if not self.parts:
            # memtables (a spine built in Python) must exist before raw SQL names them
            self.backend._register_in_memory_tables(expr)
        name = f"{self.prefix}_{len(self.parts)}"
        self.parts.append((name, ibis.to_sql(expr, dialect=self.backend.name)))
        self.schema = expr.schema()
        return ibis.table(self.schema, name=name)

    def finish(self) -> ir.Table:
        assert self.schema is not None, "finish() needs at least one level"
        ctes = ",\n".join(f'"{name}" AS MATERIALIZED (\n{sql}\n)' for name, sql in self.parts)
        last = self.parts[-1][0]
        # The level names are generated above and the bodies are ibis' own SQL.
        query = f'WITH {ctes}\nSELECT * FROM "{last}"'
        return self.backend.sql(query, schema=self.schema)
