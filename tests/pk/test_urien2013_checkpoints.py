"""The numeric checkpoints of drugs.md §2.5, each with its tolerance.

Table B (deterministic regression vectors) is derived arithmetic [D]; the
21-kg row also matches the nlmixr2lib vignette [S:2]. Table A (published
observations) is compared within ±40 %, the reference's suggested tolerance
for populations that differ; where the model is known not to reproduce adult
data, the test pins the documented gap instead of hiding it.
"""

from __future__ import annotations

import math

import pytest

from remit.core.medications import Route
from remit.pk import URIEN_2013, Regimen, simulate, single_dose, typical_parameters

# WT kg, dose mg -> CL/F, V/F, t½, Tmax, Cmax, AUC0-∞, q24h steady state Cmax / Cmin / Cavg
TABLE_B = [
    pytest.param(21, 42, 3.543, 26.11, 5.11, 4.22, 0.908, 11.853, 0.965, 0.100, 0.494, id="21kg-42mg"),
    pytest.param(20, 40, 3.463, 25.16, 5.04, 4.19, 0.893, 11.550, 0.947, 0.095, 0.481, id="20kg-40mg"),
    pytest.param(10, 20, 2.500, 14.86, 4.12, 3.85, 0.705, 7.999, 0.727, 0.043, 0.333, id="10kg-20mg"),
    pytest.param(10, 40, 2.500, 14.86, 4.12, 3.85, 1.409, 15.998, 1.455, 0.086, 0.667, id="10kg-40mg"),
    pytest.param(40, 80, 4.797, 42.61, 6.16, 4.55, 1.125, 16.678, 1.242, 0.192, 0.695, id="40kg-80mg"),
    pytest.param(70, 100, 6.240, 65.20, 7.24, 4.85, 0.964, 16.026, 1.111, 0.229, 0.668, id="70kg-100mg"),
]


def printed(digits: int) -> float:
    """Half a unit of the last printed digit: the tolerance of a rounded table value."""
    return 0.5 * 10.0**-digits + 1e-12


@pytest.mark.parametrize(
    ("weight", "dose", "cl", "v", "half_life", "tmax", "cmax", "auc", "ss_max", "ss_min", "ss_avg"), TABLE_B
)
def test_table_b_regression_vectors(
    weight: float,
    dose: float,
    cl: float,
    v: float,
    half_life: float,
    tmax: float,
    cmax: float,
    auc: float,
    ss_max: float,
    ss_min: float,
    ss_avg: float,
) -> None:
    params = typical_parameters(weight)
    assert params.cl_l_per_h == pytest.approx(cl, abs=printed(3))
    assert params.v_l == pytest.approx(v, abs=printed(2))
    assert params.half_life_h == pytest.approx(half_life, abs=printed(2))
    single = single_dose(dose, weight)
    assert single.tmax_h == pytest.approx(tmax, abs=printed(2))
    assert single.cmax_mg_per_l == pytest.approx(cmax, abs=printed(3))
    assert single.auc_mg_h_per_l == pytest.approx(auc, abs=printed(3))
    steady = simulate(Regimen.repeated(dose, 24, days=3), weight, 3, n_virtual=0).steady_state
    assert steady is not None
    assert steady.typical.peak == pytest.approx(ss_max, abs=printed(3))
    assert steady.typical.trough == pytest.approx(ss_min, abs=printed(3))
    assert steady.typical.average == pytest.approx(ss_avg, abs=printed(3))


def test_the_per_kg_and_70_kg_forms_agree() -> None:
    # 0.847 × 70^0.47 = 6.238 L/h and 2.581 × 70^0.76 = 65.17 L [D]
    assert pytest.approx(URIEN_2013.clearance(70), abs=0.005) == 0.847 * 70**0.47
    assert pytest.approx(URIEN_2013.volume(70), abs=0.05) == 2.581 * 70**0.76


def test_single_dose_time_points_at_20_kg() -> None:
    result = simulate(Regimen.repeated(40, 24, count=1), 20, 1, n_virtual=0, step_h=1)
    expected = {1: 0.4675, 2: 0.7270, 4: 0.8921, 8: 0.7095, 12: 0.4518, 24: 0.0914}
    for hour, value in expected.items():
        assert float(result.typical[hour]) == pytest.approx(value, abs=printed(4)), hour


@pytest.mark.parametrize(
    ("dose", "every", "peak", "trough"),
    [(80, 24, 1.894, 0.190), (40, 12, 1.239, 0.565)],
    ids=["80mg-q24h", "40mg-q12h"],
)
def test_splitting_4_mg_per_kg_at_20_kg(dose: float, every: float, peak: float, trough: float) -> None:
    steady = simulate(Regimen.repeated(dose, every, days=3), 20, 3, n_virtual=0).steady_state
    assert steady is not None
    assert steady.typical.peak == pytest.approx(peak, abs=printed(3))
    assert steady.typical.trough == pytest.approx(trough, abs=printed(3))


