"""Compiled truth operators over other nodes: ``AllOf``, ``AnyOf``, ``Not``,
``AtLeast``, ``Compare`` and ``Sustained``.

Each ``compile_*`` function is called once per definition node and returns a
closure that evaluates it; the node's constants and its children's closures
are bound then, so an evaluation does no dispatch and no attribute look-ups on
the definition. The folds are those of :mod:`remit.rules.folds`, which the
decisive-unknown analysis re-applies.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from remit.core.truth import Truth, all_of
from remit.rules import ast
from remit.rules.context import Child, Context, Run
from remit.rules.folds import compare_fold
from remit.rules.results import Outcome

__all__ = ["COMPILERS"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


# These operators build most of an evaluation's outcomes, so they build them
# with tuple.__new__ from all eight fields in order (node_id, label, truth,
# value, unit, evidence, note, children): the named tuple's own __new__ is a
# Python function that takes twice as long, and keyword arguments longer still.
# Their folds are Kleene's (remit.core.truth), written out over the list of
# the children's truths; a truth node never yields None.
_new = tuple.__new__


def _compile_all_of(node: ast.AllOf, child: Child) -> Run:
    runs = tuple(child(i) for i in node.items)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        truths = [c.truth for c in children]
        truth = FALSE if FALSE in truths else UNKNOWN if UNKNOWN in truths else TRUE
        return _new(Outcome, (nid, label, truth, None, None, (), None, children))

    return run


def _compile_any_of(node: ast.AnyOf, child: Child) -> Run:
    runs = tuple(child(i) for i in node.items)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        truths = [c.truth for c in children]
        truth = TRUE if TRUE in truths else UNKNOWN if UNKNOWN in truths else FALSE
        return _new(Outcome, (nid, label, truth, None, None, (), None, children))

    return run


def _compile_not(node: ast.Not, child: Child) -> Run:
    item = child(node.item)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        outcome = item(ctx)
        truth = outcome.truth
        assert truth is not None
        # Written out rather than looked up: an enum member hashes through a Python-level __hash__.
        truth = FALSE if truth is TRUE else TRUE if truth is FALSE else UNKNOWN
        return _new(Outcome, (nid, label, truth, None, None, (), None, (outcome,)))

    return run


def _compile_at_least(node: ast.AtLeast, child: Child) -> Run:
    runs = tuple(child(i) for i in node.items)
    nid, label, k = node.id, node.label, node.k

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        truths = [c.truth for c in children if c.truth is not None]
        met = truths.count(TRUE)
        unknown = truths.count(UNKNOWN)
        truth = TRUE if met >= k else FALSE if met + unknown < k else UNKNOWN
        note = f"{met} of {len(truths)} met, {unknown} unknown; {k} needed"
        return _new(Outcome, (nid, label, truth, None, None, (), note, children))

    return run


def _compile_compare(node: ast.Compare, child: Child) -> Run:
    value = child(node.value)
    nid, label = node.id, node.label
    op, threshold = node.op, node.threshold
    plain = not node.boundary_conflict

    def run(ctx: Context) -> Outcome:
        outcome = value(ctx)
        interval = outcome.value
        if interval is None:
            missing = outcome.note or f"{outcome.label} not available"
            return _new(Outcome, (nid, label, UNKNOWN, None, None, (), missing, (outcome,)))
        if plain:
            return _new(Outcome, (nid, label, interval.compare(op, threshold), None, None, (), None, (outcome,)))
        truth, note = compare_fold(node, interval)
        return Outcome(nid, label, truth, children=(outcome,), note=note)

    return run


def _compile_sustained(node: ast.Sustained, child: Child) -> Run:
    condition = child(node.condition)
    nid, label, days = node.id, node.label, node.days
    span = timedelta(days=days)

    def run(ctx: Context) -> Outcome:
        start = ctx.index - span
        visits = ctx.record.visit_dates()
        # Visits up to the index date: the last on or before ``start``, and every one after it.
        last = bisect_right(visits, ctx.index)
        first_after = min(bisect_right(visits, start), last)
        judged_dates = visits[max(first_after - 1, 0) : last]
        before = first_after > 0
        # Newest first: the latest visit that fails restarts the clock, and the visits
        # before it cannot change that, so they are not evaluated (nor shown).
        judged: list[tuple[date, Outcome]] = []
        for d in reversed(judged_dates):
            outcome = condition(ctx.at(d))
            judged.append((d, outcome))
            if outcome.truth is FALSE:
                break
        judged.reverse()
        children = tuple(
            Outcome(f"{nid}@{d.isoformat()}", f"{o.label} on {d.isoformat()}", o.truth, children=(o,))
            for d, o in judged
        )
        if judged and judged[0][1].truth is FALSE:
            note = f"not met at the visit of {judged[0][0].isoformat()}: the clock restarts"
            return Outcome(nid, label, FALSE, children=children, note=note)
        if not before:
            note = f"no visit on or before {start.isoformat()} to show it held for {days} days"
            return Outcome(nid, label, UNKNOWN, children=children, note=note)
        truth = all_of(o.truth for _, o in judged if o.truth is not None)
        note = f"judged at {len(judged)} visit(s) from {judged_dates[0].isoformat()}"
        return Outcome(nid, label, truth, children=children, note=note)

    return run


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.AllOf: _compile_all_of,
    ast.AnyOf: _compile_any_of,
    ast.Not: _compile_not,
    ast.AtLeast: _compile_at_least,
    ast.Compare: _compile_compare,
    ast.Sustained: _compile_sustained,
}
