"""Fit a small sample to the mean and standard deviation a paper prints.

A cohort paper gives, per group, ``mean ± SD`` (sample SD, as SPSS reports it)
and sometimes the means of subgroups. The demo cohort needs raw values that
reproduce those numbers *exactly* at the precision the values are recorded in
(CRP to 0.1 mg/L, ESR to 1 mm/h, platelets to 1000/mm³ ...), that stay inside
per-patient bounds (a patient in inactive disease must have a CRP inside the
reference range), and that still look like a random sample.

:func:`fit` works in integer multiples of the recording step, so sums are exact:

1. start from normal draws scaled to the wanted spread, clipped to the bounds;
2. fix each group's sum to its target (the printed mean times n, rounded to the
   recording step) with one-step moves;
3. move the sum of squares towards the value the printed SD implies with pair
   moves inside a group (``+d`` on one member, ``-d`` on another), which leave
   every group sum unchanged. With the sum fixed, the SD depends only on the
   sum of squares, so each candidate move is scored in constant time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from remit.demo.draw import Draw

_MOVE_SIZES = (256, 64, 16, 4, 1)


@dataclass(frozen=True, slots=True)
class Spread:
    """A printed ``mean ± SD`` and the precision the raw values are recorded in."""

    mean: float
    sd: float
    step: float


def sample_mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def sample_sd(values: Sequence[float]) -> float:
    """Standard deviation with the n - 1 denominator."""
    centre = sample_mean(values)
    return math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))


def fit(
    draw: Draw,
    spread: Spread,
    bounds: Sequence[tuple[float, float]],
    groups: Sequence[Sequence[int]] | None = None,
    group_means: Sequence[float] | None = None,
) -> list[float]:
    """Values, one per bound, whose mean and SD reproduce ``spread``.

    ``groups`` partitions the indices (default: one group); ``group_means`` are
    wanted subgroup means (for instance the responder / non-responder columns of
    a paper's Table 3). They are shifted together so that their weighted mean is
    ``spread.mean`` exactly, then reproduced to the recording step.
    """
    n = len(bounds)
    parts = [list(g) for g in groups] if groups is not None else [list(range(n))]
    if sorted(i for g in parts for i in g) != list(range(n)):
        raise ValueError("groups must partition the indices 0..n-1")
    means = list(group_means) if group_means is not None else [spread.mean] * len(parts)
    if len(means) != len(parts):
        raise ValueError("one mean per group")
    shift = spread.mean - sum(len(g) * m for g, m in zip(parts, means, strict=True)) / n
    means = [m + shift for m in means]

    step = spread.step
    low = [math.ceil(lo / step - 1e-9) for lo, _ in bounds]
    high = [math.floor(hi / step + 1e-9) for _, hi in bounds]
    total = round(spread.mean * n / step)
    sums = [round(len(g) * m / step) for g, m in zip(parts, means, strict=True)]
    sums[-1] = total - sum(sums[:-1])
    for g, s in zip(parts, sums, strict=True):
        if not sum(low[i] for i in g) <= s <= sum(high[i] for i in g):
            raise ValueError(f"group {g} cannot sum to {s * step} within its bounds")

    sd_units = spread.sd / step
    between = sum(len(g) * (s / len(g) - total / n) ** 2 for g, s in zip(parts, sums, strict=True))
    within = (n - 1) * sd_units**2 - between
    if within <= 0:
        raise ValueError("the subgroup means alone spread more than the printed SD allows")
    z = [draw.normal() for _ in range(n)]
    for g in parts:
        centre = sum(z[i] for i in g) / len(g)
        for i in g:
            z[i] -= centre
    scale = math.sqrt(within / sum(v * v for v in z))
    units = [0] * n
    for g, s in zip(parts, sums, strict=True):
        for i in g:
            units[i] = min(max(round(s / len(g) + scale * z[i]), low[i]), high[i])

    wanted_squares = (n - 1) * sd_units**2 + total**2 / n
    _fix_sums(units, parts, sums, low=low, high=high, wanted=wanted_squares)
    _fit_squares(units, parts, low=low, high=high, wanted=wanted_squares)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return [round(u * step, decimals) for u in units]


def _fix_sums(
    units: list[int], parts: list[list[int]], sums: list[int], *, low: list[int], high: list[int], wanted: float
) -> None:
    squares = sum(u * u for u in units)
    for g, target in zip(parts, sums, strict=True):
        while (gap := target - sum(units[i] for i in g)) != 0:
            sign = 1 if gap > 0 else -1
            movable = [i for i in g if (units[i] < high[i] if sign > 0 else units[i] > low[i])]
            best = min(movable, key=lambda i: (abs(squares + 2 * sign * units[i] + 1 - wanted), i))
            squares += 2 * sign * units[best] + 1
            units[best] += sign


def _fit_squares(units: list[int], parts: list[list[int]], *, low: list[int], high: list[int], wanted: float) -> None:
    squares = sum(u * u for u in units)
    while True:
        error = abs(squares - wanted)
        best: tuple[float, int, int, int] | None = None
        for d in _MOVE_SIZES:
            for g in parts:
                for i in g:
                    if units[i] + d > high[i]:
                        continue
                    for j in g:
                        if i == j or units[j] - d < low[j]:
                            continue
                        new = abs(squares + 2 * d * (units[i] - units[j]) + 2 * d * d - wanted)
                        if new < error and (best is None or new < best[0]):
                            best = (new, d, i, j)
        if best is None:
            return
        _, d, i, j = best
        squares += 2 * d * (units[i] - units[j]) + 2 * d * d
        units[i] += d
        units[j] -= d
