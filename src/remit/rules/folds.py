"""The pure folds of the composite operators: how children's truths and values
become the parent's.

The interpreter (:mod:`remit.rules.interpret`) and the decisive-unknown
analysis (:mod:`remit.rules.decisive`) both call these, so a "what if this item
were met" re-fold cannot drift from the evaluation it is asking about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from remit.core.intervals import Interval
from remit.core.truth import Truth, all_of, any_of, at_least
from remit.rules import ast
from remit.rules.arithmetic import add, clip_max, clip_min, divide, multiply, subtract

__all__ = ["BOOLEAN", "arith_fold", "boolean_fold", "compare_fold", "domain_bounds", "indicator_value"]

#: Operators whose truth is a Kleene fold of their children's truths.
BOOLEAN = (ast.AllOf, ast.AnyOf, ast.AtLeast, ast.Not)


def boolean_fold(node: ast.AllOf | ast.AnyOf | ast.AtLeast | ast.Not, truths: Sequence[Truth]) -> Truth:
    if isinstance(node, ast.AllOf):
        return all_of(truths)
    if isinstance(node, ast.AnyOf):
        return any_of(truths)
    if isinstance(node, ast.AtLeast):
        return at_least(node.k, truths)
    return ~truths[0]


def domain_bounds(domain: ast.Domain, truths: Sequence[Truth | None]) -> Interval:
    """A points domain: the highest met option counts; unknown options can only raise the upper bound."""
    met = [o.points for o, t in zip(domain.options, truths, strict=True) if t is Truth.TRUE]
    open_ = [o.points for o, t in zip(domain.options, truths, strict=True) if t is Truth.UNKNOWN]
    return Interval(max(met, default=0.0), max(met + open_, default=0.0))


def compare_fold(node: ast.Compare, value: Interval) -> tuple[Truth, str | None]:
    """Compare an interval with the threshold; a value exactly on a disputed boundary is unknown."""
    truth = value.compare(node.op, node.threshold)
    if node.boundary_conflict and value.is_point and value.low == node.threshold:
        return Truth.UNKNOWN, (
            f"value exactly {node.threshold:g} {node.unit}: the sources disagree whether the boundary "
            "is included, so this item is indeterminate"
        )
    return truth, None


_INDICATOR = {Truth.TRUE: Interval.point(1), Truth.FALSE: Interval.point(0), Truth.UNKNOWN: Interval(0, 1)}


def indicator_value(truth: Truth) -> Interval:
    """1 if met, 0 if not, [0, 1] if unknown."""
    return _INDICATOR[truth]


_ARITH: dict[str, Callable[[list[Interval]], Interval | None]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "min": clip_max,
    "max": clip_min,
}


def arith_fold(op: str, values: list[Interval]) -> Interval | None:
    """Interval arithmetic over known values (None: undefined, e.g. a divisor spanning zero)."""
    return _ARITH[op](values)
