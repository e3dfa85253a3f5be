"""The compiler's scope: one spine, the wide table of node columns built on
it, and the window and coverage expressions every leaf builder shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.composites import truth_expr, value_expr
from remit.screening.materialise import LevelChain, backend_of
from remit.screening.sql_intervals import V

if TYPE_CHECKING:
    from remit.screening.compile import Compiler


def _shift(day: ir.DateValue, days: int) -> ir.DateValue:
    """``day`` moved by whole ``days``, still a DATE (see :meth:`Scope.window_bounds`)."""
    return day if days == 0 else (day + ibis.interval(days=days)).cast("date")


def column_name(node_id: str) -> str:
    """The column of a node: its id with ``.`` as ``__`` (Spark reads dots as struct access)."""
    return node_id.replace(".", "__")


def outside_sustained(root: ast.Node) -> list[ast.Node]:
    """The nodes evaluated at the scope's own index date: a ``Sustained``
    node's condition is evaluated at visit dates, in its own scope."""
    from remit.rules.interpret import children_of

    found: list[ast.Node] = []
    stack = [root]
    while stack:
        node = stack.pop(0)
        if any(node is n for n in found):
            continue
        found.append(node)
        if not isinstance(node, ast.Sustained):
            stack.extend(children_of(node))
    return found


