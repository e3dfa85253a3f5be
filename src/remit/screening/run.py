"""Screening a population: which patient-days are evaluated, the run, and its summaries.

**Evaluation dates.** A definition is evaluated on every day a person has a
fact it can use: a measurement of an analyte it names, a finding of a kind
it names (present or absent), the start of an episode of a kind it counts, a
diary day if it sums a diary - or, for a definition that names none of these
(conditions, age, medication only), every visit day. Days without such a fact
would repeat the previous evaluation's inputs minus what fell out of a window,
so they are not screened. No baseline date is set (definitions measured
against a baseline are refused, as the interpreter refuses them without one).

**The run** compiles the definition with :class:`remit.screening.compile.Compiler`
over the fact tables (:mod:`.sources`), materialises the explanation matrix once
on the backend (a temporary table: nothing is pulled into Python), then

* writes the rows whose definition is MET or INDETERMINATE (all rows with
  ``all_days``) to Parquet: ``person_id``, ``date``, one column per node
  (truth nodes as nullable booleans, value nodes as ``<node>__low``/``__high``
  and the closedness of each end - the compiler's columns);
* computes the attrition summary - per truth node, how many evaluated
  patient-days it is met, not met, unknown or (pruned rows) not computed on - and how many patients and
  patient-days are MET or INDETERMINATE, in one aggregate query.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from remit.errors import RemitError
from remit.rules import ast
from remit.rules.tree import children_of
from remit.screening.compile import Compiler, column_name
from remit.screening.materialise import needs_materialising

_COUNTER = itertools.count()
_SPARK_FRAMES: dict[str, Any] = {}  # checkpointed results on Spark, by view name (see _materialise)


class ScreeningError(RemitError, ValueError):
    code = "screening"


PHASES = ("compiling", "evaluating", "writing", "summarising")  # what ``screen`` reports to ``step``


@dataclass(frozen=True, slots=True)
class NodeCount:
    node_id: str
    label: str
    met: int
    not_met: int
    unknown: int
    not_computed: int = 0  # pruned patient-days where this node was not evaluated (see docs/screening.md)


@dataclass
class ScreenResult:
    instrument: str
    path: Path | None
    days_evaluated: int
    days_met: int
    days_indeterminate: int
    persons_evaluated: int
    persons_met: int
    persons_indeterminate: int  # indeterminate on some day and met on none
    attrition: list[NodeCount] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Needs:
    """What a definition reads, to choose its evaluation dates (and push filters down)."""

    analytes: frozenset[str]
    findings: frozenset[str]
    episodes: frozenset[str]
    diary: bool


def needs(definition: ast.Criterion) -> Needs:
    analytes: set[str] = set()
    findings: set[str] = set()
    episodes: set[str] = set()
    diary = False
    stack: list[ast.Node] = [definition.rule, *([definition.score] if definition.score else [])]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Measure | ast.WithinReference | ast.HasValue | ast.HasResult):
            analytes.add(node.analyte)
        elif isinstance(node, ast.HasFinding | ast.RunLength):
            findings.add(node.kind)
        elif isinstance(node, ast.CountEpisodes):
            episodes.add(node.kind.value)
        elif isinstance(node, ast.DiarySum):
            diary = True
        stack.extend(children_of(node))
    return Needs(frozenset(analytes), frozenset(findings), frozenset(episodes), diary)


def evaluation_dates(facts: dict[str, ir.Table], definition: ast.Criterion) -> ir.Table:
    """The spine: ``person_id, index_date, baseline_date`` (see the module docstring)."""
    need = needs(definition)
    parts: list[ir.Table] = []
    m = facts["measurement"]
    if need.analytes:
        m = m.filter(m.analyte.isin(sorted(need.analytes)))
        parts.append(m.select("person_id", index_date=m.date))
    if need.findings:
        f = facts["finding"]
        f = f.filter(f.kind.isin(sorted(need.findings)))
        parts.append(f.select("person_id", index_date=f.start))
    if need.episodes:
        e = facts["episode"]
        e = e.filter(e.kind.isin(sorted(need.episodes)))
        parts.append(e.select("person_id", index_date=e.start))
    if need.diary:
        parts.append(facts["diary_day"].select("person_id", index_date="date"))
    if not parts:
        parts.append(facts["encounter"].select("person_id", index_date="date"))
    days = ibis.union(*parts, distinct=True) if len(parts) > 1 else parts[0].distinct()
    return days.mutate(baseline_date=ibis.null("date"))


def truth_nodes(definition: ast.Criterion) -> list[ast.Node]:
    roots: list[ast.Node] = [definition.rule, *([definition.score] if definition.score else [])]
    seen: dict[str, ast.Node] = {}
    stack = list(reversed(roots))
    while stack:  # depth first, parents before children; a Sustained node's condition is its own scope
        node = stack.pop()
        if node.id in seen:
            continue
        if isinstance(node, ast.TRUTH_NODES):
            seen[node.id] = node
        if not isinstance(node, ast.Sustained):
            stack.extend(reversed(children_of(node)))
    return list(seen.values())


def screen(
    con: Any,
    facts: dict[str, ir.Table],
    definition: ast.Criterion,
    out: Path | None,
    *,
    all_days: bool = False,
    step: Callable[[str], None] | None = None,
    prune: bool = True,
) -> ScreenResult:
    """Screen every evaluation date of every person; ``step`` is told each phase as it starts.

    ``prune`` (the default) decides the cheap necessary conditions first and
    computes the rest of the definition only where none is NOT MET
    (:mod:`.pushdown`): the results then have a ``pruned`` column, and on
    pruned rows the rule is NOT MET and nodes outside the gates are NULL
    (not computed), which the attrition counts as ``not_computed``."""
    if definition.needs_baseline:
        raise ScreeningError(
            f"{definition.id} compares with a baseline visit; population screening sets no baseline dates"
        )
    began = time.perf_counter()
    tell = step or (lambda _: None)
    tell("compiling")
    spine = evaluation_dates(facts, definition)
    # On PostgreSQL the pruned plan is not run through the materialised levels and its
    # planner does not finish on a real extract: pruning is a DuckDB (and Spark) plan for now.
    prune = prune and not needs_materialising(facts["person"])
    matrix = Compiler(facts, prune=prune).compile(definition, spine, distinct=True).rename(date="index_date")
    root = column_name(definition.rule.id)
    tell("evaluating")
    name = f"screen_{definition.id}_{next(_COUNTER)}"
    table = _materialise(con, name, matrix)
    try:
        tell("writing")
        if out is not None:
            chosen = table if all_days else table.filter(table[root].isnull() | table[root])
            # value columns are double precision in the results (a backend may have typed a constant DECIMAL)
            chosen = chosen.mutate(
                **{c: chosen[c].cast("float64") for c, k in chosen.schema().items() if k.is_decimal()}
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            con.to_parquet(chosen.order_by(["person_id", "date"]), out)
        tell("summarising")
        result = _summarise(con, table, definition, root)
    finally:
        _drop(con, name)
    result.path = out
    result.seconds = time.perf_counter() - began
    return result


def storing(con: Any) -> Callable[[str, ir.Table], ir.Table]:
    """A ``store`` for :func:`remit.screening.sources.cdm_facts`: temporary tables on ``con``."""
    return lambda name, expr: _materialise(con, f"{name}_{next(_COUNTER)}", expr)


def materialise_facts(con: Any, facts: dict[str, ir.Table], *, tag: str = "") -> dict[str, ir.Table]:
    """Each fact table computed once into a temporary table on the backend.

    The fact tables of an OMOP source are views that parse, convert and
    look up every row; a compiled definition reads the measurement table
    once per leaf, so computing it once first is the cheap plan. Nothing
    leaves the backend."""
    suffix = tag or str(next(_COUNTER))
    return {name: _materialise(con, f"facts_{name}_{suffix}", expr) for name, expr in facts.items()}


def _materialise(con: Any, name: str, expr: ir.Table) -> ir.Table:
    """A temporary table on the backend holding ``expr`` (raw SQL: ibis 12's
    ``create_table`` issues a DROP statement DuckDB 1.5 rejects)."""
    sql = con.compile(expr)
    if con.name == "pyspark":
        # Spark SQL has no temporary tables. A cached view (CACHE TABLE) keeps its whole logical
        # plan, and Spark analyses that plan again in every query that reads the view: writing
        # and summarising a 2,772-row result took minutes. A local checkpoint keeps the rows
        # and cuts the plan off, so later queries start from a plain scan.
        frame = con._session.sql(sql).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        _SPARK_FRAMES[name] = frame
    else:
        _execute(con, f'CREATE TEMPORARY TABLE "{name}" AS {sql}')
    return con.table(name)


def _drop(con: Any, name: str) -> None:
    if con.name == "pyspark":
        frame = _SPARK_FRAMES.pop(name, None)
        if frame is not None:
            frame.unpersist()
        _execute(con, f"DROP VIEW IF EXISTS `{name}`")
    else:
        _execute(con, f'DROP TABLE IF EXISTS "{name}"')


def _execute(con: Any, sql: str) -> None:
    result = con.raw_sql(sql)
    if con.name == "postgres":  # a cursor; DuckDB returns the connection itself
        result.close()


def _summarise(con: Any, table: ir.Table, definition: ast.Criterion, root: str) -> ScreenResult:
    nodes = truth_nodes(definition)
    counts: dict[str, Any] = {}
    pruned = table["pruned"].fill_null(False) if "pruned" in table.columns else ibis.literal(False)
    for i, node in enumerate(nodes):
        col = table[column_name(node.id)]
        counts[f"m{i}"] = _one_if(col).sum().fill_null(0)
        counts[f"u{i}"] = _one_if(col.isnull() & ~pruned).sum().fill_null(0)
        counts[f"n{i}"] = _one_if(col.isnull() & pruned).sum().fill_null(0)
    counts["days"] = table.count()
    counts["persons"] = table.person_id.nunique()
    per_person = table.group_by("person_id").aggregate(
        any_met=_one_if(table[root]).max(), any_unknown=_one_if(table[root].isnull()).max()
    )
    frame = con.execute(table.aggregate(**counts))
    people = con.execute(
        per_person.aggregate(
            met=_one_if(per_person.any_met == 1).sum().fill_null(0),
            indeterminate=_one_if((per_person.any_met == 0) & (per_person.any_unknown == 1)).sum().fill_null(0),
        )
    )
    row = frame.iloc[0]
    days = int(row["days"])
    attrition = []
    root_met = root_unknown = 0
    for i, node in enumerate(nodes):
        met, unknown, skipped = int(row[f"m{i}"]), int(row[f"u{i}"]), int(row[f"n{i}"])
        attrition.append(NodeCount(node.id, node.label, met, days - met - unknown - skipped, unknown, skipped))
        if node.id == definition.rule.id:
            root_met, root_unknown = met, unknown
    return ScreenResult(
        instrument=definition.id,
        path=None,
        days_evaluated=days,
        days_met=root_met,
        days_indeterminate=root_unknown,
        persons_evaluated=int(row["persons"]),
        persons_met=int(people["met"].iloc[0]),
        persons_indeterminate=int(people["indeterminate"].iloc[0]),
        attrition=attrition,
    )


def _one_if(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 where TRUE, else 0 (NULL included); portable where a boolean cast is not (PostgreSQL)."""
    return ibis.cases((condition.fill_null(False), 1), else_=0).cast("int64")


def attrition_rows(result: ScreenResult) -> list[dict[str, Any]]:
    """The attrition summary as rows (for CSV and tables)."""
    return [
        {
            "instrument": result.instrument,
            "node": c.node_id,
            "label": c.label,
            "met": c.met,
            "not_met": c.not_met,
            "unknown": c.unknown,
            "not_computed": c.not_computed,
        }
        for c in result.attrition
    ]
