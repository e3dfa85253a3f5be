"""Compile a criteria definition to one ibis expression: the explanation matrix.

The output has one row per (person, index date) of the spine and one nullable
column per definition node - the same nodes, the same three-valued semantics
as :mod:`remit.rules.interpret`, with UNKNOWN as NULL. Value nodes give two
columns (``<id>__low``, ``<id>__high``, NULL when unknown) plus the openness of
each end. Every operator of :mod:`remit.rules.ast` is implemented once, and no
instrument is named anywhere.

Design (one module each):

* **leaves** (:mod:`.leaves` and ``leaves_*``: measures, findings, conditions,
  medications, episodes, diary, genotype, age, sex) become aggregates over the
  fact tables, each keyed by the spine and left-joined onto it;
* **composites** (:mod:`.composites`: compare, all/any/not/at-least,
  arithmetic, points, change, indicator) are column expressions over that wide
  table, added one projection per tree level (:mod:`.scope`);
* ``Sustained`` compiles its condition on a second spine of (person, index
  date, visit date) and folds it back (:mod:`.leaves_sustained`);
* on PostgreSQL the levels are materialised CTEs (:mod:`.materialise`);
* with ``prune=True`` the necessary conditions are evaluated first and the
  rest only where they are not definitely unmet (:mod:`.pushdown`).

Column names are node ids with ``.`` replaced by ``__`` (Spark reads dots as
struct access); :func:`column_name` gives the mapping.
"""

from __future__ import annotations

import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.materialise import needs_materialising
from remit.screening.scope import Scope, column_name, outside_sustained

__all__ = ["Compiler", "column_name", "outside_sustained"]


class Compiler:
    """Compiles definitions against one set of fact tables.

    ``facts`` maps the names of :data:`remit.screening.facts.SCHEMAS` to ibis
    tables on one backend. ``spine`` has ``person_id``, ``index_date`` and
    (nullable) ``baseline_date``.

    ``materialise`` (default: whether the backend needs it, i.e. PostgreSQL)
    makes each tree level a materialised CTE. ``prune`` evaluates the
    necessary conditions first (:mod:`remit.screening.pushdown`); the result
    then has a ``pruned`` column, and on pruned rows - where a necessary
    condition is definitely NOT MET, so the definition is NOT MET - only the
    necessary conditions' own columns and their AllOf ancestors are filled;
    every other node column is NULL there (not "unknown": not computed).
    """

    def __init__(self, facts: dict[str, ir.Table], *, materialise: bool | None = None, prune: bool = False) -> None:
        self.facts = facts
        self.materialise = needs_materialising(facts["person"]) if materialise is None else materialise
        self.prune = prune

    def compile(self, definition: ast.Criterion, spine: ir.Table, *, distinct: bool = False) -> ir.Table:
        """The explanation matrix of ``definition`` on ``spine`` (one row per
        distinct key; ``distinct=True`` says the spine has no repeated key
        already, as :func:`remit.screening.run.evaluation_dates` guarantees,
        and saves a hash aggregate)."""
        if not distinct:
            spine = spine.distinct()
        if self.prune:
            from remit.screening.pushdown import compile_pruned

            return compile_pruned(self, definition, spine)
        roots: list[ast.Node] = [definition.rule]
        if definition.score is not None:
            roots.append(definition.score)
        scope = Scope(self, spine, ["person_id", "index_date"], "index_date")
        columns = scope.columns(roots)
        columns[column_name(definition.id)] = columns[column_name(definition.rule.id)]
        return scope.table.select("person_id", "index_date", **columns)
