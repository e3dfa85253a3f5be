"""simulate(): superposition, Monte-Carlo bands, warnings, regimens, plot."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from matplotlib.figure import Figure

from remit.core.measurements import measure
from remit.core.medications import Dose, Frequency, MedicationCourse, Route
from remit.core.record import (
    Encounter,
    Patient,
    PatientRecord,
)
from remit.errors import ImplausibleValueError
from remit.pk import Administration, Regimen, RegimenError, RegimenStep, plot, simulate, single_dose


def codes(result: object) -> set[str]:
    return {w.code for w in result.warnings}  # type: ignore[attr-defined]


def test_superposition_of_two_doses_is_the_sum_of_each() -> None:
    both = simulate(Regimen.repeated(42, 24, count=2), 21, 2, n_virtual=0)
    first = simulate(Regimen.repeated(42, 24, count=1), 21, 2, n_virtual=0)
    second = simulate(Regimen.repeated(42, 24, count=1, start_h=24), 21, 2, n_virtual=0)
    np.testing.assert_allclose(both.typical, first.typical + second.typical, rtol=1e-12)


def test_the_simulated_last_interval_approaches_the_closed_form_steady_state() -> None:
    result = simulate(Regimen.repeated(42, 24, days=14), 21, 14, n_virtual=0)
    assert result.steady_state is not None
    last_day = result.typical[result.times_h >= 13 * 24]
    assert float(last_day.max()) == pytest.approx(result.steady_state.typical.peak, abs=1e-4)
    assert float(last_day[-1]) == pytest.approx(result.steady_state.typical.trough, rel=1e-3)


def test_the_monte_carlo_band_is_reproducible_with_a_seed() -> None:
    regimen = Regimen.repeated(42, 24, days=3)
    one = simulate(regimen, 21, 3, n_virtual=300, seed=7)
    two = simulate(regimen, 21, 3, n_virtual=300, seed=7)
    other = simulate(regimen, 21, 3, n_virtual=300, seed=8)
    assert one.upper is not None
    assert two.upper is not None
    assert other.upper is not None
    np.testing.assert_array_equal(one.upper, two.upper)
    assert not np.array_equal(one.upper, other.upper)


def test_the_band_surrounds_the_typical_curve_and_widens_with_the_level() -> None:
    regimen = Regimen.repeated(42, 24, days=3)
    narrow = simulate(regimen, 21, 3, n_virtual=500, level=0.5)
    wide = simulate(regimen, 21, 3, n_virtual=500, level=0.9)
    assert wide.lower is not None
    assert wide.upper is not None
    assert narrow.lower is not None
    assert narrow.upper is not None
    after_dose = wide.times_h > 1
    assert np.all(wide.lower[after_dose] <= wide.typical[after_dose])
    assert np.all(wide.typical[after_dose] <= wide.upper[after_dose])
    assert np.all(narrow.upper[after_dose] <= wide.upper[after_dose])
    steady = wide.steady_state
    assert steady is not None
    assert steady.lower is not None
    assert steady.upper is not None
    assert steady.lower.average < steady.typical.average < steady.upper.average
    assert steady.share_average_above_target is not None
    assert 0 < steady.share_average_above_target < 1


def test_between_patient_variability_matches_omega() -> None:
    # log CL/F ~ N(log CL, 0.28²): the steady-state average (dose / CL·τ) inherits its spread
    result = simulate(Regimen.repeated(42, 24, days=2), 21, 2, n_virtual=4000, level=0.6827)
    steady = result.steady_state
    assert steady is not None
    assert steady.lower is not None
    assert steady.upper is not None
    spread = (np.log(steady.upper.average) - np.log(steady.lower.average)) / 2
    assert spread == pytest.approx(0.28, abs=0.02)


def test_residual_error_widens_the_band_of_observations() -> None:
    regimen = Regimen.repeated(42, 24, days=2)
    true = simulate(regimen, 21, 2, n_virtual=500)
    observed = simulate(regimen, 21, 2, n_virtual=500, residual_error=True)
    assert true.upper is not None
    assert observed.upper is not None
    assert observed.lower is not None
    assert float(np.mean(observed.upper - true.upper)) > 0
    assert float(observed.lower.min()) >= 0


def test_dose_changes_over_time() -> None:
    regimen = Regimen.from_steps([RegimenStep(0, 42, 24), RegimenStep(7, 84, 24)], days=14)
    assert len(regimen.administrations) == 14
    assert regimen.mg_per_day()[6:8] == (42, 84)
    result = simulate(regimen, 21, 14, n_virtual=0)
    assert result.steady_state is not None
    assert result.steady_state.dose_mg == 84


def test_twelve_hourly_dosing_halves_the_swing() -> None:
    daily = simulate(Regimen.repeated(80, 24, days=3), 20, 3, n_virtual=0).steady_state
    split = simulate(Regimen.repeated(40, 12, days=3), 20, 3, n_virtual=0).steady_state
    assert daily is not None
    assert split is not None
    assert split.typical.average == pytest.approx(daily.typical.average)  # same AUC per day
    assert split.typical.time_above_target_h * 2 > daily.typical.time_above_target_h


def test_time_above_target_is_counted_on_the_grid() -> None:
    result = simulate(Regimen.repeated(42, 24, days=7), 21, 7, n_virtual=0, step_h=0.25)
    assert result.time_above_target_h == pytest.approx(0.25 * np.sum(result.typical[:-1] >= 0.4))
    assert result.steady_state is not None
    assert 0 < result.steady_state.typical.time_above_target_h < 24


@pytest.mark.parametrize(
    ("weight", "age", "expected"),
    [
        (21, 6.0, set()),
        (70, 17.0, {"weight_above_60kg"}),
        (90, 25.0, {"weight_above_60kg", "weight_outside_fitted_range", "age_outside_population"}),
        (4, 0.5, {"weight_outside_fitted_range", "age_outside_population", "dose_above_studied_range"}),
    ],
    ids=["inside", "70kg", "adult", "infant"],
)
def test_warnings_outside_the_model_population(weight: float, age: float, expected: set[str]) -> None:
    result = simulate(Regimen.repeated(42, 24, count=1), weight, 1, n_virtual=0, age_years=age)
    warned = {w.code for w in result.warnings if w.severity == "warning"}
    assert warned == expected


def test_standing_notes_are_always_present() -> None:
    result = simulate(Regimen.repeated(42, 24, count=1), 21, 1, n_virtual=0)
    assert {"age_not_given", "no_renal_covariate", "target_reading"} <= codes(result)


def test_iv_is_simulated_with_a_warning_not_refused() -> None:
    result = simulate(Regimen.repeated(50, 6, days=1, route=Route.IV), 25, 1, n_virtual=0)
    assert "iv_route" in codes(result)
    assert result.steady_state is not None
    assert result.steady_state.route is Route.IV


def test_high_doses_are_flagged() -> None:
    result = simulate(Regimen.repeated(250, 24, count=1), 21, 1, n_virtual=0)
    assert "dose_above_studied_range" in codes(result)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"weight_kg": 0.1}, ImplausibleValueError),
        ({"days": 0}, ImplausibleValueError),
        ({"level": 1.5}, ImplausibleValueError),
    ],
    ids=["weight", "days", "level"],
)
def test_invalid_inputs_are_refused(kwargs: dict[str, float], error: type[Exception]) -> None:
    arguments: dict[str, float] = {"weight_kg": 21, "days": 1} | kwargs
    with pytest.raises(error):
        simulate(
            Regimen.repeated(42, 24, count=1), arguments["weight_kg"], arguments["days"], level=kwargs.get("level", 0.9)
        )


def test_a_subcutaneous_infusion_is_refused() -> None:
    with pytest.raises(RegimenError):
        Administration(0, 10, Route.SC, duration_h=1)


def _record(*courses: MedicationCourse) -> PatientRecord:
    return PatientRecord(
        Patient("p1", "site1"),
        encounters=(
            Encounter("e1", date(2024, 1, 1), weight=measure("weight", 20, "kg")),
            Encounter("e2", date(2024, 1, 8), weight=measure("weight", 21, "kg")),
        ),
        medications=courses,
    )


def test_a_regimen_from_a_course_uses_the_weight_nearest_each_step() -> None:
    course = MedicationCourse(
        "c1",
        "anakinra",
        Route.SC,
        date(2024, 1, 1),
        (
            Dose(date(2024, 1, 1), 2, "mg/kg", Frequency.DAILY),
            Dose(date(2024, 1, 8), 4, "mg/kg/day", Frequency.EVERY_12H),
        ),
        stop=date(2024, 1, 10),
    )
    regimen = Regimen.from_course(course, _record(course))
    amounts = [a.amount_mg for a in regimen.administrations]
    assert amounts[:7] == [40] * 7  # 2 mg/kg × 20 kg, days 0–6
    assert amounts[7:] == [42] * 6  # 4 mg/kg/day × 21 kg ÷ 2, days 7–9 twice daily
    assert regimen.administrations[-1].time_h == 9 * 24 + 12
    assert len(regimen.notes) == 2


def test_a_regimen_from_a_course_needs_an_end_and_anakinra() -> None:
    open_course = MedicationCourse(
        "c1", "anakinra", Route.SC, date(2024, 1, 1), (Dose(date(2024, 1, 1), 100, "mg", Frequency.DAILY),)
    )
    with pytest.raises(RegimenError, match="until"):
        Regimen.from_course(open_course, _record(open_course))
    assert len(Regimen.from_course(open_course, _record(open_course), until=date(2024, 1, 3)).administrations) == 3
    other = MedicationCourse("c2", "canakinumab", Route.SC, date(2024, 1, 1), stop=date(2024, 2, 1))
    with pytest.raises(RegimenError, match="anakinra"):
        Regimen.from_course(other, _record(other))


def test_single_dose_auc_equals_dose_over_clearance() -> None:
    result = simulate(Regimen.repeated(42, 24, count=1), 21, 4, n_virtual=0, step_h=0.05)
    auc = float(np.trapezoid(result.typical, result.times_h))
    assert auc == pytest.approx(single_dose(42, 21).auc_mg_h_per_l, rel=2e-3)  # 96 h ≈ 19 half-lives


def test_plot_returns_the_axes_it_drew_on() -> None:
    result = simulate(Regimen.repeated(42, 24, days=3), 21, 3, n_virtual=100)
    ax = plot(result)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("prediction interval" in label for label in labels)
    assert any("target 0.4 mg/L" in label for label in labels)
    given = Figure().subplots()
    assert plot(result, ax=given) is given
