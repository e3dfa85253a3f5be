"""Dose units as entered, read into mg per administration and per day."""

from __future__ import annotations

from datetime import date

import pytest

from remit.core.doses import PerBody, dose_amount, parse_dose_unit
from remit.core.medications import Dose, Frequency
from remit.errors import UnitError

START = date(2020, 1, 1)


@pytest.mark.parametrize(
    ("text", "mass", "per", "hours"),
    [
        ("mg", "mg", PerBody.NONE, None),
        ("g", "g", PerBody.NONE, None),
        ("mg/kg", "mg", PerBody.KG, None),
        ("mg/kg/day", "mg", PerBody.KG, 24),
        ("mg/kg/d", "mg", PerBody.KG, 24),
        ("mg/m2/week", "mg", PerBody.M2, 168),
        ("mg/m²", "mg", PerBody.M2, None),
        ("g/kg", "g", PerBody.KG, None),
        ("mg/kg/h", "mg", PerBody.KG, 1),
        ("mg/24h", "mg", PerBody.NONE, 24),
        ("mg/kg/dose", "mg", PerBody.KG, None),
        ("mcg", "ug", PerBody.NONE, None),
    ],
    ids=str,
)
def test_dose_units_are_parsed(text: str, mass: str, per: PerBody, hours: float | None) -> None:
    unit = parse_dose_unit(text)
    assert (unit.mass, unit.per, unit.per_hours) == (mass, per, hours)


@pytest.mark.parametrize("text", ["kg", "mg/kg/kg", "/kg", "mg/L", "IU", ""], ids=repr)
def test_other_units_are_refused(text: str) -> None:
    with pytest.raises(UnitError):
        parse_dose_unit(text)


def test_a_daily_total_is_split_over_the_administrations() -> None:
    amount = dose_amount(Dose(START, 2, "mg/kg/day", Frequency.EVERY_12H))
    assert (amount.per_administration, amount.per_day, amount.administrations_per_day) == (1, 2, 2)


def test_a_per_administration_amount_is_multiplied_up() -> None:
    amount = dose_amount(Dose(START, 10, "mg/kg", Frequency.EVERY_8H))
    assert (amount.per_administration, amount.per_day) == (10, 30)


def test_a_weekly_dose_averages_over_the_week() -> None:
    amount = dose_amount(Dose(START, 25, "mg/m2", Frequency.WEEKLY))
    assert amount.per_administration == 25
    assert amount.per_week == pytest.approx(25)
    assert amount.per_day == pytest.approx(25 / 7)


def test_grams_become_milligrams() -> None:
    assert dose_amount(Dose(START, 1, "g", Frequency.DAILY)).per_administration == 1000


def test_a_single_dose_counts_once() -> None:
    amount = dose_amount(Dose(START, 2, "g/kg", Frequency.ONCE))
    assert (amount.per_administration, amount.per_day) == (2000, 2000)


def test_a_continuous_infusion_needs_a_rate() -> None:
    amount = dose_amount(Dose(START, 2, "mg/kg/h", Frequency.CONTINUOUS))
    assert amount.per_administration is None
    assert amount.per_day == 48
    with pytest.raises(UnitError, match="rate"):
        dose_amount(Dose(START, 2, "mg/kg", Frequency.CONTINUOUS))


def test_negative_doses_are_refused() -> None:
    with pytest.raises(UnitError):
        dose_amount(Dose(START, -1, "mg", Frequency.DAILY))
