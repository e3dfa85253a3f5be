"""Interval semantics in SQL: the ibis form of :mod:`remit.core.intervals`
and :mod:`remit.rules.arithmetic`, used by the screening compiler.

Each function mirrors one in the interpreter (named in its docstring), so the
compiled engine gives the same truth and the same bounds; the agreement tests
in ``tests/screening/`` hold the two together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from remit.core.intervals import Op
from remit.rules import ast
from remit.rules.arithmetic import ROUND_DIGITS

INF = float("inf")


_NULL_BOOL = ibis.null().cast("boolean")
_NULL_FLOAT = ibis.null().cast("float64")


def _lit(value: float) -> ir.FloatingScalar:
    return ibis.literal(value, type="float64")


@dataclass(frozen=True)
class V:
    """A compiled interval: NULL ``low`` means unknown."""

    low: ir.FloatingValue
    high: ir.FloatingValue
    lc: ir.BooleanValue
    hc: ir.BooleanValue

    @property
    def known(self) -> ir.BooleanValue:
        return self.low.notnull()


def _cases(*branches: tuple[ir.BooleanValue, Any], else_: Any) -> Any:
    return ibis.cases(*branches, else_=else_)


# ---------------------------------------------------------------- interval semantics


def compare(v: V, op: Op, t: float, *, boundary_conflict: bool = False) -> ir.BooleanValue:
    """SQL form of :meth:`remit.core.intervals.Interval.compare`."""
    lo, hi, lc, hc = v.low, v.high, v.lc, v.hc
    if op is Op.GT:
        true, false = (lo > t) | ((lo == t) & ~lc), hi <= t
    elif op is Op.GE:
        true, false = lo >= t, (hi < t) | ((hi == t) & ~hc)
    elif op is Op.LT:
        true, false = (hi < t) | ((hi == t) & ~hc), lo >= t
    else:
        true, false = hi <= t, (lo > t) | ((lo == t) & ~lc)
    branches: list[tuple[ir.BooleanValue, Any]] = [(lo.isnull(), _NULL_BOOL)]
    if boundary_conflict:
        branches.append(((lo == t) & (hi == t), _NULL_BOOL))
    branches += [(true, True), (false, False)]
    return _cases(*branches, else_=_NULL_BOOL)


def _round(x: ir.FloatingValue) -> ir.FloatingValue:
    return _cases((x.isinf() | x.isnan(), x), else_=x.round(ROUND_DIGITS)).cast("float64")


def _times(a: ir.FloatingValue, b: ir.FloatingValue) -> ir.FloatingValue:
    return _cases(((a == 0) | (b == 0), _lit(0.0)), else_=a * b)


def _add(values: list[V]) -> V:
    low = values[0].low
    high = values[0].high
    for v in values[1:]:
        low = low + v.low
        high = high + v.high
    lc = values[0].lc
    hc = values[0].hc
    for v in values[1:]:
        lc, hc = lc & v.lc, hc & v.hc
    return V(_round(low), _round(high), lc, hc)


def _neg(v: V) -> V:
    return V(-v.high, -v.low, v.hc, v.lc)


def _corner(x: ir.FloatingValue, xc: ir.BooleanValue, y: ir.FloatingValue, yc: ir.BooleanValue) -> tuple[Any, Any]:
    """SQL form of :func:`remit.rules.arithmetic._corner`: a zero that is a
    member of one factor makes the product 0, and attained."""
    value = _times(x, y)
    attained = (xc & yc) | ((value == 0) & (((x == 0) & xc) | ((y == 0) & yc)))
    return value, attained


def _mul2(a: V, b: V) -> V:
    corners = [
        _corner(a.low, a.lc, b.low, b.lc),
        _corner(a.low, a.lc, b.high, b.hc),
        _corner(a.high, a.hc, b.low, b.lc),
        _corner(a.high, a.hc, b.high, b.hc),
    ]
    low = ibis.least(*[c[0] for c in corners])
    high = ibis.greatest(*[c[0] for c in corners])
    lc = _any([(value == low) & closed for value, closed in corners])
    hc = _any([(value == high) & closed for value, closed in corners])
    return V(_round(low), _round(high), lc, hc)


def _any(items: list[ir.BooleanValue]) -> ir.BooleanValue:
    result = items[0]
    for item in items[1:]:
        result = result | item
    return result


def _all(items: list[ir.BooleanValue]) -> ir.BooleanValue:
    result = items[0]
    for item in items[1:]:
        result = result & item
    return result


def _reduce(values: list[V], *, maximum: bool) -> V:
    """SQL form of :func:`remit.rules.arithmetic.reduce_intervals`."""
    if maximum:
        low = ibis.greatest(*[v.low for v in values])
        high = ibis.greatest(*[v.high for v in values])
        lc = _all([~(v.low == low) | v.lc for v in values])
        hc = _any([(v.high == high) & v.hc for v in values])
    else:
        low = ibis.least(*[v.low for v in values])
        high = ibis.least(*[v.high for v in values])
        lc = _any([(v.low == low) & v.lc for v in values])
        hc = _all([~(v.high == high) | v.hc for v in values])
    return V(low, high, lc, hc)


def _null_unless_known(values: list[V], result: V) -> V:
    known = _all([v.known for v in values])
    return V(
        _cases((known, result.low), else_=_NULL_FLOAT),
        _cases((known, result.high), else_=_NULL_FLOAT),
        result.lc,
        result.hc,
    )


def _arith(op: str, values: list[V]) -> V:
    if op == "+":
        result = _add(values)
    elif op == "-":
        result = _add([values[0], _neg(values[1])])
    elif op == "*":
        result = values[0]
        for v in values[1:]:
            result = _mul2(result, v)
    elif op == "/":
        a, b = values
        inverse = V(
            _cases((b.high.isinf(), _lit(0.0)), else_=1 / b.high),
            _cases((b.low.isinf(), _lit(0.0)), else_=1 / b.low),
            b.hc,
            b.lc,
        )
        product = _mul2(a, inverse)
        zero = (b.low <= 0) & (b.high >= 0)
        result = V(
            _cases((zero, _NULL_FLOAT), else_=product.low),
            _cases((zero, _NULL_FLOAT), else_=product.high),
            product.lc,
            product.hc,
        )
    elif op == "min":
        result = _reduce(values, maximum=False)
    else:
        result = _reduce(values, maximum=True)
    return _null_unless_known(values, result)


def _percent_change(cur: V, ref: V) -> V:
    """SQL form of :func:`remit.rules.arithmetic.percent_change`."""
    zero_ref = (ref.low == 0) & (ref.high == 0)
    cur_zero = (cur.low == 0) & (cur.high == 0)
    # An unbounded reference end gives -100 % for a finite current end, and no
    # corner at all when both are unbounded (rules/arithmetic.percent_change).
    corners = []
    for c in (cur.low, cur.high):
        for r in (ref.low, ref.high):
            corners.append(
                _cases((r.isinf() & c.isinf(), _NULL_FLOAT), (r.isinf(), _lit(-100.0)), else_=(c - r) / r * 100)
            )
    low = _round(ibis.least(*corners))
    high = _round(ibis.greatest(*corners))
    unknown = cur.low.isnull() | ref.low.isnull()
    lo = _cases(
        (unknown, _NULL_FLOAT),
        (zero_ref & cur_zero, _lit(0.0)),
        (zero_ref & (cur.low > 0), _lit(INF)),
        (zero_ref, _NULL_FLOAT),
        (ref.low <= 0, _NULL_FLOAT),
        else_=low,
    )
    hi = _cases(
        (unknown, _NULL_FLOAT),
        (zero_ref & cur_zero, _lit(0.0)),
        (zero_ref & (cur.low > 0), _lit(INF)),
        (zero_ref, _NULL_FLOAT),
        (ref.low <= 0, _NULL_FLOAT),
        else_=high,
    )
    return V(lo, hi, ibis.literal(True), ibis.literal(True))


def _attribute_truth(text: ir.StringValue, num: ir.FloatingValue, test: ast.AttributeTest) -> ir.BooleanValue:
    """SQL form of the interpreter's attribute test (text case-insensitive,
    numbers numerically, a missing attribute unknown)."""
    expected = test.value
    if test.op == "==":
        truth = text.lower() == str(expected).casefold()
    elif test.op == "in":
        assert isinstance(expected, tuple)
        truth = text.lower().isin([e.casefold() for e in expected])
    elif isinstance(expected, bool | str | tuple):
        return _NULL_BOOL
    else:
        v = V(num, num, ibis.literal(True), ibis.literal(True))
        truth = compare(v, Op(test.op), float(expected))
        return _cases((text.isnull() | num.isnull(), _NULL_BOOL), else_=truth)
    return _cases((text.isnull(), _NULL_BOOL), else_=truth)


def _one_if(condition: Any) -> ir.IntegerValue:
    """1 where ``condition`` is TRUE, else 0 (NULL counts as 0). PostgreSQL
    cannot cast a boolean to an integer, so this is a CASE everywhere."""
    return ibis.cases((condition, 1), else_=0).cast("int64")


def _kleene_any(truth: ir.BooleanValue) -> ir.BooleanValue:
    """Aggregate OR with Kleene semantics (NULL for an empty group)."""
    n_true = _one_if(truth).sum()
    n_null = _one_if(truth.isnull()).sum()
    return _cases((n_true > 0, True), (n_null > 0, _NULL_BOOL), else_=False)


def _kleene_all(truth: ir.BooleanValue) -> ir.BooleanValue:
    n_false = _one_if(~truth).sum()
    n_null = _one_if(truth.isnull()).sum()
    return _cases((n_false > 0, False), (n_null > 0, _NULL_BOOL), else_=True)
