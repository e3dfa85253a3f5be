"""Closed-form concentrations of a one-compartment model, vectorised with NumPy.

The model is linear, so a regimen's concentration curve is the sum
(superposition) of one curve per administration, each a closed-form function
of the time since that dose. Per milligram dosed at time 0, with ke = CL/V:

* SC (first-order absorption; CL and V apparent, i.e. ÷F)::

      C(t) = ka / (V·(ka - ke)) · (e^(-ke·t) - e^(-ka·t))

* IV bolus (CL = CL/F · F, V = V/F · F)::

      C(t) = e^(-ke·t) / V

* IV infusion over T hours (rate 1/T mg/h)::

      C(t) = (1/T) / CL · (1 - e^(-ke·min(t, T))) · e^(-ke·max(t - T, 0))

Arrays are shaped (patients, times): parameters come in as (N, 1) columns and
times as a (1, T) row, so one call evaluates every virtual patient at every time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from remit.core.medications import Route
from remit.pk.regimen import Administration, Regimen

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Individuals:
    """Apparent SC parameters (CL/F in L/h, V/F in L) of N patients."""

    cl: FloatArray  # (N,)
    v: FloatArray  # (N,)
    ka: float
    bioavailability: float  # F, to derive IV parameters from the apparent ones

    @property
    def count(self) -> int:
        return int(self.cl.shape[0])

    @property
    def ke(self) -> FloatArray:
        return self.cl / self.v


def unit_response(elapsed: FloatArray, people: Individuals, route: Route, duration_h: float = 0.0) -> FloatArray:
    """Concentration (mg/L) per mg given at ``elapsed`` = 0; zero before it.

    ``elapsed`` broadcasts against (N, 1): pass a (1, T) row for shared times
    or an (N, 1) column for one time per patient."""
    cl = people.cl[:, None]
    v = people.v[:, None]
    ke = cl / v
    t = np.maximum(elapsed, 0.0)
    if route is Route.SC:
        ka = people.ka
        diff = ka - ke
        near = np.abs(diff) < 1e-9 * ka
        safe = np.where(near, 1.0, diff)
        general = ka / (v * safe) * (np.exp(-ke * t) - np.exp(-ka * t))
        limit = ka * t * np.exp(-ke * t) / v  # the ka = ke limit
        value = np.where(near, limit, general)
    elif duration_h <= 0:
        value = np.exp(-ke * t) / (v * people.bioavailability)
    else:
        rate = 1.0 / duration_h
        during = np.minimum(t, duration_h)
        after = np.maximum(t - duration_h, 0.0)
        value = rate / (cl * people.bioavailability) * (1 - np.exp(-ke * during)) * np.exp(-ke * after)
    return np.where(elapsed >= 0, value, 0.0)


def concentrations(regimen: Regimen, times_h: FloatArray, people: Individuals) -> FloatArray:
    """Concentrations (N, T) of the whole regimen by superposition."""
    row = np.asarray(times_h, dtype=np.float64)[None, :]
    total = np.zeros((people.count, row.shape[1]))
    for dose in regimen.administrations:
        if dose.amount_mg == 0 or dose.time_h > row[0, -1]:
            continue
        total += dose.amount_mg * unit_response(row - dose.time_h, people, dose.route, dose.duration_h)
    return total


def steady_state_profile(
    dose: Administration, interval_h: float, offsets_h: FloatArray, people: Individuals
) -> FloatArray:
    """Concentrations (N, ·) at ``offsets_h`` (0 ≤ offset ≤ τ) after a dose at
    steady state of ``dose`` repeated every τ = ``interval_h``.

    SC and IV bolus use the geometric-series closed form, each exponential
    e^(-k·s) of the single-dose curve becoming e^(-k·s) / (1 - e^(-k·τ));
    an infusion sums the earlier doses until the remaining terms are below
    1e-12 of the first."""
    tau = interval_h
    s = np.asarray(offsets_h, dtype=np.float64)
    cl = people.cl[:, None]
    v = people.v[:, None]
    ke = cl / v
    if dose.route is Route.SC:
        ka = people.ka
        diff = ka - ke
        safe = np.where(np.abs(diff) < 1e-9 * ka, 1e-9 * ka, diff)
        acc_e = np.exp(-ke * s) / (1 - np.exp(-ke * tau))
        acc_a = np.exp(-ka * s) / (1 - np.exp(-ka * tau))
        return np.asarray(dose.amount_mg * ka / (v * safe) * (acc_e - acc_a), dtype=np.float64)
    if dose.duration_h <= 0:
        value = dose.amount_mg * np.exp(-ke * s) / ((1 - np.exp(-ke * tau)) * v * people.bioavailability)
        return np.asarray(value, dtype=np.float64)
    slowest = float(np.min(people.ke))
    terms = min(100_000, math.ceil(math.log(1e12) / (slowest * tau)) + 1)
    total = np.zeros(np.broadcast_shapes((people.count, 1), s.shape))
    for k in range(terms):
        total += dose.amount_mg * unit_response(s + k * tau, people, dose.route, dose.duration_h)
    return total


def sc_peak_offset(interval_h: float, people: Individuals) -> FloatArray:
    """Time after an SC dose of the steady-state peak (N,):
    ln(ka·(1 - e^(-ke·τ)) / (ke·(1 - e^(-ka·τ)))) / (ka - ke)."""
    ke = people.ke
    ka = people.ka
    ratio = ka * (1 - np.exp(-ke * interval_h)) / (ke * (1 - np.exp(-ka * interval_h)))
    diff = ka - ke
    safe = np.where(np.abs(diff) < 1e-12, 1e-12, diff)
    return np.asarray(np.clip(np.log(ratio) / safe, 0.0, interval_h), dtype=np.float64)
