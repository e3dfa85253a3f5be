"""Pushdown of necessary conditions: decide the cheap "must hold" items first.

A node is *necessary* when its being NOT MET makes the definition NOT MET:
the rule itself, every item of a necessary AllOf, of an AtLeast that needs
all of its items, and the only item of a one-item AnyOf. Found from the tree
alone, for any definition (``ferritin > 684`` in MAS 2016, "no fever" in the
inactive-disease criteria).

The *gates* are the necessary nodes that are cheap: a leaf truth node over
one fact table, a comparison of one measured value or age, or the negation
of such a leaf. The compiler evaluates the gates on the whole spine first;
rows where one is definitely NOT MET (``pruned``) are NOT MET, and the rest
of the definition is compiled only on the remaining rows. Three-valued
logic makes this exact: an AllOf with a FALSE item is FALSE whatever its
other items, and UNKNOWN gates are never pruned.

Result format on pruned rows (``pruned`` is TRUE): the gates and their
subtrees carry their real values; the rule, the definition column and every
necessary AllOf/AtLeast above a FALSE gate are FALSE; every other node
column is NULL - not computed, which is not the same as UNKNOWN. On the
other rows every column is exactly the unpruned compiler's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.scope import Scope, column_name, outside_sustained
from remit.screening.sql_intervals import _NULL_BOOL, _any, _cases

_CHEAP_LEAVES = (
    ast.HasFinding,
    ast.HasCondition,
    ast.HasResult,
    ast.HasGenotype,
    ast.IsSex,
    ast.OnMedication,
    ast.WithinReference,
    ast.HasValue,
)
KEYS = ["person_id", "index_date"]

if TYPE_CHECKING:
    from remit.screening.compile import Compiler


def necessary_nodes(rule: ast.Node) -> dict[str, list[ast.Node]]:
    """Every necessary node, mapped to the necessary nodes below it (itself included)."""
    below: dict[str, list[ast.Node]] = {}

    def visit(node: ast.Node) -> list[ast.Node]:
        if node.id in below:
            return below[node.id]
        found = [node]
        if isinstance(node, ast.AllOf) or (isinstance(node, ast.AtLeast) and node.k == len(node.items)):
            children: tuple[ast.Node, ...] = node.items
        elif isinstance(node, ast.AnyOf) and len(node.items) == 1:
            children = node.items
        else:
            children = ()
        for child in children:
            found.extend(n for n in visit(child) if all(n is not m for m in found))
        below[node.id] = found
        return found

    visit(rule)
    return below


def is_cheap(node: ast.Node) -> bool:
    if isinstance(node, _CHEAP_LEAVES):
        return True
    if isinstance(node, ast.Compare):
        return isinstance(node.value, ast.Measure | ast.Age)
    if isinstance(node, ast.Not):
        return isinstance(node.item, _CHEAP_LEAVES)
    return False


def gates(rule: ast.Node) -> list[ast.Node]:
    """The cheap necessary conditions of ``rule`` (none when the rule is itself cheap)."""
    if is_cheap(rule):
        return []
    return [n for n in necessary_nodes(rule)[rule.id] if is_cheap(n)]


def compile_pruned(compiler: Compiler, definition: ast.Criterion, spine: ir.Table) -> ir.Table:
    """:meth:`Compiler.compile` with the gates pushed down (module docstring)."""
    roots: list[ast.Node] = [definition.rule] + ([definition.score] if definition.score is not None else [])
    found = gates(definition.rule)
    first = Scope(compiler, spine, KEYS, "index_date")
    gate_cols = first.columns(found) if found else {}
    stage1 = first.table.select(*KEYS, "baseline_date", **gate_cols)
    falses = [stage1[column_name(g.id)] == False for g in found]  # noqa: E712
    stage1 = stage1.mutate(pruned=_any(falses).fill_null(False) if falses else ibis.literal(False))

    # The gates' columns travel with the surviving rows and are not computed again.
    survivors = stage1.filter(~stage1.pruned).drop("pruned")
    second = Scope(compiler, survivors, KEYS, "index_date")
    second.done.update(n.id for g in found for n in outside_sustained(g))
    rest_cols = second.columns(roots)
    rest = second.table.select(*KEYS, **{f"r__{c}": v for c, v in rest_cols.items()})
    joined = stage1.left_join(rest, KEYS).select(*stage1.columns, *[f"r__{c}" for c in rest_cols])

    necessary = necessary_nodes(definition.rule)
    gate_ids = {g.id for g in found}
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for node in [n for root in roots for n in outside_sustained(root)]:
        if node.id in seen:
            continue
        seen.add(node.id)
        name = column_name(node.id)
        names = [name] if isinstance(node, ast.TRUTH_NODES) else [f"{name}__{s}" for s in _SUFFIXES]
        for column in names:
            if column in gate_cols:
                out[column] = joined[column]
            elif node.id in necessary and column == name:
                below = [joined[column_name(g.id)] == False for g in necessary[node.id] if g.id in gate_ids]  # noqa: E712
                on_pruned = _cases((_any(below), False), else_=_NULL_BOOL) if below else _NULL_BOOL
                out[column] = _cases((joined.pruned, on_pruned), else_=joined[f"r__{column}"])
            else:
                out[column] = joined[f"r__{column}"]
    out[column_name(definition.id)] = out[column_name(definition.rule.id)]
    return joined.select(*KEYS, **out, pruned=joined.pruned)


_SUFFIXES = ("low", "high", "low_closed", "high_closed")
