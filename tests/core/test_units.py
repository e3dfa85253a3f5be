"""Unit conversion: the hand-checked vectors of criteria.md §0, the synonym
table, refusal of unknown units, and round-trip/monotonicity properties.

Tolerances: a conversion that is exact in decimal (181 x10^9/L = 181 000/mm^3)
must come out *exactly* equal after the 12-significant-digit tidy rule, because
thresholds are compared at their boundary. A vector the source prints rounded
("156 mg/dL = 1.76 mmol/L") is checked to half a unit of the last printed digit.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.analytes import ANALYTES, analyte
from remit.core.measurements import measure
from remit.core.units import UNIT_SYNONYMS, convert, tidy, to_ucum
from remit.errors import RemitError, UnitError

TG_MOLAR_MASS = analyte("triglycerides").molar_mass_g_per_mol
FIBRINOGEN_MOLAR_MASS = analyte("fibrinogen").molar_mass_g_per_mol

# (value, from, to, molar mass, expected) - exact in decimal arithmetic.
EXACT_VECTORS = [
    pytest.param(181, "10*9/L", "/mm3", None, 181_000, id="platelets 181 x10^9/L = 181 000/mm3"),
    pytest.param(181, "10*9/L", "10*3/uL", None, 181, id="platelets 181 x10^9/L = 181 x10^3/uL"),
    pytest.param(181_000, "/mm3", "10*9/L", None, 181, id="platelets 181 000/mm3 = 181 x10^9/L"),
    pytest.param(181_000, "/uL", "10*9/L", None, 181, id="platelets 181 000/uL = 181 x10^9/L"),
    pytest.param(15_000, "/mm3", "10*9/L", None, 15, id="wbc 15 000/mm3 = 15 x10^9/L"),
    pytest.param(247, "10*3/uL", "10*9/L", None, 247, id="247 x10^3/uL = 247 x10^9/L (tidy removes float noise)"),
    pytest.param(9.2, "g/dL", "g/L", None, 92, id="haemoglobin 9.2 g/dL = 92 g/L"),
    pytest.param(360, "mg/dL", "g/L", None, 3.6, id="fibrinogen 360 mg/dL = 3.6 g/L"),
    pytest.param(150, "mg/dL", "g/L", None, 1.5, id="fibrinogen 150 mg/dL = 1.5 g/L"),
    pytest.param(1, "mg/dL", "mg/L", None, 10, id="CRP 1 mg/dL = 10 mg/L"),
    pytest.param(1, "ng/mL", "ug/L", None, 1, id="ferritin 1 ng/mL = 1 ug/L"),
    pytest.param(684, "ug/L", "ng/mL", None, 684, id="ferritin 684 ug/L = 684 ng/mL"),
    pytest.param(104, "[degF]", "Cel", None, 40, id="temperature 104 degF = 40 Cel"),
    pytest.param(40, "Cel", "[degF]", None, 104, id="temperature 40 Cel = 104 degF"),
    pytest.param(100.4, "[degF]", "Cel", None, 38, id="temperature 100.4 degF = 38 Cel"),
    pytest.param(48, "U/L", "ukat/L", None, 0.8, id="AST 48 U/L = 0.8 ukat/L (1 U = 1/60 ukat)"),
    pytest.param(1, "mmol/L", "mg/dL", TG_MOLAR_MASS, 88.57, id="triglycerides 1 mmol/L = 88.57 mg/dL"),
]

# (value, from, to, molar mass, printed result, tolerance = half a unit of the printed last digit)
ROUNDED_VECTORS = [
    pytest.param(156, "mg/dL", "mmol/L", TG_MOLAR_MASS, 1.76, 0.005, id="triglycerides 156 mg/dL ~ 1.76 mmol/L"),
    pytest.param(265, "mg/dL", "mmol/L", TG_MOLAR_MASS, 3.0, 0.05, id="triglycerides 265 mg/dL ~ 3.0 mmol/L"),
    pytest.param(1.5, "mmol/L", "mg/dL", TG_MOLAR_MASS, 132.9, 0.05, id="triglycerides 1.5 mmol/L ~ 132.9 mg/dL"),
    pytest.param(4.0, "mmol/L", "mg/dL", TG_MOLAR_MASS, 354, 0.5, id="triglycerides 4.0 mmol/L ~ 354 mg/dL"),
    pytest.param(360, "mg/dL", "umol/L", FIBRINOGEN_MOLAR_MASS, 10.6, 0.05, id="fibrinogen 360 mg/dL ~ 10.6 umol/L"),
    pytest.param(150, "mg/dL", "umol/L", FIBRINOGEN_MOLAR_MASS, 4.41, 0.005, id="fibrinogen 150 mg/dL ~ 4.41 umol/L"),
    pytest.param(1, "U/L", "ukat/L", None, 0.0167, 0.00005, id="1 U/L ~ 0.0167 ukat/L"),
]


@pytest.mark.parametrize(("value", "source", "target", "molar_mass", "expected"), EXACT_VECTORS)
def test_exact_vector_converts_exactly(
    value: float, source: str, target: str, molar_mass: float | None, expected: float
) -> None:
    assert convert(value, source, target, molar_mass_g_per_mol=molar_mass) == expected


@pytest.mark.parametrize(("value", "source", "target", "molar_mass", "printed", "tolerance"), ROUNDED_VECTORS)
def test_rounded_vector_matches_the_printed_value(
    value: float, source: str, target: str, molar_mass: float | None, printed: float, tolerance: float
) -> None:
    assert convert(value, source, target, molar_mass_g_per_mol=molar_mass) == pytest.approx(printed, abs=tolerance)


def test_molar_mass_comes_from_the_analyte_table() -> None:
    # criteria.md §0: 1 mmol/L triglycerides ~ 88.57 mg/dL, i.e. 885.7 g/mol.
    assert pytest.approx(885.7) == TG_MOLAR_MASS
    assert measure("triglycerides", "1.76", "mmol/L").value == pytest.approx(156, abs=0.5)


def test_amount_to_mass_without_molar_mass_is_refused() -> None:
    with pytest.raises(UnitError, match="cannot convert"):
        convert(156, "mg/dL", "mmol/L")


def test_incompatible_units_are_refused() -> None:
    with pytest.raises(UnitError) as caught:
        convert(5, "mg/L", "kg")
    assert caught.value.field == "unit"


def test_same_unit_is_identity() -> None:
    assert convert(0.1 + 0.2, "mg/L", "mg/L") == 0.1 + 0.2


# --------------------------------------------------------------- synonyms

SYNONYMS = [
    ("mg/dl", "mg/dL"),
    ("MG/DL", "mg/dL"),
    ("mg%", "mg/dL"),
    ("/mm3", "/mm3"),
    ("/mm³", "/mm3"),
    ("x10^3/uL", "10*3/uL"),
    ("x10^3/µL", "10*3/uL"),  # micro sign U+00B5
    ("x10^3/μL", "10*3/uL"),  # Greek mu U+03BC
    ("×10³/µL", "10*3/uL"),
    ("10^3/uL", "10*3/uL"),
    ("K/uL", "10*3/uL"),
    ("x10^3/ml", "10*3/mL"),
    ("10^9/L", "10*9/L"),
    ("x10^9/L", "10*9/L"),
    ("×10⁹/L", "10*9/L"),
    ("GPt/l", "10*9/L"),
    ("G/l", "10*9/L"),  # giga per litre: case-sensitive, must not become grams per litre
    ("mcg/L", "ug/L"),
    ("µg/L", "ug/L"),
    ("μg/l", "ug/L"),
    ("mcg/mL", "ug/mL"),
    ("µkat/L", "ukat/L"),
    ("μkat/l", "ukat/L"),
    ("u/l", "U/L"),
    ("ng/ml", "ng/mL"),
    ("g/dl", "g/dL"),
    ("mmol/l", "mmol/L"),
    ("µmol/L", "umol/L"),
    ("mm/hr", "mm/h"),
    ("°F", "[degF]"),
    ("ºF", "[degF]"),
    ("degF", "[degF]"),
    ("°C", "Cel"),
    ("degC", "Cel"),
    ("lbs", "[lb_av]"),
    ("inch", "[in_i]"),
    ("m²", "m2"),
    ("  mg/dl  ", "mg/dL"),
    ("mg / dl", "mg/dL"),
]


@pytest.mark.parametrize(("spelling", "ucum"), SYNONYMS, ids=[s for s, _ in SYNONYMS])
def test_common_spelling_maps_to_ucum(spelling: str, ucum: str) -> None:
    assert to_ucum(spelling) == ucum


@pytest.mark.parametrize("ucum", ["mg/dL", "10*3/uL", "10*9/L", "[degF]", "Cel", "ukat/L", "U/L", "ng/mL", "mm/h"])
def test_valid_ucum_is_accepted_as_written(ucum: str) -> None:
    assert to_ucum(ucum) == ucum


def test_every_synonym_target_is_valid_ucum() -> None:
    for spelling, ucum in UNIT_SYNONYMS.items():
        assert to_ucum(ucum) == ucum, spelling


def test_every_synonym_is_reachable_in_any_case() -> None:
    """Keys are matched case-insensitively; the micro sign folds to the Greek
    mu, so both spellings of µ must reach the same UCUM code."""
    for spelling, ucum in UNIT_SYNONYMS.items():
        assert to_ucum(spelling.upper()) == ucum, spelling
        assert to_ucum(spelling.replace("µ", "μ")) == ucum, spelling
        assert to_ucum(spelling.replace("μ", "µ")) == ucum, spelling


def test_grams_per_litre_is_not_giga_per_litre() -> None:
    assert to_ucum("g/l") == "g/L"
    with pytest.raises(UnitError):
        measure("platelets", "250", "g/l")


def test_iu_per_litre_is_not_a_general_synonym() -> None:
    """IU/L equals U/L only for enzyme activities (standards §B1)."""
    with pytest.raises(UnitError):
        to_ucum("IU/L")


@pytest.mark.parametrize("enzyme", ["ast", "alt", "ggt", "ldh"])
@pytest.mark.parametrize("spelling", ["IU/L", "iu/l", "[IU]/L", "IE/l"])
def test_iu_per_litre_is_an_alias_for_enzymes(enzyme: str, spelling: str) -> None:
    m = measure(enzyme, "48", spelling)
    assert m.ucum == "U/L"
    assert m.value == 48
    assert m.unit == spelling


@pytest.mark.parametrize("analyte_id", ["crp", "ferritin", "scd25", "saa"])
def test_iu_per_litre_is_refused_for_non_enzymes(analyte_id: str) -> None:
    with pytest.raises(UnitError) as caught:
        measure(analyte_id, "48", "IU/L")
    assert caught.value.field == "unit"


@pytest.mark.parametrize("spelling", ["furlongs", "mg/dq", "10^3/", "IU/L", "cells", "kopien/ml"])
def test_unknown_unit_raises_unit_error(spelling: str) -> None:
    with pytest.raises(UnitError) as caught:
        to_ucum(spelling)
    assert caught.value.field == "unit"
    assert caught.value.code == "unit_error"
    assert spelling in caught.value.message
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, RemitError)


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_unit_raises_unit_error(blank: str) -> None:
    with pytest.raises(UnitError, match="a unit is required"):
        to_ucum(blank)


# --------------------------------------------------------------- tidy rule


@pytest.mark.parametrize(
    ("raw", "tidied"),
    [
        (247.00000000000003, 247.0),
        (3.5999999999999996, 3.6),
        (0.30000000000000004, 0.3),
        (-1.23456789012345, -1.23456789012),
        (123456789012345.0, 123456789012000.0),
        (1e-20 + 1e-36, 1e-20),
        (0.0, 0.0),
    ],
)
def test_tidy_keeps_twelve_significant_digits(raw: float, tidied: float) -> None:
    assert tidy(raw) == tidied


def test_tidy_passes_non_finite_values_through() -> None:
    assert tidy(math.inf) == math.inf
    assert tidy(-math.inf) == -math.inf
    assert math.isnan(tidy(math.nan))


# --------------------------------------------------------------- properties

OFFSET_UNITS = {"Cel", "[degF]"}
UNIT_PAIRS = sorted(
    {(spec.id, a, b) for spec in ANALYTES.values() for a, b in itertools.product(spec.unit_choices, repeat=2) if a != b}
)


def _magnitudes(unit: str) -> st.SearchStrategy[float]:
    # Near an offset unit's zero (0 degF = -17.8 Cel) a *relative* round-trip
    # bound is meaningless; clinical temperatures are far from it.
    low = 1.0 if unit in OFFSET_UNITS else 1e-6
    return st.floats(min_value=low, max_value=1e9, allow_nan=False, allow_infinity=False)


def test_every_analyte_with_several_units_is_covered() -> None:
    covered = {analyte_id for analyte_id, _, _ in UNIT_PAIRS}
    assert covered == {a.id for a in ANALYTES.values() if len(a.unit_choices) > 1}


@settings(deadline=None, max_examples=300)
@given(pair=st.sampled_from(UNIT_PAIRS), data=st.data())
def test_round_trip_returns_the_value(pair: tuple[str, str, str], data: st.DataObject) -> None:
    analyte_id, a, b = pair
    mass = analyte(analyte_id).molar_mass_g_per_mol
    x = data.draw(_magnitudes(a), label="x")
    there = convert(x, a, b, molar_mass_g_per_mol=mass)
    back = convert(there, b, a, molar_mass_g_per_mol=mass)
    assert back == pytest.approx(x, rel=1e-9)


@settings(deadline=None, max_examples=300)
@given(pair=st.sampled_from(UNIT_PAIRS), data=st.data())
def test_conversion_is_monotone(pair: tuple[str, str, str], data: st.DataObject) -> None:
    analyte_id, a, b = pair
    mass = analyte(analyte_id).molar_mass_g_per_mol
    x, y = sorted((data.draw(_magnitudes(a), label="x"), data.draw(_magnitudes(a), label="y")))
    cx = convert(x, a, b, molar_mass_g_per_mol=mass)
    cy = convert(y, a, b, molar_mass_g_per_mol=mass)
    assert cx <= cy
    if y > x * (1 + 1e-9):
        assert cx < cy
