"""How numbers are printed in the tables: n (%), median [Q1–Q3], mean ± SD.

Percentages are rounded half up (``45.45 → 45.5``), never truncated; quartiles
are pandas/numpy linear-interpolation quartiles (type 7), the convention of
tableone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

import numpy as np


def rounded(value: float, decimals: int = 1) -> float:
    """``value`` rounded half up (away from zero) to ``decimals``, as printed in a table."""
    if not math.isfinite(value):
        return value
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def percent(n: int, total: int, decimals: int = 1) -> float:
    return rounded(100 * n / total, decimals) if total else math.nan


def n_percent(n: int, total: int, decimals: int = 1) -> str:
    if not total:
        return f"{n}"
    return f"{n} ({percent(n, total, decimals):.{decimals}f})"


def fmt(value: float, decimals: int = 1) -> str:
    if not math.isfinite(value):
        return "NA"
    return f"{rounded(value, decimals):.{decimals}f}"


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """(Q1, median, Q3) with linear interpolation (numpy's default, tableone's convention)."""
    if not values:
        return math.nan, math.nan, math.nan
    q1, q2, q3 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(q1), float(q2), float(q3)


def median_iqr(values: Sequence[float], decimals: int = 1) -> str:
    if not values:
        return "NA"
    q1, q2, q3 = quartiles(values)
    return f"{fmt(q2, decimals)} [{fmt(q1, decimals)}–{fmt(q3, decimals)}]"


def mean_sd(values: Sequence[float], decimals: int = 1) -> str:
    if not values:
        return "NA"
    mean = float(np.mean(values))
    if len(values) < 2:
        return f"{fmt(mean, decimals)}"
    return f"{fmt(mean, decimals)} ± {fmt(float(np.std(values, ddof=1)), decimals)}"


def p_value(p: float) -> str:
    """p to 3 decimals, ``<0.001`` below that, ``NA`` when not computed."""
    if not math.isfinite(p):
        return "NA"
    return "<0.001" if p < 0.001 else f"{rounded(p, 3):.3f}"
