"""Interval arithmetic for score formulas, with hand-computed expectations.

Rules used to compute them: the sum of intervals adds the ends (an end is
closed only when every contributing end is closed); a product's ends are the
extreme corner products (closed when some corner reaching it is closed; a zero
coefficient removes a term even against an infinite end); a quotient is the
product with the reciprocal interval, and is undefined (``None``) when the
divisor's interval reaches zero; percent change follows criteria.md §11.
Every computed end is rounded to 9 decimal places (``arithmetic.tidy``; the
SQL compiler rounds identically), so 1/3 of 100 % is 33.333333333."""

from __future__ import annotations

import math

import pytest

from remit.core.intervals import Interval, Op
from remit.core.truth import Truth
from remit.rules.arithmetic import add, clip_max, clip_min, divide, multiply, percent_change, subtract

INF = math.inf
P = Interval.point


def iv(low: float, high: float, low_closed: bool = True, high_closed: bool = True) -> Interval:
    return Interval(low, high, low_closed, high_closed)


# --------------------------------------------------------------- add / subtract


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        pytest.param([iv(1, 2), iv(3, 4)], iv(4, 6), id="[1,2] + [3,4] = [4,6]"),
        pytest.param([iv(1, 2), iv(3, INF, False, False)], iv(4, INF, False, False), id="[1,2] + (3,inf) = (4,inf)"),
        pytest.param([iv(1, 2, False, True), iv(3, 4)], iv(4, 6, False, True), id="(1,2] + [3,4] = (4,6]"),
        pytest.param([iv(-INF, 5, False, True), P(1)], iv(-INF, 6, False, True), id="(-inf,5] + 1 = (-inf,6]"),
        pytest.param([P(1), P(2), P(3)], P(6), id="1 + 2 + 3 = 6"),
        pytest.param([P(0.1), P(0.2)], P(0.3), id="0.1 + 0.2 = 0.3 exactly"),
        pytest.param(
            [iv(-INF, 0, False, True), iv(0, INF, True, False)],
            Interval.everything(),
            id="(-inf,0] + [0,inf) = everything",
        ),
    ],
)
def test_add(terms: list[Interval], expected: Interval) -> None:
    assert add(terms) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(iv(10, 20), iv(1, 2), iv(8, 19), id="[10,20] - [1,2] = [8,19]"),
        pytest.param(
            iv(10, 20), iv(5, INF, False, False), iv(-INF, 15, False, False), id="[10,20] - (5,inf) = (-inf,15)"
        ),
        pytest.param(
            iv(2000, INF, False, False), P(684), iv(1316, INF, False, False), id="(2000,inf) - 684 = (1316,inf)"
        ),
        pytest.param(P(5), P(5), P(0), id="5 - 5 = 0"),
        pytest.param(P(1), iv(-3, -2, True, False), iv(3, 4, False, True), id="1 - [-3,-2) = (3,4]"),
    ],
)
def test_subtract(a: Interval, b: Interval, expected: Interval) -> None:
    assert subtract([a, b]) == expected


# --------------------------------------------------------------- multiply


@pytest.mark.parametrize(
    ("factors", "expected"),
    [
        pytest.param([iv(2, 3), iv(4, 5)], iv(8, 15), id="[2,3] x [4,5] = [8,15]"),
        pytest.param([P(-2), iv(3, 4)], iv(-8, -6), id="-2 x [3,4] = [-8,-6]"),
        pytest.param(
            [P(-2), iv(2000, INF, False, False)], iv(-INF, -4000, False, False), id="-2 x (2000,inf) = (-inf,-4000)"
        ),
        pytest.param([P(0.5), iv(-INF, 10, False, True)], iv(-INF, 5, False, True), id="0.5 x (-inf,10] = (-inf,5]"),
        pytest.param([P(-0.5), iv(-INF, 10, False, True)], iv(-5, INF, True, False), id="-0.5 x (-inf,10] = [-5,inf)"),
        pytest.param([iv(-1, 2), iv(3, 4)], iv(-4, 8), id="[-1,2] x [3,4] = [-4,8]"),
        pytest.param([iv(-2, -1), iv(-4, -3)], iv(3, 8), id="[-2,-1] x [-4,-3] = [3,8]"),
        pytest.param([iv(1, 2, False, True), iv(3, 4)], iv(3, 8, False, True), id="(1,2] x [3,4] = (3,8]"),
        pytest.param([P(0), Interval.everything()], P(0), id="0 x everything = 0 (the term is removed)"),
        pytest.param([P(0), iv(2000, INF, False, False)], P(0), id="0 x (2000,inf) = 0, attained"),
        pytest.param(
            [iv(0, 1), iv(2000, INF, False, False)],
            iv(0, INF, True, False),
            id="indicator [0,1] x (2000,inf) = [0,inf): 0 is attained",
        ),
        pytest.param([P(2), P(3), P(0.5)], P(3), id="2 x 3 x 0.5 = 3"),
        pytest.param([P(0.1), P(3)], P(0.3), id="0.1 x 3 = 0.3 exactly"),
    ],
)
def test_multiply(factors: list[Interval], expected: Interval) -> None:
    assert multiply(factors) == expected


def test_zero_coefficient_does_not_make_a_score_strictly_positive() -> None:
    """0 x (>2000) + 5 is exactly 5: neither > 5 nor < 5."""
    score = add([multiply([P(0), iv(2000, INF, False, False)]), P(5)])
    assert score == P(5)
    assert score.compare(Op.GT, 5) is Truth.FALSE


def test_weighted_censored_term_stays_strictly_above_its_bound() -> None:
    """A score term 0.5 x ferritin with ferritin >2000 is >1000, not >=1000."""
    term = multiply([P(0.5), iv(2000, INF, False, False)])
    assert term.compare(Op.GT, 1000) is Truth.TRUE


