"""Interval arithmetic for score formulas (MS score, JADAS, percent change).

A censored input (``ferritin >2000``) makes the score an interval; a score is
exact only when all its inputs are. Open/closed ends are carried so that a
score built from ``>2000`` stays strictly above its bound.
"""

from __future__ import annotations

import math

from remit.core.intervals import Interval

ROUND_DIGITS = 9


def tidy(value: float) -> float:
    """Round a computed result to 1e-9 (finite values only). The screening
    compiler rounds identically, so both engines agree on exact boundaries such
    as an MS score of exactly -2.1."""
    return round(value, ROUND_DIGITS) if math.isfinite(value) else value


def _mul(a: float, b: float) -> float:
    if a == 0 or b == 0:  # 0 x inf is 0 here: a zero coefficient removes the term
        return 0.0
    return a * b


def add(values: list[Interval]) -> Interval:
    # Lists and C-level folds rather than generators: the scores add at every evaluation.
    lows = [v.low for v in values]
    highs = [v.high for v in values]
    low = tidy(math.fsum(lows)) if all(map(math.isfinite, lows)) else -math.inf
    high = tidy(math.fsum(highs)) if all(map(math.isfinite, highs)) else math.inf
    return Interval(low, high, all(v.low_closed for v in values), all(v.high_closed for v in values))


def subtract(values: list[Interval]) -> Interval:
    a, b = values
    negated = Interval(-b.high, -b.low, b.high_closed, b.low_closed)
    return add([a, negated])


def _corner(x: float, x_closed: bool, y: float, y_closed: bool) -> tuple[float, bool]:
    """A corner product and whether it is attained. A zero that is a member of
    one factor makes the product 0 whatever the other factor's end is."""
    value = _mul(x, y)
    attained = (x_closed and y_closed) or (value == 0 and ((x == 0 and x_closed) or (y == 0 and y_closed)))
    return value, attained


def _times(a: Interval, b: Interval) -> Interval:
    if a.low == a.high and b.low == b.high and a.low_closed and a.high_closed and b.low_closed and b.high_closed:
        # Two closed points (most scores): every corner is the same attained product.
        product = tidy(_mul(a.low, b.low))
        return Interval(product, product)
    corners = [
        _corner(a.low, a.low_closed, b.low, b.low_closed),
        _corner(a.low, a.low_closed, b.high, b.high_closed),
        _corner(a.high, a.high_closed, b.low, b.low_closed),
        _corner(a.high, a.high_closed, b.high, b.high_closed),
    ]
    low = min(c[0] for c in corners)
    high = max(c[0] for c in corners)
    low_closed = any(closed for value, closed in corners if value == low)
    high_closed = any(closed for value, closed in corners if value == high)
    return Interval(tidy(low), tidy(high), low_closed, high_closed)


def multiply(values: list[Interval]) -> Interval:
    result = values[0]
    for value in values[1:]:
        result = _times(result, value)
    return result


def divide(values: list[Interval]) -> Interval | None:
    a, b = values
    if b.low <= 0 <= b.high:
        return None
    inverse = Interval(
        1 / b.high if math.isfinite(b.high) else 0.0,
        1 / b.low if math.isfinite(b.low) else 0.0,
        b.high_closed,
        b.low_closed,
    )
    return _times(a, inverse)


def reduce_intervals(intervals: list[Interval], *, maximum: bool) -> Interval:
    """The interval of the max (or min) of several uncertain values.

    For the max, the lower end is the largest lower end (open if any interval
    tied there is open: max(X >= 5, Y > 5) > 5) and the upper end the largest
    upper end (closed if any tied interval can reach it). The min mirrors it.
    The screening compiler implements the same rule in SQL.
    """
    lows = [i.low for i in intervals]
    highs = [i.high for i in intervals]
    if maximum:
        low, high = max(lows), max(highs)
        low_closed = all(i.low_closed for i in intervals if i.low == low)
        high_closed = any(i.high_closed for i in intervals if i.high == high)
    else:
        low, high = min(lows), min(highs)
        low_closed = any(i.low_closed for i in intervals if i.low == low)
        high_closed = all(i.high_closed for i in intervals if i.high == high)
    return Interval(low, high, low_closed, high_closed)


def clip_max(values: list[Interval]) -> Interval:
    """``min`` of the arguments (caps such as the JADAS10 joint count)."""
    return reduce_intervals(values, maximum=False)


def clip_min(values: list[Interval]) -> Interval:
    """``max`` of the arguments (floors such as ESR below 20 counting as 20)."""
    return reduce_intervals(values, maximum=True)


def percent_change(current: Interval, reference: Interval) -> Interval | None:
    """``(current - reference) / reference x 100``; zero baselines per §11:
    0 -> 0 is no change, 0 -> more is worsening (+inf)."""
    if reference.is_point and reference.low == 0:
        if current.is_point and current.low == 0:
            return Interval.point(0.0)
        if current.low > 0:
            return Interval(math.inf, math.inf)
        return None
    if reference.low <= 0:
        return None
    # An unbounded reference (baseline ">100") makes the change approach -100 %
    # for any finite current value; dropping that corner would claim precision.
    values = [
        (c - r) / r * 100 if math.isfinite(r) else -100.0
        for c in (current.low, current.high)
        for r in (reference.low, reference.high)
        if math.isfinite(r) or math.isfinite(c)
    ]
    if not values:
        return None
    return Interval(tidy(min(values)), tidy(max(values)))
