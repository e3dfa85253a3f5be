"""Simulate anakinra concentrations for one child: :func:`simulate`.

The typical curve uses the Urien 2013 typical parameters at the child's weight.
The prediction band comes from Monte-Carlo virtual patients drawn with a fixed
seed (a NumPy ``Generator``), so the same call always gives the same band.
Steady state is computed in closed form for the regimen's final repeating dose,
so "at steady state" does not depend on how many days were simulated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from remit.core.measurements import measure
from remit.core.medications import Route
from remit.errors import ImplausibleValueError
from remit.pk.applicability import TARGET_NOTE, PkWarning, applicability
from remit.pk.concentrations import (
    FloatArray,
    Individuals,
    concentrations,
    sc_peak_offset,
    steady_state_profile,
)
from remit.pk.regimen import Administration, Regimen, RegimenError
from remit.pk.urien2013 import URIEN_2013, Urien2013

DEFAULT_SEED = 2013
_GRID_POINTS = 1441  # per steady-state interval: every minute of a 24 h interval


@dataclass(frozen=True, slots=True)
class TypicalParameters:
    weight_kg: float
    cl_l_per_h: float  # apparent CL/F
    v_l: float  # apparent V/F
    ka_per_h: float
    bioavailability: float

    @property
    def ke_per_h(self) -> float:
        return self.cl_l_per_h / self.v_l

    @property
    def half_life_h(self) -> float:
        return math.log(2) / self.ke_per_h


@dataclass(frozen=True, slots=True)
class SingleDose:
    """Typical single SC dose: Tmax = ln(ka/ke)/(ka - ke), Cmax = C(Tmax),
    AUC0-∞ = dose / (CL/F)."""

    dose_mg: float
    tmax_h: float
    cmax_mg_per_l: float
    auc_mg_h_per_l: float


@dataclass(frozen=True, slots=True)
class Exposure:
    """Steady-state exposure over one dosing interval."""

    peak: float  # mg/L
    peak_time_h: float  # after the dose
    trough: float  # just before the next dose
    average: float  # AUCτ / τ
    time_above_target_h: float  # per interval

    def to_dict(self) -> dict[str, float]:
        return {
            "peak_mg_per_l": self.peak,
            "peak_time_h": self.peak_time_h,
            "trough_mg_per_l": self.trough,
            "average_mg_per_l": self.average,
            "time_above_target_h": self.time_above_target_h,
        }


@dataclass(frozen=True, slots=True)
class SteadyState:
    dose_mg: float
    interval_h: float
    route: Route
    typical: Exposure
    lower: Exposure | None = None  # percentiles over virtual patients, metric by metric
    median: Exposure | None = None
    upper: Exposure | None = None
    share_average_above_target: float | None = None  # of virtual patients

    def to_dict(self) -> dict[str, object]:
        return {
            "dose_mg": self.dose_mg,
            "interval_h": self.interval_h,
            "route": self.route.value,
            "typical": self.typical.to_dict(),
            "lower": None if self.lower is None else self.lower.to_dict(),
            "median": None if self.median is None else self.median.to_dict(),
            "upper": None if self.upper is None else self.upper.to_dict(),
            "share_average_above_target": self.share_average_above_target,
        }


@dataclass(frozen=True, slots=True)
class Simulation:
    """The result of :func:`simulate` (arrays in mg/L over ``times_h``)."""

    regimen: Regimen
    weight_kg: float
    age_years: float | None
    times_h: FloatArray
    typical: FloatArray
    lower: FloatArray | None
    median: FloatArray | None
    upper: FloatArray | None
    level: float  # e.g. 0.90 for a 5th-95th percentile band
    n_virtual: int
    seed: int | None
    residual_error: bool
    target_mg_per_l: float
    parameters: TypicalParameters
    steady_state: SteadyState | None
    time_above_target_h: float  # typical curve, over the simulated horizon
    warnings: tuple[PkWarning, ...]

    @property
    def days(self) -> float:
        return float(self.times_h[-1]) / 24

    def summary(self) -> dict[str, object]:
        """The numbers a reader wants, without the curves."""
        peak_index = int(np.argmax(self.typical))
        return {
            "model": "Urien 2013 (BMC Pharmacol Toxicol 14:40)",
            "weight_kg": self.weight_kg,
            "age_years": self.age_years,
            "cl_l_per_h": self.parameters.cl_l_per_h,
            "v_l": self.parameters.v_l,
            "ka_per_h": self.parameters.ka_per_h,
            "half_life_h": self.parameters.half_life_h,
            "target_mg_per_l": self.target_mg_per_l,
            "days": self.days,
            "peak_mg_per_l": float(self.typical[peak_index]),
            "peak_time_h": float(self.times_h[peak_index]),
            "time_above_target_h": self.time_above_target_h,
            "steady_state": None if self.steady_state is None else self.steady_state.to_dict(),
            "n_virtual": self.n_virtual,
            "seed": self.seed,
            "band": None if self.lower is None else f"{self.level:.0%} prediction interval",
            "residual_error": self.residual_error,
            "warnings": [w.to_dict() for w in self.warnings],
            "notes": list(self.regimen.notes),
        }

    def to_dict(self, *, curves: bool = True) -> dict[str, object]:
        data = self.summary()
        if curves:
            data["curves"] = {
                "times_h": self.times_h.tolist(),
                "typical": self.typical.tolist(),
                "lower": None if self.lower is None else self.lower.tolist(),
                "median": None if self.median is None else self.median.tolist(),
                "upper": None if self.upper is None else self.upper.tolist(),
            }
        return data


def typical_parameters(weight_kg: float, model: Urien2013 = URIEN_2013) -> TypicalParameters:
    return TypicalParameters(
        weight_kg, model.clearance(weight_kg), model.volume(weight_kg), model.ka.value, model.bioavailability.value
    )


def single_dose(dose_mg: float, weight_kg: float, model: Urien2013 = URIEN_2013) -> SingleDose:
    """Typical-value single SC dose metrics (the reference's §2.5 table B)."""
    p = typical_parameters(weight_kg, model)
    ka, ke = p.ka_per_h, p.ke_per_h
    tmax = math.log(ka / ke) / (ka - ke)
    cmax = dose_mg * ka / (p.v_l * (ka - ke)) * (math.exp(-ke * tmax) - math.exp(-ka * tmax))
    return SingleDose(dose_mg, tmax, cmax, dose_mg / p.cl_l_per_h)


def simulate(
    regimen: Regimen,
    weight_kg: float,
    days: float,
    *,
    age_years: float | None = None,
    n_virtual: int = 1000,
    seed: int | None = DEFAULT_SEED,
    level: float = 0.90,
    step_h: float = 0.25,
    residual_error: bool = False,
    target_mg_per_l: float | None = None,
    model: Urien2013 = URIEN_2013,
) -> Simulation:
    """Concentrations of ``regimen`` over ``days`` for a child of ``weight_kg``.

    ``n_virtual`` virtual patients (log-normal η on CL/F and V/F) give the
    ``level`` prediction band; 0 gives the typical curve only.
    ``residual_error`` adds the model's additive error (SD 0.072 mg/L) to the
    virtual patients, for a band of *observed* rather than true concentrations
    (clipped at 0).
    """
    measure("weight", weight_kg, "kg", field="weight_kg")  # plausibility, as at data entry
    if not regimen.administrations:
        raise RegimenError("the regimen has no administrations", field="regimen")
    if days <= 0 or step_h <= 0:
        raise ImplausibleValueError("days and step_h must be positive", field="days")
    if not 0 < level < 1:
        raise ImplausibleValueError(f"level must be between 0 and 1, not {level}", field="level")
    if n_virtual < 0:
        raise ImplausibleValueError("n_virtual cannot be negative", field="n_virtual")
    target = model.target.value if target_mg_per_l is None else target_mg_per_l
    params = typical_parameters(weight_kg, model)
    typical_people = Individuals(
        np.array([params.cl_l_per_h]), np.array([params.v_l]), params.ka_per_h, params.bioavailability
    )
    times = np.arange(0.0, days * 24 + step_h / 2, step_h)
    typical = concentrations(regimen, times, typical_people)[0]

    lower = median = upper = None
    virtual: Individuals | None = None
    rng = np.random.default_rng(seed)
    if n_virtual > 0:
        eta = rng.normal(0.0, [model.omega_cl.value, model.omega_v.value], size=(n_virtual, 2))
        virtual = Individuals(
            params.cl_l_per_h * np.exp(eta[:, 0]),
            params.v_l * np.exp(eta[:, 1]),
            params.ka_per_h,
            params.bioavailability,
        )
        curves = concentrations(regimen, times, virtual)
        if residual_error:
            curves = np.maximum(curves + rng.normal(0.0, model.residual_sd.value, curves.shape), 0.0)
        tail = (1 - level) / 2
        lower, median, upper = np.quantile(curves, [tail, 0.5, 1 - tail], axis=0)

    steady = _steady_state(regimen, typical_people, virtual, target, level)
    above = float(np.sum(typical[:-1] >= target) * step_h) if times.size > 1 else 0.0
    warnings = (*applicability(model, regimen, weight_kg, age_years), TARGET_NOTE)
    return Simulation(
        regimen,
        weight_kg,
        age_years,
        times,
        typical,
        lower,
        median,
        upper,
        level,
        n_virtual,
        seed,
        residual_error,
        target,
        params,
        steady,
        above,
        warnings,
    )


def _steady_state(
    regimen: Regimen, typical: Individuals, virtual: Individuals | None, target: float, level: float
) -> SteadyState | None:
    period = regimen.last_period()
    if period is None:
        last = regimen.administrations[-1]
        if last.route is Route.IV and last.duration_h > 0:
            return _plateau(last, typical, virtual, target, level)
        return None
    dose, interval = period
    exposure = _exposure(dose, interval, typical, target)
    typical_exposure = _pick(exposure, 0)
    if virtual is None:
        return SteadyState(dose.amount_mg, interval, dose.route, typical_exposure)
    each = _exposure(dose, interval, virtual, target)
    tail = (1 - level) / 2
    quantiles = {name: np.quantile(values, [tail, 0.5, 1 - tail]) for name, values in each.items()}
    low, mid, high = (Exposure(**{name: float(q[i]) for name, q in quantiles.items()}) for i in range(3))
    share = float(np.mean(each["average"] >= target))
    return SteadyState(dose.amount_mg, interval, dose.route, typical_exposure, low, mid, high, share)


def _plateau(
    infusion: Administration, typical: Individuals, virtual: Individuals | None, target: float, level: float
) -> SteadyState:
    """A single continuous IV infusion: the plateau Css = R / CL, CL = CL/F · F."""
    rate = infusion.amount_mg / infusion.duration_h

    def exposure(css: float) -> Exposure:
        above = infusion.duration_h if css >= target else 0.0
        return Exposure(css, float(infusion.duration_h), css, css, above)

    plateau = rate / (typical.cl * typical.bioavailability)
    if virtual is None:
        return SteadyState(infusion.amount_mg, infusion.duration_h, Route.IV, exposure(float(plateau[0])))
    each = rate / (virtual.cl * virtual.bioavailability)
    tail = (1 - level) / 2
    low, mid, high = (float(q) for q in np.quantile(each, [tail, 0.5, 1 - tail]))
    return SteadyState(
        infusion.amount_mg,
        infusion.duration_h,
        Route.IV,
        exposure(float(plateau[0])),
        exposure(low),
        exposure(mid),
        exposure(high),
        float(np.mean(each >= target)),
    )


def _exposure(dose: Administration, interval: float, people: Individuals, target: float) -> dict[str, FloatArray]:
    grid = np.linspace(0.0, interval, _GRID_POINTS)[None, :]
    profile = steady_state_profile(dose, interval, grid, people)
    if dose.route is Route.SC:
        peak_time = sc_peak_offset(interval, people)
        peak = steady_state_profile(dose, interval, peak_time[:, None], people)[:, 0]
    elif dose.duration_h > 0:
        peak_time = np.full(people.count, min(dose.duration_h, interval))
        peak = steady_state_profile(dose, interval, peak_time[:, None], people)[:, 0]
    else:
        peak_time = np.zeros(people.count)
        peak = profile[:, 0]
    trough = profile[:, -1]
    clearance = people.cl if dose.route is Route.SC else people.cl * people.bioavailability
    average = dose.amount_mg / (clearance * interval)
    above = np.mean(profile[:, :-1] >= target, axis=1) * interval
    return {"peak": peak, "peak_time_h": peak_time, "trough": trough, "average": average, "time_above_target_h": above}


def _pick(values: dict[str, FloatArray], index: int) -> Exposure:
    return Exposure(**{name: float(array[index]) for name, array in values.items()})


__all__ = [
    "DEFAULT_SEED",
    "Exposure",
    "Simulation",
    "SingleDose",
    "SteadyState",
    "TypicalParameters",
    "simulate",
    "single_dose",
    "typical_parameters",
]