@pytest.mark.parametrize(
    ("weight", "mg_per_kg_day", "tolerance"),
    [
        (5, 3.5, 0.05),
        (10, 2.4, 0.05),
        (15, 1.9, 0.05),
        (20, 1.7, 0.05),
        (30, 1.3, 0.05),
        (40, 1.15, 0.005),
        (50, 1.0, 0.05),
    ],
    ids=str,
)
def test_daily_dose_for_an_average_of_0_4_mg_per_l(weight: float, mg_per_kg_day: float, tolerance: float) -> None:
    # Cavg = dose / (CL/F · 24), so dose = 0.4 · 24 · CL/F [D]
    exact = URIEN_2013.target.value * 24 * URIEN_2013.clearance(weight) / weight
    assert exact == pytest.approx(mg_per_kg_day, abs=tolerance)
    steady = simulate(Regimen.repeated(exact * weight, 24, days=2), weight, 2, n_virtual=0).steady_state
    assert steady is not None
    assert steady.typical.average == pytest.approx(0.4)


def test_60_mg_a_day_reaches_0_4_mg_per_l_at_70_kg() -> None:
    assert URIEN_2013.target.value * 24 * URIEN_2013.clearance(70) == pytest.approx(60, abs=0.5)


def test_the_target_is_0_4_mg_per_l_and_verified() -> None:
    assert URIEN_2013.target.value == 0.4
    assert URIEN_2013.target.provenance.verification.value == "V"


# --- Table A: published observations, ±40 % ----------------------------------------------------------

WITHIN_40_PERCENT = 0.4


def within(model: float, published: float) -> bool:
    return abs(model - published) <= WITHIN_40_PERCENT * published


def test_a1_adult_ra_single_1_mg_per_kg() -> None:
    single = single_dose(70, 70)
    assert single.cmax_mg_per_l == pytest.approx(0.675, abs=printed(3))  # model cross-check [D]
    assert single.tmax_h == pytest.approx(4.85, abs=printed(2))
    assert within(single.cmax_mg_per_l, 0.687)  # 687 ± 197 ng/mL
    assert 2 <= single.tmax_h <= 6  # Tmax 2–6 h
    cl_ml_min = URIEN_2013.clearance(70) * 1000 / 60
    assert within(cl_ml_min, 150)  # CL/F 150 ± 52 mL/min


def test_a1_a5_adult_half_life_is_the_documented_extrapolation_gap() -> None:
    # Published adult t½ 3.76 ± 1 h (A1) and 4–6 h (A5); the model at 70 kg gives 7.24 h.
    # drugs.md §2.2 documents this gap; simulations above ~60 kg are flagged for it.
    model = URIEN_2013.half_life(70)
    assert model == pytest.approx(7.24, abs=printed(2))
    assert not within(model, 3.76)
    assert model > 6
    flagged = simulate(Regimen.repeated(70, 24, count=1), 70, 1, n_virtual=0)
    assert "weight_above_60kg" in {w.code for w in flagged.warnings}


def test_a5_paediatric_half_life_and_tmax_fall_in_the_label_ranges() -> None:
    assert 4 <= URIEN_2013.half_life(21) <= 6
    assert 3 <= single_dose(42, 21).tmax_h <= 7


def test_a6_two_mg_per_kg_a_day_reaches_the_target_average_from_20_kg_but_not_at_10_kg() -> None:
    def average(weight: float) -> float:
        steady = simulate(Regimen.repeated(2 * weight, 24, days=2), weight, 2, n_virtual=0).steady_state
        assert steady is not None
        return steady.typical.average

    assert average(20) > 0.4
    assert average(40) > 0.4
    assert average(10) == pytest.approx(0.333, abs=printed(3))  # the tension noted in §2.5


def test_a2_iv_clearance_within_40_percent() -> None:
    cl_iv_ml_min = URIEN_2013.clearance(70) * URIEN_2013.bioavailability.value * 1000 / 60
    assert within(cl_iv_ml_min, 137)  # 137 ± 21 mL/min


def test_a3_sc_clearance_within_40_percent_and_the_auc_it_implies() -> None:
    cl_ml_min = URIEN_2013.clearance(70) * 1000 / 60
    assert within(cl_ml_min, 170)  # 170 ± 37 mL/min
    # AUC = dose / CL/F: 100 mg → 16.03 mg·h/L in the model, ≈ 9.8 published [D]: the same CL/F gap
    assert single_dose(100, 70).auc_mg_h_per_l == pytest.approx(16.026, abs=printed(3))


def test_a4_iv_infusion_plateau() -> None:
    result = simulate(Regimen.infusion(2 * 70, 72), 70, 3, n_virtual=0)
    assert result.steady_state is not None
    plateau = result.steady_state.typical.average
    assert plateau == pytest.approx(23.6, abs=printed(1))  # CL/F × 0.95 [D]
    assert within(plateau, 22)  # 22 ± 4 mg/L (regimen inferred)
    assert result.typical[-1] == pytest.approx(plateau, rel=2e-3)  # 72 h ≈ 10 half-lives: 1 - 2^-10 of it
    assert pytest.approx(17.0, abs=printed(1)) == 140 / 8.22  # with Yang's CL 8.22 L/h instead [D]
    assert {w.code for w in result.warnings} >= {"iv_route", "weight_above_60kg"}


def test_iv_bolus_decays_mono_exponentially() -> None:
    result = simulate(Regimen.repeated(70, 24, count=1, route=Route.IV), 70, 1, n_virtual=0, step_h=1)
    params = typical_parameters(70)
    v_iv = params.v_l * params.bioavailability
    assert float(result.typical[0]) == pytest.approx(70 / v_iv)
    assert float(result.typical[10]) == pytest.approx(70 / v_iv * math.exp(-params.ke_per_h * 10))
