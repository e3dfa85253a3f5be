"""check_dose against hand calculations and the seed case reports."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from remit.core.medications import Frequency, Route
from remit.core.record import (
    BirthDate,
)
from remit.drugs import AnakinraTier, CaveatKind, DoseCheck, Verdict, check_dose, drug
from remit.drugs.dose_rules import Cap, Frame
from remit.drugs.sources import unverified
from tests.drugs.records import course, record

DAY = date(2011, 6, 1)


def kinds(result: DoseCheck) -> set[CaveatKind]:
    return {c.kind for c in result.caveats}


def messages(result: DoseCheck, kind: CaveatKind) -> str:
    return " | ".join(c.message for c in result.caveats if c.kind is kind)


# --- seed 000: the girl with hip coxitis (sJIA, age 15 in the report) -------------------------------


@pytest.mark.parametrize("weight", [40, 45, 50], ids=["40kg", "45kg", "50kg"])
def test_seed_000_anakinra_100_mg_a_day_at_2_to_2_5_mg_per_kg_is_within_the_sjia_range(weight: float) -> None:
    # "Anakinra 100 mg/day (2–2.5 mg/kg/day)" implies 40–50 kg.
    c = course("anakinra", 100, "mg")
    result = check_dose(c, record(c, weight_kg=weight, birth=BirthDate(1998, 3)), DAY)
    assert result.verdict is Verdict.WITHIN_USUAL, result.reason
    assert result.rule is not None
    assert result.rule.id == "anakinra.sjia.uptodate"
    assert result.value == pytest.approx(100 / weight)
    assert result.mg is not None
    assert result.mg.per_day == 100
    assert result.body.weight is not None
    assert result.body.weight.value == weight
    assert f"for a {weight} kg child" in result.reason


def test_seed_000_the_eu_smpc_reading_is_shown_beside_it() -> None:
    c = course("anakinra", 100, "mg")
    result = check_dose(c, record(c, weight_kg=45, birth=BirthDate(1998, 3)), DAY)
    eu = {a.rule.id: a for a in result.alternatives}["anakinra.sjia.eu_smpc_under_50kg"]
    assert eu.verdict is Verdict.ABOVE_USUAL  # 2.22 mg/kg/day > 1-2, under the 4 mg/kg/day escalation limit
    assert any(c.kind is CaveatKind.VERIFICATION and "secondary" in c.message for c in eu.caveats)


def test_seed_000_anakinra_start_at_1_mg_per_kg_is_below_the_us_table_but_within_the_eu_range() -> None:
    c = course("anakinra", 1, "mg/kg/day", start=date(2009, 7, 1))
    result = check_dose(c, record(c, weight_kg=30, birth=BirthDate(2000, 1)), date(2009, 7, 1))
    assert result.verdict is Verdict.BELOW_USUAL
    assert {a.rule.id: a.verdict for a in result.alternatives}[
        "anakinra.sjia.eu_smpc_under_50kg"
    ] is Verdict.WITHIN_USUAL


def test_seed_000_methotrexate_escalated_to_25_mg_per_m2_is_above_usual_and_no_cap_is_invented() -> None:
    c = course("methotrexate", 25, "mg/m2", Frequency.WEEKLY, start=date(2008, 6, 1))
    result = check_dose(c, record(c), date(2008, 6, 1))  # no height needed: entered per m²
    assert result.verdict is Verdict.ABOVE_USUAL
    assert result.value == pytest.approx(25)
    assert result.unit == "mg/m²/week"
    assert "10–15 mg/m²/week" in result.reason
    assert "[CONFLICT]" in messages(result, CaveatKind.CONFLICT)
    assert CaveatKind.INDICATION in kinds(result)  # JIA rule applied to sJIA


def test_seed_000_methotrexate_start_at_10_mg_per_m2_with_bsa_shows_the_mg() -> None:
    c = course("methotrexate", 10, "mg/m2", Frequency.WEEKLY, start=date(2007, 3, 1))
    result = check_dose(c, record(c, weight_kg=20, height_cm=115, measured=date(2007, 3, 1)), date(2007, 3, 1))
    assert result.verdict is Verdict.WITHIN_USUAL
    assert result.mg is not None
    assert result.mg.per_week == pytest.approx(10 * 0.7993, abs=1e-3)
    assert result.body.bsa_m2 == pytest.approx(0.7993, abs=1e-4)


def test_seed_000_prednisolone_1_mg_per_kg_per_day_is_within_the_etg_range() -> None:
    c = course("prednisolone", 1, "mg/kg/day", route=Route.ORAL)
    result = check_dose(c, record(c, weight_kg=16), DAY)
    assert result.verdict is Verdict.WITHIN_USUAL
    assert result.rule is not None
    assert result.rule.id == "prednisolone.sjia.etg"


# --- seed 001: the two boys (SOJRA) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "verdict"),
    [(40, Verdict.WITHIN_USUAL), (30, Verdict.ABOVE_USUAL)],
    ids=["40kg-25mg/kg", "30kg-33mg/kg"],
)
def test_seed_001_methylprednisolone_1_g_pulses(weight: float, verdict: Verdict) -> None:
    # Patient 1, 12 years: "pulse intravenous methylprednisolone (1 g) daily for 3 days"; weight not reported.
    c = course("methylprednisolone", 1, "g", Frequency.DAILY, route=Route.IV)
    result = check_dose(c, record(c, weight_kg=weight, birth=BirthDate(1990, 1)), DAY)
    assert result.verdict is verdict
    assert result.value == pytest.approx(1000 / weight)
    assert result.mg is not None
    assert result.mg.per_dose == 1000


def test_seed_001_methylprednisolone_above_one_gram_breaks_the_cap() -> None:
    c = course("methylprednisolone", 30, "mg/kg", Frequency.DAILY, route=Route.IV)
    result = check_dose(c, record(c, weight_kg=40), DAY)
    assert result.verdict is Verdict.ABOVE_MAXIMUM
    assert "1000 mg/dose" in result.reason


def test_seed_001_divided_iv_methylprednisolone_has_no_pulse_rule() -> None:
    # "Intravenous methylprednisolone (2 mg/kg/day divided every 6 h)"
    c = course("methylprednisolone", 2, "mg/kg/day", Frequency.EVERY_6H, route=Route.IV)
    result = check_dose(c, record(c, weight_kg=40), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "every 6 h" in result.reason


def test_seed_001_infliximab_5_mg_per_kg_is_within_the_jia_range_with_its_caveats() -> None:
    c = course("infliximab", 5, "mg/kg", Frequency.ONCE, route=Route.IV)
    result = check_dose(c, record(c, weight_kg=40), DAY)
    assert result.verdict is Verdict.WITHIN_USUAL
    assert result.rule is not None
    assert result.rule.id == "infliximab.jia.ruperto"
    assert {CaveatKind.OFF_LABEL, CaveatKind.INDICATION} <= kinds(result)


def test_seed_001_weekly_infliximab_is_more_often_than_the_rule_allows() -> None:
    # Patient 2: "infliximab infusions (5 mg/kg/dose) weekly for 5 weeks"
    c = course("infliximab", 5, "mg/kg", Frequency.WEEKLY, route=Route.IV)
    result = check_dose(c, record(c, weight_kg=17), DAY)
    assert result.verdict is Verdict.ABOVE_USUAL
    assert "more often" in result.reason
    assert CaveatKind.FREQUENCY in kinds(result)


def test_seed_001_anakinra_100_mg_in_a_4_year_old() -> None:
    # Patient 2, 4 years, "Anakinra (100 mg subcutaneously daily)"; 18 kg assumed.
    c = course("anakinra", 100, "mg", start=date(2004, 9, 1))
    result = check_dose(
        c, record(c, weight_kg=18, birth=BirthDate(2000, 1), measured=date(2004, 9, 1)), date(2004, 9, 1)
    )
    assert result.verdict is Verdict.ABOVE_USUAL  # 5.56 mg/kg/day; usual 2–4 (36–72 mg), under 200 mg/day
    assert result.tier is not None
    assert result.tier.tier is AnakinraTier.CAPS_LABEL_RANGE
    assert {a.rule.id: a.verdict for a in result.alternatives}[
        "anakinra.sjia.eu_smpc_under_50kg"
    ] is Verdict.ABOVE_MAXIMUM


def test_seed_001_etanercept_has_no_sjia_rule() -> None:
    # Patient 1: "etanercept ... (12.5 mg subcutaneously twice weekly)"
    c = course("etanercept", 12.5, "mg", Frequency.TWICE_WEEKLY)
    result = check_dose(c, record(c, weight_kg=40), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "no dose rule for Etanercept in sjia" in result.reason
    assert "pjia" in result.reason


# --- unit slips ---------------------------------------------------------------------------------------


def test_100_mg_per_kg_entered_for_100_mg_is_caught_and_explained() -> None:
    c = course("anakinra", 100, "mg/kg")
    result = check_dose(c, record(c, weight_kg=21), DAY)
    assert result.verdict is Verdict.ABOVE_MAXIMUM
    assert result.reason.startswith("100 mg/kg/day for a 21 kg child is 2100 mg/day; above the maximum 200 mg/day")
    assert result.reason.endswith("did you mean 100 mg?")
    assert result.suggestion is not None
    assert result.suggestion.startswith("did you mean 100 mg?")
    assert result.tier is not None
    assert result.tier.tier is AnakinraTier.OFF_LABEL_HIGH_DOSE


def test_1_mg_entered_for_1_g_methylprednisolone_suggests_grams() -> None:
    c = course("methylprednisolone", 1, "mg", route=Route.IV)
    result = check_dose(c, record(c, weight_kg=40), DAY)
    assert result.verdict is Verdict.BELOW_USUAL
    assert result.suggestion is not None
    assert result.suggestion.startswith("did you mean 1 g?")


def test_a_plausible_dose_gets_no_suggestion() -> None:
    c = course("anakinra", 2, "mg/kg")
    result = check_dose(c, record(c, weight_kg=21), DAY)
    assert result.verdict is Verdict.WITHIN_USUAL
    assert result.suggestion is None


# --- missing data, limits, unverified rules ---------------------------------------------------------


def test_missing_weight_cannot_be_checked_and_says_why() -> None:
    c = course("anakinra", 100, "mg")
    result = check_dose(c, record(c), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "no usable weight" in result.reason
    assert result.tier is None


def test_a_per_kg_dose_without_weight_cannot_check_the_mg_maximum() -> None:
    c = course("anakinra", 3, "mg/kg")
    result = check_dose(c, record(c), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "the maximum 200 mg/day cannot be checked" in result.reason


def test_an_unverified_rule_is_never_a_silent_pass() -> None:
    c = course("anakinra", 2, "mg/kg", indication="fmf")
    result = check_dose(c, record(c, weight_kg=20, birth=BirthDate(2004, 1)), DAY)
    assert result.verdict is Verdict.WITHIN_USUAL
    assert result.rule is not None
    assert result.rule.id == "anakinra.fmf.assumed_under_50kg"
    assert "unverified" in messages(result, CaveatKind.VERIFICATION)
    assert result.to_dict()["rule"]["verification"] == "U"  # type: ignore[index]


def test_a_secondary_rule_is_caveated_as_secondary() -> None:
    c = course("tocilizumab", 162, "mg", Frequency.EVERY_2_WEEKS)
    result = check_dose(c, record(c, weight_kg=25), DAY)
    assert result.verdict is Verdict.WITHIN_USUAL
    assert "secondary source only" in messages(result, CaveatKind.VERIFICATION)


def test_iv_anakinra_in_mas_is_flagged_off_label_and_has_no_agreed_range() -> None:
    c = course("anakinra", 10, "mg/kg/day", Frequency.EVERY_6H, route=Route.IV, indication="mas")
    result = check_dose(c, record(c, weight_kg=20), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "no agreed dose range" in result.reason
    assert {CaveatKind.OFF_LABEL_ROUTE, CaveatKind.OFF_LABEL, CaveatKind.TIER} <= kinds(result)
    assert "[D]" in messages(result, CaveatKind.TIER)
    assert result.tier is not None
    assert result.tier.tier is AnakinraTier.OFF_LABEL_HIGH_DOSE


def test_every_anakinra_check_shows_the_derived_tier() -> None:
    c = course("anakinra", 2, "mg/kg")
    result = check_dose(c, record(c, weight_kg=21), DAY)
    assert result.tier is not None
    assert result.tier.tier is AnakinraTier.STANDARD
    assert "not a guideline" in messages(result, CaveatKind.TIER)


def test_rilonacept_is_not_established_under_12_years() -> None:
    c = course("rilonacept", 2.2, "mg/kg", Frequency.WEEKLY, indication="caps")
    result = check_dose(c, record(c, weight_kg=30, birth=BirthDate(2001, 1)), DAY)
    assert result.verdict is Verdict.OUTSIDE_AGE_OR_WEIGHT_LIMITS
    assert "12–17 y" in result.reason


def test_rilonacept_loading_dose_is_judged_by_the_loading_rule() -> None:
    c = course("rilonacept", 4.4, "mg/kg", Frequency.ONCE, indication="caps")
    result = check_dose(c, record(c, weight_kg=50, birth=BirthDate(1996, 1)), DAY)
    assert result.rule is not None
    assert result.rule.id == "rilonacept.caps_rp.loading_12_to_17y"
    assert result.verdict is Verdict.WITHIN_USUAL  # 220 mg, under 320 mg


def test_tocilizumab_weight_bands_select_the_rule() -> None:
    light = course("tocilizumab", 12, "mg/kg", Frequency.EVERY_2_WEEKS, route=Route.IV)
    heavy = course("tocilizumab", 8, "mg/kg", Frequency.EVERY_2_WEEKS, route=Route.IV)
    born = BirthDate(2003, 1)
    first = check_dose(light, record(light, weight_kg=25, birth=born), DAY)
    second = check_dose(heavy, record(heavy, weight_kg=35, birth=born), DAY)
    assert first.rule is not None
    assert first.rule.id == "tocilizumab.sjia.iv_under_30kg"
    assert second.rule is not None
    assert second.rule.id == "tocilizumab.sjia.iv_from_30kg"
    assert first.verdict is second.verdict is Verdict.WITHIN_USUAL


def test_tocilizumab_iv_under_2_years_is_outside_the_limits() -> None:
    c = course("tocilizumab", 12, "mg/kg", Frequency.EVERY_2_WEEKS, route=Route.IV)
    result = check_dose(c, record(c, weight_kg=10, birth=BirthDate(2010, 6)), DAY)
    assert result.verdict is Verdict.OUTSIDE_AGE_OR_WEIGHT_LIMITS


def test_an_age_banded_rule_without_a_birth_date_cannot_be_checked() -> None:
    c = course("colchicine", 1, "mg", route=Route.ORAL, indication="fmf")
    result = check_dose(c, record(c, weight_kg=30), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "age unknown" in result.reason


def test_colchicine_2_4_mg_at_14_years_shows_the_eular_us_conflict() -> None:
    c = course("colchicine", 2.4, "mg", route=Route.ORAL, indication="fmf")
    result = check_dose(c, record(c, weight_kg=50, birth=BirthDate(1997, 1)), DAY)
    assert result.verdict is Verdict.ABOVE_MAXIMUM  # EULAR: 2 mg/day in children
    assert {a.rule.id: a.verdict for a in result.alternatives}[
        "colchicine.fmf.us_label_over_12y"
    ] is Verdict.WITHIN_USUAL
    assert CaveatKind.CONFLICT in kinds(result)


def test_dexamethasone_follows_the_hlh94_schedule() -> None:
    c = course("dexamethasone", 10, "mg/m2/day", route=Route.IV, indication="mas", start=date(2011, 1, 1))
    r = record(c)
    assert check_dose(c, r, date(2011, 1, 5)).verdict is Verdict.WITHIN_USUAL  # weeks 1–2: 10 mg/m²
    late = check_dose(c, r, date(2011, 1, 21))  # day 20: 5 mg/m²
    assert late.verdict is Verdict.ABOVE_USUAL
    assert "schedule day 20" in late.reason
    assert CaveatKind.INDICATION in kinds(late)  # HLH rule applied to MAS


@pytest.mark.parametrize(
    ("with_steroid", "verdict"),
    [(True, Verdict.ABOVE_USUAL), (False, Verdict.WITHIN_USUAL)],
    ids=["with-prednisolone", "alone"],
)
def test_ciclosporin_in_mas_depends_on_glucocorticoid_comedication(with_steroid: bool, verdict: Verdict) -> None:
    csa = course("ciclosporin", 7, "mg/kg/day", Frequency.EVERY_12H, route=Route.ORAL, indication="mas")
    courses = [csa]
    if with_steroid:
        courses.append(course("prednisolone", 1, "mg/kg/day", route=Route.ORAL, course_id="c2"))
    result = check_dose(csa, record(*courses, weight_kg=20), DAY)
    assert result.verdict is verdict


def test_indication_from_the_diagnoses_is_caveated() -> None:
    c = course("anakinra", 2, "mg/kg", indication=None)
    result = check_dose(c, record(c, weight_kg=21, diagnoses=("sjia",)), DAY)
    assert result.indication == "sjia"
    assert result.indication_source == "diagnosis"
    assert CaveatKind.INDICATION in kinds(result)


def test_no_indication_at_all_cannot_be_checked() -> None:
    c = course("anakinra", 2, "mg/kg", indication=None)
    result = check_dose(c, record(c, weight_kg=21), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "no indication" in result.reason


def test_a_local_rule_applies_the_methotrexate_cap_the_reference_leaves_open() -> None:
    marajia = drug("methotrexate").rule("methotrexate.jia.marajia")
    local = dataclasses.replace(
        marajia,
        id="local.methotrexate.cap_25mg",
        caps=(Cap(25, Frame.WEEK, provenance=unverified(note="local rule: 25 mg/week cap")),),
    )
    c = course("methotrexate", 20, "mg/m2", Frequency.WEEKLY)
    result = check_dose(c, record(c, weight_kg=50, height_cm=160), DAY, rule=local)
    assert result.verdict is Verdict.ABOVE_MAXIMUM  # 20 mg/m² × 1.49 m² = 29.8 mg/week
    assert "25 mg/week" in result.reason
    assert "unverified" in messages(result, CaveatKind.VERIFICATION)


def test_an_old_weight_is_shown_and_caveated() -> None:
    c = course("anakinra", 2, "mg/kg")
    result = check_dose(c, record(c, weight_kg=21, measured=date(2010, 1, 1)), DAY)
    assert result.body.weight is not None
    assert result.body.weight.days_from_check == -516
    assert "more than 90 days" in messages(result, CaveatKind.MEASUREMENT)


def test_a_drug_outside_the_catalogue_cannot_be_checked() -> None:
    c = course("hydroxychloroquine", 200, "mg", route=Route.ORAL)
    result = check_dose(c, record(c, weight_kg=40), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "not in the drug catalogue" in result.reason


def test_a_course_not_active_on_the_date_cannot_be_checked() -> None:
    c = course("anakinra", 2, "mg/kg", stop=date(2011, 2, 1))
    result = check_dose(c, record(c, weight_kg=21), DAY)
    assert result.verdict is Verdict.CANNOT_CHECK
    assert "is not active" in result.reason


def test_the_dose_in_force_follows_the_course_steps() -> None:
    c = course("anakinra", 2, "mg/kg", steps=[(date(2011, 3, 1), 4, "mg/kg", Frequency.DAILY)])
    r = record(c, weight_kg=21)
    assert check_dose(c, r, date(2011, 2, 1)).value == pytest.approx(2)
    assert check_dose(c, r, DAY).value == pytest.approx(4)


def test_a_dose_split_twice_daily_is_summed_per_day() -> None:
    c = course("anakinra", 1, "mg/kg", Frequency.EVERY_12H, indication="caps")
    result = check_dose(c, record(c, weight_kg=20, birth=BirthDate(2005, 1)), DAY)
    assert result.value == pytest.approx(2)
    assert result.verdict is Verdict.WITHIN_USUAL


def test_the_json_shape_is_complete() -> None:
    c = course("anakinra", 100, "mg/kg")
    data = check_dose(c, record(c, weight_kg=21), DAY).to_dict()
    assert data["verdict"] == "above_maximum"
    assert data["weight"] == {
        "value": 21.0,
        "unit": "kg",
        "date": "2011-01-01",
        "source": "enc1:weight",
        "days_from_check": -151,
    }
    assert {"reason", "suggestion", "rule", "caveats", "alternatives", "tier", "mg", "value"} <= set(data)
