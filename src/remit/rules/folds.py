"""The pure folds of the composite operators: how children's truths and values
become the parent's.

The interpreter (:mod:`remit.rules.interpret`) and the decisive-unknown
analysis (:mod:`remit.rules.decisive`) both call these, so a "what if this item
were met" re-fold cannot drift from the evaluation it is asking about.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

from remit.core.intervals import Interval
from remit.core.truth import Truth, all_of, any_of, at_least
from remit.rules import ast
from remit.rules.arithmetic import add, clip_max, clip_min, divide, multiply, subtract

__all__ = ["BOOLEAN", "arith_fold", "boolean_fold", "compare_fold", "domain_bounds", "indicator_value"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

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
    met = [o.points for o, t in zip(domain.options, truths, strict=True) if t is TRUE]
    open_ = [o.points for o, t in zip(domain.options, truths, strict=True) if t is UNKNOWN]
    return Interval(max(met, default=0.0), max(met + open_, default=0.0))


def compare_fold(node: ast.Compare, value: Interval) -> tuple[Truth, str | None]:
    """Compare an interval with the threshold; a value exactly on a disputed boundary is unknown."""
    truth = value.compare(node.op, node.threshold)
    if node.boundary_conflict and value.is_point and value.low == node.threshold:
        return UNKNOWN, (
            f"value exactly {node.threshold:g} {node.unit}: the sources disagree whether the boundary "
            "is included, so this item is indeterminate"
        )
    return truth, None


_INDICATOR = {TRUE: Interval.point(1), FALSE: Interval.point(0), UNKNOWN: Interval(0, 1)}


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


#: Results of arith_fold by the operator and the identities of its operands,
#: with the operands kept (so an id cannot be reused while its entry exists).
_FOLDED: dict[tuple[str, tuple[int, ...]], tuple[tuple[Interval, ...], Interval | None]] = {}
_FOLDED_LIMIT = 100_000


def arith_fold(op: str, values: list[Interval]) -> Interval | None:
    """Interval arithmetic over known values (None: undefined, e.g. a divisor spanning zero).

    Memoised by the operands' identities, as :mod:`remit.rules.identity`
    memoises one object: a score's operands are the same interval objects at
    every evaluation of a record (a recorded value, a constant, a range), and
    the JADAS variants put the same ESR through the same normalisation; the
    interval arithmetic was a tenth of an evaluation."""
    key = (op, tuple(map(id, values)))
    found = _FOLDED.get(key)
    if found is not None and all(map(operator.is_, found[0], values)):
        return found[1]
    result = _ARITH[op](values)
    if len(_FOLDED) > _FOLDED_LIMIT:
        _FOLDED.clear()
    _FOLDED[key] = (tuple(values), result)
    return result
