"""Interval.compare, with every expectation written from the definition:

    compare(op, t) is TRUE  when every value in the interval satisfies ``x op t``,
                      FALSE when no value does,
                      UNKNOWN otherwise.

An open end is not a member of the interval, so ``(2000, inf) > 2000`` is TRUE
and ``(-inf, 181] < 181`` is UNKNOWN (181 itself is a member and fails).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.intervals import Interval, Op
from remit.core.truth import Truth

INF = math.inf
T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

POINT_5 = Interval.point(5)
CLOSED = Interval(2, 4)  # [2, 4]
OPEN = Interval(2, 4, False, False)  # (2, 4)
CLOSED_OPEN = Interval(2, 4, True, False)  # [2, 4)
OPEN_CLOSED = Interval(2, 4, False, True)  # (2, 4]
ABOVE_2000 = Interval(2000, INF, False, False)  # ">2000"
AT_LEAST_2000 = Interval(2000, INF, True, False)  # ">=2000"
BELOW_HALF = Interval(-INF, 0.5, False, False)  # "<0.5"
AT_MOST_181 = Interval(-INF, 181, False, True)  # "<=181"
LOW_PLATELETS = Interval(-INF, 150, False, False)  # "low" against a lower reference limit of 150
EVERYTHING = Interval.everything()

# fmt: off
CASES = [
    # a point: exactly Python's comparison
    (POINT_5, Op.GT, 4, T), (POINT_5, Op.GT, 5, F), (POINT_5, Op.GT, 6, F),
    (POINT_5, Op.GE, 4, T), (POINT_5, Op.GE, 5, T), (POINT_5, Op.GE, 6, F),
    (POINT_5, Op.LT, 4, F), (POINT_5, Op.LT, 5, F), (POINT_5, Op.LT, 6, T),
    (POINT_5, Op.LE, 4, F), (POINT_5, Op.LE, 5, T), (POINT_5, Op.LE, 6, T),
    # [2, 4]: both ends are members
    (CLOSED, Op.GT, 1, T), (CLOSED, Op.GT, 2, U), (CLOSED, Op.GT, 3, U), (CLOSED, Op.GT, 4, F), (CLOSED, Op.GT, 5, F),
    (CLOSED, Op.GE, 1, T), (CLOSED, Op.GE, 2, T), (CLOSED, Op.GE, 4, U), (CLOSED, Op.GE, 4.5, F),
    (CLOSED, Op.LT, 1, F), (CLOSED, Op.LT, 2, F), (CLOSED, Op.LT, 4, U), (CLOSED, Op.LT, 5, T),
    (CLOSED, Op.LE, 1, F), (CLOSED, Op.LE, 2, U), (CLOSED, Op.LE, 3, U), (CLOSED, Op.LE, 4, T),
    # (2, 4): neither end is a member
    (OPEN, Op.GT, 2, T), (OPEN, Op.GT, 3, U), (OPEN, Op.GT, 4, F),
    (OPEN, Op.GE, 2, T), (OPEN, Op.GE, 4, F), (OPEN, Op.GE, 3.999, U),
    (OPEN, Op.LT, 4, T), (OPEN, Op.LT, 2, F), (OPEN, Op.LT, 2.001, U),
    (OPEN, Op.LE, 4, T), (OPEN, Op.LE, 2, F), (OPEN, Op.LE, 3, U),
    # [2, 4): the low end is a member, the high end is not
    (CLOSED_OPEN, Op.GT, 2, U), (CLOSED_OPEN, Op.GE, 2, T), (CLOSED_OPEN, Op.GE, 4, F), (CLOSED_OPEN, Op.GT, 4, F),
    (CLOSED_OPEN, Op.LT, 4, T), (CLOSED_OPEN, Op.LE, 4, T), (CLOSED_OPEN, Op.LT, 2, F), (CLOSED_OPEN, Op.LE, 2, U),
    # (2, 4]: the mirror image
    (OPEN_CLOSED, Op.GT, 2, T), (OPEN_CLOSED, Op.GE, 2, T), (OPEN_CLOSED, Op.GE, 4, U), (OPEN_CLOSED, Op.GT, 4, F),
    (OPEN_CLOSED, Op.LT, 4, U), (OPEN_CLOSED, Op.LE, 4, T), (OPEN_CLOSED, Op.LT, 2, F), (OPEN_CLOSED, Op.LE, 2, F),
    # ">2000" ng/mL against the MAS 2016 and HLH thresholds
    (ABOVE_2000, Op.GT, 684, T), (ABOVE_2000, Op.GE, 3910, U), (ABOVE_2000, Op.GT, 2000, T),
    (ABOVE_2000, Op.GE, 2000, T), (ABOVE_2000, Op.LE, 2000, F), (ABOVE_2000, Op.LT, 2000, F),
    (ABOVE_2000, Op.LE, 684, F), (ABOVE_2000, Op.LT, 1e6, U), (ABOVE_2000, Op.GE, 500, T),
    # ">=2000": 2000 itself is possible
    (AT_LEAST_2000, Op.GT, 2000, U), (AT_LEAST_2000, Op.GE, 2000, T), (AT_LEAST_2000, Op.LT, 2000, F),
    (AT_LEAST_2000, Op.LE, 2000, U), (AT_LEAST_2000, Op.GT, 1999.99, T),
    # "<0.5"
    (BELOW_HALF, Op.LT, 0.5, T), (BELOW_HALF, Op.LE, 0.5, T), (BELOW_HALF, Op.GE, 0.5, F), (BELOW_HALF, Op.GT, 0.5, F),
    (BELOW_HALF, Op.LT, 0.3, U), (BELOW_HALF, Op.GT, -1, U), (BELOW_HALF, Op.LT, 10, T),
    # "<=181" platelets against the MAS 2016 item "<= 181"
    (AT_MOST_181, Op.LE, 181, T), (AT_MOST_181, Op.LT, 181, U), (AT_MOST_181, Op.GT, 181, F),
    (AT_MOST_181, Op.GE, 181, U), (AT_MOST_181, Op.LT, 181.01, T),
    # "low" platelets (reference lower limit 150)
    (LOW_PLATELETS, Op.LE, 181, T), (LOW_PLATELETS, Op.LT, 150, T), (LOW_PLATELETS, Op.LE, 110, U),
    (LOW_PLATELETS, Op.GE, 150, F),
    # nothing known
    (EVERYTHING, Op.GT, 0, U), (EVERYTHING, Op.GE, 684, U), (EVERYTHING, Op.LT, -1e9, U), (EVERYTHING, Op.LE, 1e9, U),
]
# fmt: on


@pytest.mark.parametrize(
    ("interval", "op", "threshold", "expected"),
    CASES,
    ids=[f"{i.describe()} {op.value} {t:g} -> {e.status}" for i, op, t, e in CASES],
)
def test_compare(interval: Interval, op: Op, threshold: float, expected: Truth) -> None:
    assert interval.compare(op, threshold) is expected


def test_every_operator_is_covered_for_every_shape() -> None:
    shapes = {(id(i), op) for i, op, _, _ in CASES}
    for interval in (
        POINT_5,
        CLOSED,
        OPEN,
        CLOSED_OPEN,
        OPEN_CLOSED,
        ABOVE_2000,
        AT_LEAST_2000,
        BELOW_HALF,
        AT_MOST_181,
        EVERYTHING,
    ):
        for op in Op:
            assert (id(interval), op) in shapes, (interval, op)


# --------------------------------------------------------------- construction and display


def test_low_above_high_is_refused() -> None:
    with pytest.raises(ValueError, match="above high"):
        Interval(5, 4)


def test_point_and_everything() -> None:
    assert Interval.point(3) == Interval(3, 3, True, True)
    assert Interval.point(3).is_point
    assert not Interval(3, 4).is_point
    assert EVERYTHING.is_unbounded
    assert not ABOVE_2000.is_unbounded


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (POINT_5, "5"),
        (ABOVE_2000, ">2000"),
        (AT_LEAST_2000, "≥2000"),
        (BELOW_HALF, "<0.5"),
        (AT_MOST_181, "≤181"),
        (CLOSED, "[2, 4]"),
        (CLOSED_OPEN, "[2, 4)"),
        (OPEN_CLOSED, "(2, 4]"),
        (EVERYTHING, "unknown"),
    ],
)
def test_describe(interval: Interval, text: str) -> None:
    assert interval.describe() == text


def test_map_keeps_openness() -> None:
    assert ABOVE_2000.map(4, INF) == Interval(4, INF, False, False)


@pytest.mark.parametrize(("op", "symbol"), [(Op.GT, ">"), (Op.GE, "≥"), (Op.LT, "<"), (Op.LE, "≤")])
def test_operator_symbols(op: Op, symbol: str) -> None:
    assert op.symbol == symbol


# --------------------------------------------------------------- properties

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2) + 0.0)  # no -0.0
ends = st.one_of(finite, finite, st.sampled_from([-INF, INF]))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    a, b = sorted((draw(ends), draw(ends)))
    low_closed = draw(st.booleans()) and math.isfinite(a)
    high_closed = draw(st.booleans()) and math.isfinite(b)
    if a == b:
        if not math.isfinite(a):
            a, b = -INF, INF
        else:
            low_closed = high_closed = True  # a non-empty point
    return Interval(a, b, low_closed, high_closed)


@settings(deadline=None, max_examples=500)
@given(x=finite, t=finite, op=st.sampled_from(Op))
def test_point_agrees_with_python(x: float, t: float, op: Op) -> None:
    python = {Op.GT: x > t, Op.GE: x >= t, Op.LT: x < t, Op.LE: x <= t}[op]
    assert Interval.point(x).compare(op, t) is Truth.of(python)


@settings(deadline=None, max_examples=500)
@given(interval=intervals(), t=finite)
def test_complementary_operators_negate(interval: Interval, t: float) -> None:
    """Every value is > t exactly when no value is <= t (and >= / <)."""
    assert interval.compare(Op.GT, t) is ~interval.compare(Op.LE, t)
    assert interval.compare(Op.GE, t) is ~interval.compare(Op.LT, t)


@settings(deadline=None, max_examples=500)
@given(interval=intervals(), t=finite, op=st.sampled_from(Op), data=st.data())
def test_a_sample_of_members_agrees_with_a_definite_answer(
    interval: Interval, t: float, op: Op, data: st.DataObject
) -> None:
    """TRUE means every member satisfies the test, FALSE means none does."""
    result = interval.compare(op, t)
    members = [interval.low, interval.high, t, t - 0.005, t + 0.005]
    members += [data.draw(finite) for _ in range(3)]
    for x in members:
        inside = (
            (interval.low < x < interval.high)
            or (x == interval.low and interval.low_closed)
            or (x == interval.high and interval.high_closed)
        )
        if not inside:
            continue
        python = {Op.GT: x > t, Op.GE: x >= t, Op.LT: x < t, Op.LE: x <= t}[op]
        if result is Truth.TRUE:
            assert python, (x, interval)
        elif result is Truth.FALSE:
            assert not python, (x, interval)


@settings(deadline=None, max_examples=500)
@given(interval=intervals(), t=finite, op=st.sampled_from(Op), data=st.data())
def test_narrowing_never_reverses_a_definite_answer(interval: Interval, t: float, op: Op, data: st.DataObject) -> None:
    """More precise data (a point inside the interval) keeps a definite answer."""
    low = interval.low if math.isfinite(interval.low) else -1e7
    high = interval.high if math.isfinite(interval.high) else 1e7
    x = data.draw(st.floats(min_value=low, max_value=high, allow_nan=False))
    if (x == interval.low and not interval.low_closed) or (x == interval.high and not interval.high_closed):
        return
    before = interval.compare(op, t)
    after = Interval.point(x).compare(op, t)
    if before is not Truth.UNKNOWN:
        assert after is before
