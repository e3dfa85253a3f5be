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

# Outcomes from their eight fields in order, as in remit.rules.composites.
_new = tuple.__new__


def _compile_const(node: ast.Const, child: Child) -> Run:
    outcome = Outcome(node.id, node.label, value=_interned(node.value, node.value), unit=node.unit)
    return lambda ctx: outcome


_CONSTANTS: dict[tuple[type, str, type, str], Interval] = {}


def _interned(low: float, high: float) -> Interval:
    """One interval object per constant (and per whole range of a ``Bounded``),
    so that the arithmetic memo (:func:`remit.rules.folds.arith_fold`), keyed by
    its operands' identities, finds the same constant in every definition.
    Keyed by type and ``repr``, so 20 and 20.0, or 0.0 and -0.0, stay apart."""
    key = (type(low), repr(low), type(high), repr(high))
    found = _CONSTANTS.get(key)
    if found is None:
        if len(_CONSTANTS) > 10_000:
            _CONSTANTS.clear()
        found = _CONSTANTS[key] = Interval(low, high)
    return found


def _compile_indicator(node: ast.Indicator, child: Child) -> Run:
    condition = child(node.condition)
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        outcome = condition(ctx)
        assert outcome.truth is not None
        return _new(Outcome, (nid, label, None, indicator_value(outcome.truth), "1", (), None, (outcome,)))

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
        return _new(Outcome, (nid, label, None, arith_fold(op, values), unit, (), None, children))

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
    # Each domain's bounds by its options' truths, computed once per pattern
    # (at most 3 ** options patterns; the intervals are immutable). The key is
    # the truths' identities: an enum member hashes through a Python-level __hash__.
    bounds_of: list[dict[tuple[int, ...], Interval]] = [{} for _ in node.domains]
    domains = tuple(
        (d, d.id, d.label, tuple(child(o.when) for o in d.options), seen)
        for d, seen in zip(node.domains, bounds_of, strict=True)
    )
    nid, label = node.id, node.label

    def run(ctx: Context) -> Outcome:
        domain_outcomes = []
        total_low = total_high = 0.0
        for domain, domain_id, domain_label, runs, seen in domains:
            options = tuple([r(ctx) for r in runs])
            truths = [o.truth for o in options]
            key = tuple(map(id, truths))
            bounds = seen.get(key)
            if bounds is None:
                bounds = seen[key] = domain_bounds(domain, truths)
            total_low += bounds.low
            total_high += bounds.high
            domain_outcomes.append(_new(Outcome, (domain_id, domain_label, None, bounds, "points", (), None, options)))
        total = Interval(total_low, total_high)
        return _new(Outcome, (nid, label, None, total, "points", (), None, tuple(domain_outcomes)))

    return run


def _compile_bounded(node: ast.Bounded, child: Child) -> Run:
    value = child(node.value)
    nid, label, unit = node.id, node.label, node.unit
    whole_range = _interned(node.low, node.high)
    suffix = f" unknown: counted as its whole range {node.low:g}-{node.high:g}"

    def run(ctx: Context) -> Outcome:
        outcome = value(ctx)
        if outcome.value is not None:
            return _new(Outcome, (nid, label, None, outcome.value, unit, (), None, (outcome,)))
        note = f"{outcome.label}{suffix}"
        return _new(Outcome, (nid, label, None, whole_range, unit, (), note, (outcome,)))

    return run


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.Const: _compile_const,
    ast.Indicator: _compile_indicator,
    ast.Arith: _compile_arith,
    ast.Change: _compile_change,
    ast.Points: _compile_points,
    ast.Bounded: _compile_bounded,
}