# --------------------------------------------------------------- divide


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(iv(10, 20), P(4), iv(2.5, 5), id="[10,20] / 4 = [2.5,5]"),
        pytest.param(iv(10, 20), iv(2, 5), iv(2, 10), id="[10,20] / [2,5] = [2,10]"),
        pytest.param(iv(1, 2), iv(-5, -2), iv(-1, -0.2), id="[1,2] / [-5,-2] = [-1,-0.2]"),
        pytest.param(P(10), iv(2, INF, True, False), iv(0, 5, False, True), id="10 / [2,inf) = (0,5]"),
        pytest.param(P(10), iv(-INF, -2, False, True), iv(-5, 0, True, False), id="10 / (-inf,-2] = [-5,0)"),
        pytest.param(P(1), P(3), P(1 / 3), id="1 / 3"),
    ],
)
def test_divide(a: Interval, b: Interval, expected: Interval) -> None:
    result = divide([a, b])
    assert result is not None
    assert result.low == pytest.approx(expected.low)
    assert result.high == pytest.approx(expected.high)
    assert (result.low_closed, result.high_closed) == (expected.low_closed, expected.high_closed)


@pytest.mark.parametrize(
    "divisor",
    [
        pytest.param(iv(-1, 1), id="[-1,1]"),
        pytest.param(iv(0, 5), id="[0,5]"),
        pytest.param(iv(-5, 0), id="[-5,0]"),
        pytest.param(P(0), id="0"),
        pytest.param(Interval.everything(), id="everything"),
    ],
)
def test_divide_by_an_interval_containing_zero_is_undefined(divisor: Interval) -> None:
    assert divide([iv(1, 2), divisor]) is None


# --------------------------------------------------------------- min / max caps


def test_min_cap() -> None:
    """JADAS10 caps the joint count at 10: min(x, 10)."""
    assert clip_max([iv(3, 15), P(10)]) == iv(3, 10)
    assert clip_max([iv(12, INF, False, False), P(10)]) == P(10)
    assert clip_max([P(4), P(10)]) == P(4)


def test_max_floor() -> None:
    """A floor such as max(ESR, 20)."""
    assert clip_min([iv(5, 40), P(20)]) == iv(20, 40)
    assert clip_min([iv(-INF, 10, False, False), P(20)]) == P(20)


# --------------------------------------------------------------- percent change


@pytest.mark.parametrize(
    ("current", "reference", "expected"),
    [
        # criteria.md §11 worked example
        pytest.param(6 / 2, 6, -50, id="PhGA 6 -> 3 is -50 %"),
        pytest.param(4, 5, -20, id="PGA 5 -> 4 is -20 %"),
        pytest.param(1.0, 1.5, -33.333333333, id="CHAQ 1.5 -> 1.0 is -33.3 %"),
        pytest.param(5, 10, -50, id="AJC 10 -> 5 is -50 %"),
        pytest.param(8, 8, 0, id="LOM 8 -> 8 is 0 %"),
        pytest.param(80, 60, 33.333333333, id="ESR 60 -> 80 is +33.3 %"),
    ],
)
def test_percent_change_of_exact_values(current: float, reference: float, expected: float) -> None:
    assert percent_change(P(current), P(reference)) == P(expected)


def test_zero_baseline_that_stays_zero_is_no_change() -> None:
    result = percent_change(P(0), P(0))
    assert result == P(0)
    assert result.compare(Op.LE, -30) is Truth.FALSE  # not improved
    assert result.compare(Op.GT, 30) is Truth.FALSE  # not worsened


@pytest.mark.parametrize("current", [P(3), iv(1, 5), iv(2, INF, False, False)], ids=["3", "[1,5]", ">2"])
def test_zero_baseline_that_rises_is_worsening(current: Interval) -> None:
    result = percent_change(current, P(0))
    assert result is not None
    assert result.low == INF
    assert result.compare(Op.GT, 30) is Truth.TRUE
    assert result.compare(Op.LE, -30) is Truth.FALSE


@pytest.mark.parametrize(
    ("current", "reference"),
    [
        pytest.param(iv(0, 5), P(0), id="0 -> [0,5]: no change or worsening"),
        pytest.param(iv(-INF, 5, False, False), P(0), id="0 -> <5"),
        pytest.param(P(5), iv(0, 10), id="[0,10] -> 5: baseline may be zero"),
        pytest.param(P(5), iv(-INF, 10, False, False), id="<10 -> 5"),
    ],
)
def test_percent_change_is_undefined_when_the_baseline_may_be_zero(current: Interval, reference: Interval) -> None:
    assert percent_change(current, reference) is None


def test_percent_change_of_intervals_uses_the_extreme_corners() -> None:
    # (8 - 10)/10 = -20 %, (9 - 10)/10 = -10 %
    assert percent_change(iv(8, 9), P(10)) == iv(-20, -10)
    # (50 - 100)/100 = -50 %, (50 - 200)/200 = -75 %
    assert percent_change(P(50), iv(100, 200)) == iv(-75, -50)


def test_percent_change_of_a_censored_current_value() -> None:
    result = percent_change(iv(2000, INF, False, False), P(1000))
    assert result is not None
    assert (result.low, result.high) == (100, INF)


def test_percent_change_from_a_censored_baseline_is_not_overstated() -> None:
    """Baseline ">100", follow-up 150: the true baseline may be 300 (-50 %) or
    anything above 100, so the change lies between -100 % and +50 %, not at +50 %."""
    result = percent_change(P(150), iv(100, INF, False, False))
    assert result is not None
    assert (result.low, result.high) == (-100, 50)
    assert result.compare(Op.GT, 30) is Truth.UNKNOWN  # worsening by >30 % is not proven