class Scope:
    """One spine and the nodes compiled on it.

    Every node is materialised as columns of the wide table as soon as it is
    compiled (children first), and parents refer to those columns by name.
    Building parents from their children's *expressions* instead would copy
    each child into every place it is used and make the SQL grow exponentially
    with the depth of a score formula.
    """

    def __init__(self, compiler: Compiler, spine: ir.Table, keys: list[str], index: str) -> None:
        """``spine`` must hold each key once (:meth:`Compiler.compile` makes sure of it)."""
        self.compiler = compiler
        self.facts = compiler.facts
        self.keys = keys
        self.index = index
        self.spine = spine
        self.table = spine
        self.leaves: dict[str, dict[str, str]] = {}
        # nodes whose columns the spine already holds (the gates, when pruning)
        self.done: set[str] = set()

    def nested(self, spine: ir.Table, keys: list[str], index: str) -> Scope:
        """A scope on another spine with the same fact tables (``Sustained``)."""
        return Scope(self.compiler, spine, keys, index)

    # ----- building

    def columns(self, roots: list[ast.Node]) -> dict[str, Any]:
        nodes: list[ast.Node] = []
        for root in roots:
            nodes.extend(n for n in outside_sustained(root) if n.id not in {m.id for m in nodes})
        from remit.screening.leaves import LEAVES

        for node in nodes:
            if isinstance(node, LEAVES) and node.id not in self.leaves and node.id not in self.done:
                self._join_leaf(node)
        self._materialise(nodes)
        out: dict[str, Any] = {}
        for node in nodes:
            name = column_name(node.id)
            if isinstance(node, ast.TRUTH_NODES):
                out[name] = self.table[name]
            else:
                for suffix in ("low", "high", "low_closed", "high_closed"):
                    out[f"{name}__{suffix}"] = self.table[f"{name}__{suffix}"]
        return out

    def _join_leaf(self, node: ast.Node) -> None:
        from remit.screening.leaves import LEAF_BUILDERS

        leaf: ir.Table = LEAF_BUILDERS[type(node)](self, node)
        prefix = f"leaf__{column_name(node.id)}"
        renamed = leaf.rename({f"{prefix}__{c}": c for c in leaf.columns if c not in self.keys})
        self.table = self.table.left_join(renamed, self.keys).select(
            *self.table.columns, *[c for c in renamed.columns if c not in self.keys]
        )
        self.leaves[node.id] = {c: f"{prefix}__{c}" for c in leaf.columns if c not in self.keys}

    def _materialise(self, nodes: list[ast.Node]) -> None:
        """Add every node's columns, one projection per tree level: a node's
        children are always on a lower level, so parents refer to columns
        that already exist (one projection per node would nest ~100 deep).
        On PostgreSQL each level is a materialised CTE (:mod:`.materialise`)."""
        from remit.rules.interpret import children_of

        height: dict[str, int] = {}

        def level(node: ast.Node) -> int:
            if node.id not in height:
                below = [] if node.id in self.leaves else [level(c) for c in children_of(node)]
                height[node.id] = 1 + max(below, default=-1)
            return height[node.id]

        for node in nodes:
            level(node)
        by_level: dict[int, list[ast.Node]] = {}
        for node in nodes:
            if node.id not in self.done:
                by_level.setdefault(height[node.id], []).append(node)
        chain = LevelChain(backend_of(self.facts["person"])) if self.compiler.materialise and by_level else None
        if chain is not None:
            self.table = chain.add(self.table)
        for h in sorted(by_level):
            columns: dict[str, Any] = {}
            for node in by_level[h]:
                name = column_name(node.id)
                if isinstance(node, ast.TRUTH_NODES):
                    columns[name] = truth_expr(self, node)
                else:
                    v = value_expr(self, node)
                    columns.update(
                        {
                            f"{name}__low": v.low.cast("float64"),
                            f"{name}__high": v.high.cast("float64"),
                            f"{name}__low_closed": v.lc,
                            f"{name}__high_closed": v.hc,
                        }
                    )
                self.done.add(node.id)
            self.table = self.table.mutate(**columns)
            if chain is not None:
                self.table = chain.add(self.table)
        if chain is not None:
            self.table = chain.finish()

    def t(self, node: ast.Node) -> ir.BooleanValue:
        """A materialised truth column of the current table."""
        return self.table[column_name(node.id)]

    def v(self, node: ast.Node) -> V:
        """A materialised interval of the current table."""
        name = column_name(node.id)
        return V(
            self.table[f"{name}__low"],
            self.table[f"{name}__high"],
            self.table[f"{name}__low_closed"],
            self.table[f"{name}__high_closed"],
        )

    def leaf_cols(self, node: ast.Node) -> dict[str, Any]:
        return {name: self.table[column] for name, column in self.leaves[node.id].items()}

    # ----- windows

    def anchor(self, t: ir.Table, window: ast.Window) -> ir.DateValue:
        return t["baseline_date"] if window.anchor is ast.Anchor.BASELINE else t[self.index]

    def window_bounds(self, t: ir.Table, window: ast.Window) -> tuple[ir.DateValue | None, ir.DateValue]:
        """Inclusive whole-day bounds, typed DATE: ``date + INTERVAL`` is a
        TIMESTAMP in DuckDB and PostgreSQL, and comparing a date column with it
        casts every row of the join (DuckDB then cannot plan a range join)."""
        anchor = self.anchor(t, window)
        start = None if window.days_before is None else _shift(anchor, -window.days_before)
        return start, _shift(anchor, window.days_after)

    def spine_keys(self) -> ir.Table:
        """The spine alone (never the growing wide table: each leaf would
        otherwise embed every join made before it). Its keys are unique
        already, so no DISTINCT (one hash aggregate of the spine per leaf)."""
        cols = list(dict.fromkeys([*self.keys, "baseline_date"]))
        return self.spine.select(*cols)

    # ----- coverage

    def covered(self, t: ir.Table, start: ir.DateValue | None, end: ir.DateValue) -> ir.BooleanValue:
        """Whether the person's data coverage spans ``start..end`` (t must hold
        the joined coverage columns ``cov_start``/``cov_end`` and ``life_start``).
        A whole-history window (no start) begins at the earliest possible date
        of birth; unknown birth is never covered."""
        if start is None:
            return ((t["cov_start"] <= t["life_start"]) & (t["cov_end"] >= end)).fill_null(False)
        return (t["cov_start"] <= start) & (t["cov_end"] >= end)

    def with_coverage(self, t: ir.Table) -> ir.Table:
        cov = self.facts["coverage"].rename(cov_start="start", cov_end="end")
        births = self.facts["person"].select("person_id", life_start="birth_low")
        t2 = t.left_join(cov, "person_id").select(*t.columns, "cov_start", "cov_end")
        return t2.left_join(births, "person_id").select(*t2.columns, "life_start")

    def with_record_start(self, t: ir.Table) -> ir.Table:
        """``t`` with ``record_start``: the person's earliest dated fact (the
        interpreter's ``PatientRecord.first_fact``), NULL for an empty record.
        Adverse events are no fact table here, so an adverse event that is the
        earliest fact of a record is not seen (no operator reads them)."""
        f = self.facts
        firsts = [
            f["condition"].select("person_id", day="onset"),
            f["encounter"].select("person_id", day="date"),
            f["measurement"].select("person_id", day="date"),
            f["finding"].select("person_id", day="start"),
            f["drug"].select("person_id", day="start"),
            f["episode"].select("person_id", day="start"),
            f["diary_day"].select("person_id", day="date"),
        ]
        days = ibis.union(*firsts, distinct=False)
        starts = days.group_by("person_id").aggregate(record_start=days.day.min())
        return t.left_join(starts, "person_id").select(*t.columns, "record_start")

    def recorded_window(
        self, t: ir.Table, start: ir.DateValue | None, end: ir.DateValue
    ) -> tuple[ir.DateValue, ir.BooleanValue]:
        """SQL form of the interpreter's ``_recorded_window``: the window clipped
        to the start of the record, and whether coverage spans that part (t must
        hold ``record_start`` and the coverage columns)."""
        first = t["record_start"]
        begin = first if start is None else ibis.greatest(start, first)
        complete = (first.notnull() & (begin <= end) & (t["cov_start"] <= begin) & (t["cov_end"] >= end)).fill_null(
            False
        )
        return begin, complete
