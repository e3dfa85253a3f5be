"""Body-surface area against the reference's test values (drugs.md §1.8 [D])."""

from __future__ import annotations

import pytest

from remit.drugs.bsa import BsaFormula, body_surface_area
from remit.errors import ImplausibleValueError

# (weight kg, height cm) -> Mosteller, Haycock, DuBois, Gehan-George, to 4 decimals
CASES = [
    pytest.param(20, 115, (0.7993, 0.7971, 0.8004, 0.8149), id="20kg-115cm"),
    pytest.param(10, 75, (0.4564, 0.4635, 0.4373, 0.4762), id="10kg-75cm"),
    pytest.param(70, 170, (1.8181, 1.8257, 1.8097, 1.8313), id="70kg-170cm"),
]
FORMULAS = (BsaFormula.MOSTELLER, BsaFormula.HAYCOCK, BsaFormula.DUBOIS, BsaFormula.GEHAN_GEORGE)


@pytest.mark.parametrize(("weight", "height", "expected"), CASES)
def test_each_formula_matches_the_reference_test_values(
    weight: float, height: float, expected: tuple[float, ...]
) -> None:
    for formula, value in zip(FORMULAS, expected, strict=True):
        assert body_surface_area(weight, height, formula) == pytest.approx(value, abs=5e-5), formula


def test_mosteller_is_the_default() -> None:
    assert body_surface_area(20, 115) == body_surface_area(20, 115, BsaFormula.MOSTELLER)


def test_mosteller_by_hand() -> None:
    assert body_surface_area(36, 100) == pytest.approx(1.0)  # √(100 × 36 / 3600)


@pytest.mark.parametrize(("weight", "height"), [(0, 100), (20, -1), (float("nan"), 100)], ids=["zero", "neg", "nan"])
def test_non_positive_measurements_are_refused(weight: float, height: float) -> None:
    with pytest.raises(ImplausibleValueError):
        body_surface_area(weight, height)


def test_every_formula_has_its_citation() -> None:
    assert all(formula.citation for formula in BsaFormula)
