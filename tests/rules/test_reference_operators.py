"""The operators added for the JIA activity instruments: ``WithinReference``
(a value against the laboratory's own reference range), ``HasValue`` (was the
test done?) and ``Bounded`` (an unrecorded score item counts as its range)."""

from __future__ import annotations

from datetime import date

import pytest

from remit.core.intervals import Interval
from remit.core.measurements import measure, reference_range
from remit.core.record import Observation, Patient, PatientRecord
from remit.core.truth import Truth
from remit.rules import ast
from remit.rules import builders as b
from remit.rules.interpret import evaluate

INDEX = date(2020, 1, 10)


def _record(*observations: Observation, follow_up: tuple[date, date] | None = None) -> PatientRecord:
    return PatientRecord(Patient("p", "test"), observations=observations, follow_up=follow_up)


def _crp(
    value: str,
    low: float | None = 0,
    high: float | None = 5,
    *,
    unit: str | None = "mg/L",
    ranged: bool = True,
    on: date = INDEX,
) -> Observation:
    ref = reference_range("crp", low, high, "mg/L") if ranged else None
    return Observation("o1", measure("crp", value, unit, reference=ref), on)


def _truth(node: ast.TruthNode, record: PatientRecord) -> Truth:
    definition = ast.Criterion("t", "0", "t", ast.Kind.STATE, ast.Citation("t"), ast.Verification.VERIFIED, node)
    return evaluate(definition, record, INDEX).truth


WITHIN_CASES = [
    ("3 in 0-5", _crp("3"), ast.Side.BOTH, Truth.TRUE),
    ("5 on the upper limit is within", _crp("5"), ast.Side.BOTH, Truth.TRUE),
    ("5.1 above 0-5", _crp("5.1"), ast.Side.BOTH, Truth.FALSE),
    ("0.5 below 1-5, both sides", _crp("0.5", 1, 5), ast.Side.BOTH, Truth.FALSE),
    ("0.5 below 1-5, upper side only", _crp("0.5", 1, 5), ast.Side.UPPER, Truth.TRUE),
    ("6 above 1-5, lower side only", _crp("6", 1, 5), ast.Side.LOWER, Truth.TRUE),
    ("<5 with upper limit 5", _crp("<5"), ast.Side.UPPER, Truth.TRUE),
    (">5 with upper limit 5", _crp(">5"), ast.Side.UPPER, Truth.FALSE),
    ("<8 straddles upper limit 5", _crp("<8"), ast.Side.UPPER, Truth.UNKNOWN),
    ("no reference range", _crp("3", ranged=False), ast.Side.BOTH, Truth.UNKNOWN),
    ("only a lower limit, upper side judged", _crp("3", 0, None), ast.Side.UPPER, Truth.UNKNOWN),
    ("only an upper limit, both sides judged", _crp("3", None, 5), ast.Side.BOTH, Truth.TRUE),
    ("'normal' without a range", _crp("normal", unit=None, ranged=False), ast.Side.BOTH, Truth.TRUE),
    ("'high' without a range", _crp("high", unit=None, ranged=False), ast.Side.UPPER, Truth.FALSE),
    ("'low', upper side only", _crp("low", unit=None, ranged=False), ast.Side.UPPER, Truth.TRUE),
    ("'low', both sides", _crp("low", unit=None, ranged=False), ast.Side.BOTH, Truth.FALSE),
    ("mg/dL value against a mg/L range", _crp("0.4", unit="mg/dL"), ast.Side.BOTH, Truth.TRUE),
]


@pytest.mark.parametrize(
    ("observation", "side", "expected"), [c[1:] for c in WITHIN_CASES], ids=[c[0] for c in WITHIN_CASES]
)
def test_within_reference(observation: Observation, side: ast.Side, expected: Truth) -> None:
    node = b.within_reference("crp_normal", "crp", days=7, side=side)
    assert _truth(node, _record(observation)) is expected


def test_within_reference_judges_the_latest_value() -> None:
    older = _crp("30", on=date(2020, 1, 5))
    newer = Observation("o2", measure("crp", "3", "mg/L", reference=reference_range("crp", 0, 5, "mg/L")), INDEX)
    assert _truth(b.within_reference("n", "crp", days=7), _record(older, newer)) is Truth.TRUE


def test_within_reference_with_nothing_recorded_is_unknown() -> None:
    record = _record(follow_up=(date(2019, 1, 1), INDEX))
    assert _truth(b.within_reference("n", "crp", days=7), record) is Truth.UNKNOWN


@pytest.mark.parametrize(
    ("observations", "follow_up", "expected"),
    [
        ((_crp("3"),), None, Truth.TRUE),
        ((), (date(2019, 1, 1), INDEX), Truth.FALSE),
        ((), (date(2020, 1, 8), INDEX), Truth.UNKNOWN),
        ((_crp("3", on=date(2020, 1, 2)),), (date(2019, 1, 1), INDEX), Truth.FALSE),
    ],
    ids=[
        "recorded in the window",
        "none in a covered window",
        "none, window not covered",
        "only before the window, covered",
    ],
)
def test_has_value(observations: tuple[Observation, ...], follow_up: tuple[date, date] | None, expected: Truth) -> None:
    assert _truth(b.has_value("tested", "crp", days=7), _record(*observations, follow_up=follow_up)) is expected


def _score(observations: tuple[Observation, ...]) -> Interval | None:
    value = b.bounded("phga", b.measure("phga.value", "physician_global", days=0), 0, 10)
    total = b.total("score", "total", value, b.const("one", 1), unit="points")
    rule = b.compare("rule", total, "<=", 1, "points")
    definition = ast.Criterion(
        "t", "0", "t", ast.Kind.SCORE, ast.Citation("t"), ast.Verification.VERIFIED, rule, score=total
    )
    return evaluate(definition, _record(*observations), INDEX).score


def test_bounded_passes_a_known_value_through() -> None:
    assert _score((Observation("o", measure("physician_global", "2"), INDEX),)) == Interval(3, 3)


def test_bounded_counts_an_unrecorded_item_as_its_range() -> None:
    assert _score(()) == Interval(1, 11)
