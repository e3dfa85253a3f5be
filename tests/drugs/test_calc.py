"""dose_calc: the usual range in mg for one child, checked by hand."""

from __future__ import annotations

import pytest

from remit.core.medications import Frequency, Route
from remit.drugs import CaveatKind, dose_calc
from remit.errors import ImplausibleValueError, UnknownCodeError


def by_rule(result: object) -> dict[str, object]:
    return {r.rule.id: r for r in result.ranges}  # type: ignore[attr-defined]


def test_anakinra_sjia_21_kg() -> None:
    result = dose_calc("anakinra", "sjia", 21)
    ranges = by_rule(result)
    uptodate = ranges["anakinra.sjia.uptodate"]
    assert uptodate.usual_mg == pytest.approx((42, 84))  # 2–4 mg/kg/day × 21 kg; the 100 mg cap does not bind
    assert uptodate.maximum_mg == 200
    eu = ranges["anakinra.sjia.eu_smpc_under_50kg"]
    assert eu.usual_mg == pytest.approx((21, 42))
    assert eu.maximum_mg == pytest.approx(84)  # 4 mg/kg/day
    assert any(c.kind is CaveatKind.BAND for c in eu.caveats)  # age not given: the 8-month floor is unchecked
    assert result.ranges[0].rule.id == "anakinra.sjia.uptodate"


def test_the_usual_cap_clips_the_range_of_a_heavy_child() -> None:
    uptodate = by_rule(dose_calc("anakinra", "sjia", 60, age_years=15))["anakinra.sjia.uptodate"]
    assert uptodate.usual_mg == pytest.approx((100, 100))  # 120–240 mg clipped by "initial max 100 mg/day"
    fixed = by_rule(dose_calc("anakinra", "sjia", 60, age_years=15))["anakinra.sjia.eu_smpc_from_50kg"]
    assert fixed.usual_mg == (100, 100)


def test_methotrexate_needs_a_height_for_mg() -> None:
    without = dose_calc("MTX", "sjia", 30).ranges[0]
    assert without.usual_mg is None
    assert "height" in (without.problem or "")
    with_height = dose_calc("MTX", "sjia", 20, height_cm=115).ranges[0]
    assert with_height.usual_mg == pytest.approx((7.993, 11.99), abs=0.01)  # 10–15 mg/m² × 0.7993 m²


def test_per_administration_amounts_for_divided_doses() -> None:
    ibuprofen = dose_calc("ibuprofen", "sjia", 20).ranges[0]
    per = {f: (lo, hi) for f, lo, hi in ibuprofen.per_administration}
    assert per[Frequency.EVERY_8H] == pytest.approx((200, 800 / 3))  # 600–800 mg/day ÷ 3
    assert ibuprofen.other_limits == ("800 mg/dose",)


def test_canakinumab_caps_bands_by_weight_and_age() -> None:
    ranges = by_rule(dose_calc("canakinumab", "caps", 25, age_years=5))
    assert set(ranges) == {"canakinumab.caps.eu_smpc_15_to_40kg", "canakinumab.caps.us_pi_15_to_40kg"}
    assert ranges["canakinumab.caps.eu_smpc_15_to_40kg"].usual_mg == pytest.approx((50, 50))
    assert ranges["canakinumab.caps.us_pi_15_to_40kg"].maximum_mg == pytest.approx(75)  # 3 mg/kg


def test_ciclosporin_in_mas_lists_both_comedication_rules() -> None:
    ids = list(by_rule(dose_calc("CsA", "mas", 21)))
    assert ids[:2] == ["ciclosporin.mas.with_glucocorticoid", "ciclosporin.mas.alone"]
    assert "ciclosporin.hlh.hlh2004" in ids


def test_route_filters_the_rules() -> None:
    ids = set(by_rule(dose_calc("tocilizumab", "sjia", 25, age_years=6, route=Route.SC)))
    assert ids == {"tocilizumab.sjia.sc_under_30kg"}


def test_no_rule_for_the_indication_says_which_exist() -> None:
    result = dose_calc("anakinra", "naps12", 21)
    assert result.ranges == ()
    assert "rules exist for sjia" in result.message


def test_unknown_drug_indication_and_implausible_weight_are_errors() -> None:
    with pytest.raises(UnknownCodeError):
        dose_calc("aspirin", "sjia", 21)
    with pytest.raises(UnknownCodeError):
        dose_calc("anakinra", "gout", 21)
    with pytest.raises(ImplausibleValueError):
        dose_calc("anakinra", "sjia", 2100)


def test_summary_and_json_agree() -> None:
    result = dose_calc("anakinra", "sjia", 21)
    assert "42–84 mg/day" in result.summary()
    data = result.to_dict()
    assert data["ranges"][0]["usual_mg"] == pytest.approx([42, 84])  # type: ignore[index]
