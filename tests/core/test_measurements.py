"""Reading values as entered: exact, censored and qualitative values become
intervals in the canonical unit; implausible values and wrong units are refused
with errors that name the field; nothing is clipped and nothing entered is lost."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.intervals import Interval, Op
from remit.core.measurements import Measurement, Qualitative, ReferenceRange, measure, reference_range
from remit.core.truth import Truth
from remit.errors import ImplausibleValueError, UnitError, ValueParseError
from tests.strategies import measurements

INF = math.inf

# --------------------------------------------------------------- exact values


def test_exact_value_is_a_point_in_the_canonical_unit() -> None:
    m = measure("crp", "12", "mg/L")
    assert m.interval == Interval.point(12)
    assert m.value == 12
    assert m.number == 12
    assert m.comparator is None
    assert m.qualitative is None
    assert not m.is_censored
    assert m.canonical_unit == "mg/L"


def test_exact_value_in_another_unit_is_converted_once() -> None:
    m = measure("crp", "1.2", "mg/dl")
    assert m.interval == Interval.point(12)
    assert m.number == 1.2  # as entered
    assert m.ucum == "mg/dL"


def test_platelets_per_mm3_are_stored_as_entered_and_canonical() -> None:
    m = measure("platelets", "181000", "/mm³")
    assert (m.text, m.unit, m.ucum) == ("181000", "/mm³", "/mm3")
    assert m.value == 181
    assert m.describe() == "181000 /mm³ (= 181 10*9/L)"


def test_equals_sign_is_an_exact_value() -> None:
    m = measure("ferritin", "=5", "ng/mL")
    assert m.value == 5
    assert not m.is_censored


@pytest.mark.parametrize(("text", "number"), [("1,5", 1.5), ("0,500", 0.5), ("1234,5", 1234.5), (".5", 0.5)])
def test_unambiguous_decimal_comma_is_read(text: str, number: float) -> None:
    assert measure("ferritin", text, "ng/mL").number == number


@pytest.mark.parametrize("text", ["1,500", "181,000", "-2,000", ">1,000"])
def test_comma_that_could_be_a_thousands_separator_is_refused(text: str) -> None:
    """ "1,500" is 1.5 in one country and 1500 in another: a 1000-fold slip, so
    it is refused with both readings offered, never guessed."""
    with pytest.raises(ValueParseError, match="ambiguous") as caught:
        measure("ferritin", text, "ng/mL", field="observations[0].value")
    assert caught.value.field == "observations[0].value"


def test_float_input_keeps_every_digit() -> None:
    m = measure("weight", 12.3456789, "kg")
    assert m.text == "12.3456789"
    assert m.value == 12.3456789


@settings(deadline=None, max_examples=200)
@given(st.floats(min_value=0.3, max_value=300, allow_nan=False))
def test_float_input_round_trips_through_the_stored_text(value: float) -> None:
    m = measure("weight", value, "kg")
    assert float(m.text) == value
    assert m.number == value


def test_integer_input_is_read() -> None:
    assert measure("platelets", 250, "10*9/L").text == "250"


# --------------------------------------------------------------- censored values

CENSORED = [
    pytest.param("ferritin", ">2000", "ng/mL", Interval(2000, INF, False, False), Op.GT, id=">2000 ng/mL"),
    pytest.param("ferritin", "> 2000", "ng/mL", Interval(2000, INF, False, False), Op.GT, id="> 2000 with a space"),
    pytest.param("ferritin", ">=2000", "ng/mL", Interval(2000, INF, True, False), Op.GE, id=">=2000"),
    pytest.param("ferritin", "≥3", "ug/L", Interval(3, INF, True, False), Op.GE, id="≥3 ug/L"),
    pytest.param("crp", "<0.5", "mg/L", Interval(-INF, 0.5, False, False), Op.LT, id="<0.5 mg/L"),
    pytest.param("crp", "<0.5", "mg/dL", Interval(-INF, 5, False, False), Op.LT, id="<0.5 mg/dL is <5 mg/L"),
    pytest.param("crp", "<=0.5", "mg/L", Interval(-INF, 0.5, False, True), Op.LE, id="<=0.5"),
    pytest.param("crp", "≤0.5", "mg/L", Interval(-INF, 0.5, False, True), Op.LE, id="≤0.5"),
    pytest.param("platelets", ">450", "x10^3/uL", Interval(450, INF, False, False), Op.GT, id=">450 x10^3/uL"),
]


@pytest.mark.parametrize(("analyte_id", "text", "unit", "interval", "comparator"), CENSORED)
def test_censored_value_is_an_open_or_half_open_interval(
    analyte_id: str, text: str, unit: str, interval: Interval, comparator: Op
) -> None:
    m = measure(analyte_id, text, unit)
    assert m.interval == interval
    assert m.comparator is comparator
    assert m.is_censored
    assert m.value is None  # a censored value has no exact number
    assert m.text == text  # the sign is never dropped


def test_censored_ferritin_proves_one_threshold_but_not_another() -> None:
    m = measure("ferritin", ">2000", "ng/mL")
    assert m.interval.compare(Op.GT, 684) is Truth.TRUE
    assert m.interval.compare(Op.GE, 3910) is Truth.UNKNOWN


# --------------------------------------------------------------- qualitative values


def test_elevated_without_reference_range_proves_no_threshold() -> None:
    m = measure("ferritin", "elevated", "ng/mL")
    assert m.qualitative is Qualitative.HIGH
    assert m.interval == Interval.everything()
    assert m.number is None
    assert m.value is None
    assert m.interval.compare(Op.GT, 684) is Truth.UNKNOWN


def test_elevated_with_reference_range_lies_above_the_upper_limit() -> None:
    m = measure("ferritin", "elevated", "ng/mL", reference=ReferenceRange(high=300))
    assert m.interval == Interval(300, INF, False, False)
    assert m.interval.compare(Op.GT, 300) is Truth.TRUE
    assert m.interval.compare(Op.GT, 684) is Truth.UNKNOWN  # "high" does not prove > 684


def test_low_with_reference_range_lies_below_the_lower_limit() -> None:
    m = measure("platelets", "low", None, reference=ReferenceRange(150, 450))
    assert m.qualitative is Qualitative.LOW
    assert m.interval == Interval(-INF, 150, False, False)
    assert m.interval.compare(Op.LE, 181) is Truth.TRUE
    assert m.interval.compare(Op.LE, 100) is Truth.UNKNOWN


def test_low_without_reference_range_is_unbounded() -> None:
    m = measure("platelets", "low", None)
    assert m.interval == Interval.everything()
    assert m.interval.compare(Op.LE, 181) is Truth.UNKNOWN


def test_low_with_only_an_upper_reference_limit_is_unbounded() -> None:
    assert measure("platelets", "low", None, reference=ReferenceRange(high=450)).interval == Interval.everything()


def test_normal_with_both_limits_is_the_closed_reference_interval() -> None:
    m = measure("platelets", "Normal", None, reference=ReferenceRange(150, 450))
    assert m.qualitative is Qualitative.NORMAL
    assert m.interval == Interval(150, 450)


def test_normal_with_one_limit_is_unbounded() -> None:
    assert measure("platelets", "normal", None, reference=ReferenceRange(150)).interval == Interval.everything()


@pytest.mark.parametrize(
    ("word", "category"),
    [
        ("positive", Qualitative.POSITIVE),
        ("Detected", Qualitative.POSITIVE),
        ("pos", Qualitative.POSITIVE),
        ("negative", Qualitative.NEGATIVE),
        ("not detected", Qualitative.NEGATIVE),
        ("absent", Qualitative.NEGATIVE),
    ],
)
def test_qualitative_test_reads_categories(word: str, category: Qualitative) -> None:
    m = measure("hla_b27", word)
    assert m.qualitative is category
    assert m.interval == Interval.everything()
    assert m.text == word


@pytest.mark.parametrize("word", ["positive", "negative", "detected"])
def test_qualitative_positive_for_a_numeric_analyte_is_refused(word: str) -> None:
    with pytest.raises(ValueParseError, match="numeric") as caught:
        measure("crp", word, "mg/L", field="observations[1].value")
    assert caught.value.field == "observations[1].value"


def test_number_for_a_qualitative_test_is_refused() -> None:
    with pytest.raises(ValueParseError, match="category"):
        measure("rheumatoid_factor", "12")


@pytest.mark.parametrize("text", ["abc", "12 mg", "++", "1.2.3", "inf", "nan"])
def test_unreadable_value_is_refused(text: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        measure("crp", text, "mg/L")
    assert caught.value.field == "value"


def test_overflowing_number_is_refused() -> None:
    with pytest.raises(ValueParseError, match="finite"):
        measure("crp", "1e400", "mg/L")


def test_boolean_is_not_a_measured_value() -> None:
    with pytest.raises(ValueParseError) as caught:
        measure("crp", True, "mg/L", field="observations[4].value")
    assert caught.value.field == "observations[4].value"


def test_reference_range_is_converted_to_the_canonical_unit() -> None:
    assert reference_range("platelets", 150_000, 450_000, "/mm3") == ReferenceRange(150, 450, "laboratory")
    assert reference_range("crp", None, 0.5, "mg/dL", source="assumed") == ReferenceRange(None, 5, "assumed")


# --------------------------------------------------------------- implausible values


@pytest.mark.parametrize(
    ("analyte_id", "text", "unit"),
    [
        ("platelets", "-5", "10*9/L"),
        ("wbc", "-0.1", "10*9/L"),
        ("neutrophils", "-1", "/mm3"),
        ("crp", "-3", "mg/L"),
    ],
)
def test_negative_count_or_concentration_is_refused(analyte_id: str, text: str, unit: str) -> None:
    with pytest.raises(ImplausibleValueError) as caught:
        measure(analyte_id, text, unit)
    error = caught.value
    assert error.field == "value"
    assert text in error.message
    assert unit in error.message
    assert "plausible range" in error.message
    assert error.code == "implausible_value"
    assert isinstance(error, ValueError)


def test_platelets_4_per_microlitre_typed_as_per_millilitre_is_refused_with_a_hint() -> None:
    with pytest.raises(ImplausibleValueError) as caught:
        measure("platelets", "4", "x10^3/ml", field="observations[2].value")
    error = caught.value
    assert error.field == "observations[2].value"
    assert "Platelet count 4 x10^3/ml" in error.message  # value and unit as entered
    assert "0.004 10*9/L" in error.message  # what that means in the canonical unit
    assert "1-5000 10*9/L" in error.message  # the expected range
    assert "10*3/uL" in error.message.split("was the unit meant to be")[1]  # the likely intended unit
    assert str(error).startswith("observations[2].value: ")


def test_temperature_104_in_celsius_is_refused_with_a_fahrenheit_hint() -> None:
    with pytest.raises(ImplausibleValueError) as caught:
        measure("temperature", "104", "°C")
    error = caught.value
    assert error.field == "value"
    assert "104 °C" in error.message
    assert "25-45 Cel" in error.message
    assert error.message.endswith("was the unit meant to be [degF]?")


def test_temperature_104_in_fahrenheit_is_40_celsius() -> None:
    assert measure("temperature", "104", "°F").value == 40


def test_hint_is_absent_when_no_offered_unit_would_help() -> None:
    with pytest.raises(ImplausibleValueError) as caught:
        measure("platelets", "-5", "10*9/L")
    assert "was the unit meant" not in caught.value.message


def test_error_dict_is_the_one_json_shape() -> None:
    with pytest.raises(ImplausibleValueError) as caught:
        measure("temperature", "104", "Cel")
    assert set(caught.value.to_dict()) == {"code", "message", "field"}
    assert caught.value.to_dict()["code"] == "implausible_value"


# --------------------------------------------------------------- nothing clipped


@pytest.mark.parametrize(
    ("analyte_id", "text", "unit", "canonical"),
    [
        ("platelets", "1", "10*9/L", 1),
        ("platelets", "5000", "10*9/L", 5000),
        ("platelets", "1000", "/mm3", 1),
        ("temperature", "25", "Cel", 25),
        ("temperature", "45", "Cel", 45),
        ("temperature", "113", "[degF]", 45),  # (113 - 32) / 1.8 = 45 exactly after the tidy rule
        ("ferritin", "1000000", "ng/mL", 1_000_000),
        ("ferritin", "0", "ug/L", 0),
        ("crp", "100", "mg/dL", 1000),
        ("haemoglobin", "26", "g/dL", 260),
        ("weight", "0.3", "kg", 0.3),
    ],
)
def test_boundary_plausible_value_is_stored_unchanged(analyte_id: str, text: str, unit: str, canonical: float) -> None:
    m = measure(analyte_id, text, unit)
    assert m.value == canonical
    assert m.text == text
    assert m.number == float(text)


@pytest.mark.parametrize(
    ("analyte_id", "text", "unit"),
    [
        ("platelets", "0.99", "10*9/L"),
        ("platelets", "5000.01", "10*9/L"),
        ("temperature", "45.01", "Cel"),
        ("temperature", "24.99", "Cel"),
        ("ferritin", "1000001", "ng/mL"),
        ("crp", "100.1", "mg/dL"),
    ],
)
def test_just_outside_the_plausible_range_is_refused_not_clipped(analyte_id: str, text: str, unit: str) -> None:
    with pytest.raises(ImplausibleValueError):
        measure(analyte_id, text, unit)


# --------------------------------------------------------------- units for the analyte


def test_unit_that_cannot_express_the_analyte_names_the_unit_field() -> None:
    with pytest.raises(UnitError) as caught:
        measure("crp", "5", "kg")
    assert caught.value.field == "unit"
    assert "'kg' cannot express C-reactive protein" in caught.value.message
    assert "mg/L" in caught.value.message


def test_unit_error_field_is_the_sibling_of_the_value_field() -> None:
    with pytest.raises(UnitError) as caught:
        measure("crp", "5", "kg", field="observations[3].value")
    assert caught.value.field == "observations[3].unit"


def test_unknown_unit_names_the_unit_field() -> None:
    with pytest.raises(UnitError) as caught:
        measure("crp", "5", "furlongs", field="findings[0].value")
    assert caught.value.field == "findings[0].unit"
    assert "furlongs" in caught.value.message


def test_missing_unit_is_refused_for_a_dimensioned_analyte() -> None:
    with pytest.raises(UnitError, match="needs a unit"):
        measure("crp", "5", None)


def test_dimensionless_score_needs_no_unit() -> None:
    m = measure("active_joint_count", "3")
    assert m.value == 3
    assert m.ucum == "1"


def test_mass_and_amount_units_need_the_molar_mass() -> None:
    assert measure("triglycerides", "1.76", "mmol/L").value == pytest.approx(155.88, abs=0.01)
    with pytest.raises(UnitError):
        measure("crp", "1", "mmol/L")  # CRP has no molar mass in the table


# --------------------------------------------------------------- verbatim


@pytest.mark.parametrize(
    ("analyte_id", "text", "unit"),
    [
        ("ferritin", ">2000", "ng/ml"),
        ("platelets", "181000", "cells/mm3"),
        ("platelets", "181", "x10^3/µL"),
        ("crp", "<0.5", "mg%"),
        ("temperature", "102.2", "ºF"),
        ("ast", "48", "IE/l"),
        ("ferritin", "elevated", "µg/l"),
    ],
)
def test_text_and_unit_are_kept_verbatim(analyte_id: str, text: str, unit: str) -> None:
    m = measure(analyte_id, text, unit)
    assert m.text == text
    assert m.unit == unit


def test_surrounding_whitespace_of_the_text_is_trimmed() -> None:
    assert measure("crp", "  12 ", "mg/L").text == "12"


@settings(deadline=None, max_examples=200)
@given(measurements())
def test_measuring_the_stored_text_again_gives_the_same_measurement(m: Measurement) -> None:
    """What persistence does: the stored text and unit rebuild the value."""
    again = measure(m.analyte, m.text, m.unit, reference=m.reference)
    assert again == m
