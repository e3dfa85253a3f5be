"""Compiled truth operators over other nodes: ``AllOf``, ``AnyOf``, ``Not``,
``AtLeast``, ``Compare`` and ``Sustained``.

Each ``compile_*`` function is called once per definition node and returns a
closure that evaluates it; the node's constants and its children's closures
are bound then, so an evaluation does no dispatch and no attribute look-ups on
the definition. The folds are those of :mod:`remit.rules.folds`, which the
decisive-unknown analysis re-applies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from remit.core.truth import Truth, all_of
from remit.rules import ast
from remit.rules.context import Child, Context, Run
from remit.rules.folds import compare_fold
from remit.rules.results import Outcome

__all__ = ["COMPILERS"]


# These operators build most of an evaluation's outcomes, so they pass all
# eight fields of Outcome positionally (node_id, label, truth, value, unit,
# evidence, note, children): keyword arguments cost twice as much to parse.
# Their folds are Kleene's (remit.core.truth), written out over the list of
# the children's truths; a truth node never yields None.

_NOT = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE, Truth.UNKNOWN: Truth.UNKNOWN}


def _compile_all_of(node: ast.AllOf, child: Child) -> Run:
    runs = tuple(child(i) for i in node.items)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        truths = [c.truth for c in children]
        truth = Truth.FALSE if Truth.FALSE in truths else Truth.UNKNOWN if Truth.UNKNOWN in truths else Truth.TRUE
        return Outcome(nid, label, truth, None, None, (), None, children)

    return run


def _compile_any_of(node: ast.AnyOf, child: Child) -> Run:
    runs = tuple(child(i) for i in node.items)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        truths = [c.truth for c in children]
        truth = Truth.TRUE if Truth.TRUE in truths else Truth.UNKNOWN if Truth.UNKNOWN in truths else Truth.FALSE
        return Outcome(nid, label, truth, None, None, (), None, children)

    return run


def _compile_not(node: ast.Not, child: Child) -> Run:
    item = child(node.item)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        outcome = item(ctx)
        assert outcome.truth is not None
        return Outcome(nid, label, _NOT[outcome.truth], None, None, (), None, (outcome,))

    return run


def _compile_at_least(node: ast.AtLeast, child: Child) -> Run:
    runs = tuple(child(i) for i in node.items)
    nid, label, k = node.id, node.label, node.k

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        truths = [c.truth for c in children if c.truth is not None]
        met = truths.count(Truth.TRUE)
        unknown = truths.count(Truth.UNKNOWN)
        truth = Truth.TRUE if met >= k else Truth.FALSE if met + unknown < k else Truth.UNKNOWN
        note = f"{met} of {len(truths)} met, {unknown} unknown; {k} needed"
        return Outcome(nid, label, truth, None, None, (), note, children)

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
            return Outcome(nid, label, Truth.UNKNOWN, children=(outcome,), note=missing)
        if plain:
            return Outcome(nid, label, interval.compare(op, threshold), None, None, (), None, (outcome,))
        truth, note = compare_fold(node, interval)
        return Outcome(nid, label, truth, children=(outcome,), note=note)

    return run


def _compile_sustained(node: ast.Sustained, child: Child) -> Run:
    condition = child(node.condition)
    nid, label, days = node.id, node.label, node.days
    span = timedelta(days=days)

    def run(ctx: Context) -> Outcome:
        start = ctx.index - span
        visits = sorted({e.date for e in ctx.record.encounters if e.date <= ctx.index})
        before = [d for d in visits if d <= start]
        judged_dates = ([before[-1]] if before else []) + [d for d in visits if d > start]
        # Newest first: the latest visit that fails restarts the clock, and the visits
        # before it cannot change that, so they are not evaluated (nor shown).
        judged: list[tuple[date, Outcome]] = []
        for d in reversed(judged_dates):
            outcome = condition(ctx.at(d))
            judged.append((d, outcome))
            if outcome.truth is Truth.FALSE:
                break
        judged.reverse()
        children = tuple(
            Outcome(f"{nid}@{d.isoformat()}", f"{o.label} on {d.isoformat()}", o.truth, children=(o,))
            for d, o in judged
        )
        if judged and judged[0][1].truth is Truth.FALSE:
            note = f"not met at the visit of {judged[0][0].isoformat()}: the clock restarts"
            return Outcome(nid, label, Truth.FALSE, children=children, note=note)
        if not before:
            note = f"no visit on or before {start.isoformat()} to show it held for {days} days"
            return Outcome(nid, label, Truth.UNKNOWN, children=children, note=note)
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
