"""Compiled value operators that build scores from other nodes: ``Const``,
``Indicator``, ``Arith``, ``Change``, ``Points`` and ``Bounded`` (compiled
once per node, as in :mod:`remit.rules.composites`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from remit.core.intervals import Interval
from remit.rules import ast
from remit.rules.arithmetic import percent_change
from remit.rules.context import Child, Context, Run
from remit.rules.folds import arith_fold, domain_bounds, indicator_value
from remit.rules.results import Outcome

__all__ = ["COMPILERS"]


def _compile_const(node: ast.Const, child: Child) -> Run:
    outcome = Outcome(node.id, node.label, value=Interval.point(node.value), unit=node.unit)
    return lambda ctx: outcome


def _compile_indicator(node: ast.Indicator, child: Child) -> Run:
    condition = child(node.condition)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        outcome = condition(ctx)
        assert outcome.truth is not None
        return Outcome(nid, label, value=indicator_value(outcome.truth), unit="1", children=(outcome,))

    return run


def _compile_arith(node: ast.Arith, child: Child) -> Run:
    runs = tuple(child(a) for a in node.args)
    nid, label, op, unit = node.id, node.label, node.op, node.unit

    def run(ctx: Context) -> Outcome:
        children = tuple([r(ctx) for r in runs])
        values = [c.value for c in children if c.value is not None]
        if len(values) < len(children):
            missing = ", ".join(c.label for c in children if c.value is None)
            return Outcome(nid, label, unit=unit, children=children, note=f"unknown: {missing}")
        return Outcome(nid, label, None, arith_fold(op, values), unit, (), None, children)

    return run


def _compile_change(node: ast.Change, child: Child) -> Run:
    current_run, reference_run = child(node.current), child(node.reference)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        current, reference = current_run(ctx), reference_run(ctx)
        children = (current, reference)
        if current.value is None or reference.value is None:
            return Outcome(nid, label, unit="%", children=children, note="a value is missing")
        value = percent_change(current.value, reference.value)
        note = None if value is not None else "baseline interval includes zero; change undefined"
        return Outcome(nid, label, value=value, unit="%", children=children, note=note)

    return run


def _compile_points(node: ast.Points, child: Child) -> Run:
    domains = tuple((d, d.id, d.label, tuple(child(o.when) for o in d.options)) for d in node.domains)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        domain_outcomes = []
        total_low = total_high = 0.0
        for domain, domain_id, domain_label, runs in domains:
            options = tuple([r(ctx) for r in runs])
            bounds = domain_bounds(domain, [o.truth for o in options])
            total_low += bounds.low
            total_high += bounds.high
            domain_outcomes.append(Outcome(domain_id, domain_label, None, bounds, "points", (), None, options))
        total = Interval(total_low, total_high)
        return Outcome(nid, label, value=total, unit="points", children=tuple(domain_outcomes))

    return run


def _compile_bounded(node: ast.Bounded, child: Child) -> Run:
    value = child(node.value)
    nid, label, unit = node.id, node.label, node.unit
    low, high = node.low, node.high
    suffix = f" unknown: counted as its whole range {node.low:g}-{node.high:g}"

    def run(ctx: Context) -> Outcome:
        outcome = value(ctx)
        if outcome.value is not None:
            return Outcome(nid, label, None, outcome.value, unit, (), None, (outcome,))
        note = f"{outcome.label}{suffix}"
        return Outcome(nid, label, value=Interval(low, high), unit=unit, children=(outcome,), note=note)

    return run


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.Const: _compile_const,
    ast.Indicator: _compile_indicator,
    ast.Arith: _compile_arith,
    ast.Change: _compile_change,
    ast.Points: _compile_points,
    ast.Bounded: _compile_bounded,
}
