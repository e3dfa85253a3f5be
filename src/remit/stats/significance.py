"""The hypothesis tests of the tables, each named with the exact scipy call.

Every function returns a :class:`TestResult` whose ``test`` string is what the
table prints next to the p-value, so the methods section and the numbers
cannot disagree. Choices are made here, once:

* Wilcoxon signed-rank (paired): ``zero_method='wilcox'`` (zero differences are
  dropped), ``correction=False``; the exact null distribution when at most 50
  non-zero differences remain and their absolute values have no ties,
  otherwise the normal approximation (scipy ``method='approx'``, which adjusts
  the variance for ties).
* Mann–Whitney U (two independent groups): two-sided; exact when both groups
  have at most 8 values and there are no ties (scipy's own ``auto`` rule),
  otherwise the normal approximation with continuity correction.
* Fisher's exact test on a 2×2 table: two-sided.
* Shapiro–Wilk for the normality check (n ≥ 3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps


@dataclass(frozen=True, slots=True)
class TestResult:
    test: str  # the test as the table names it, with the scipy call
    statistic: float
    p_value: float
    n: int
    note: str = ""

    __test__ = False  # not a pytest test class, whatever its name


NOT_DONE = math.nan


def wilcoxon_signed_rank(before: Sequence[float], after: Sequence[float]) -> TestResult:
    """Paired before/after: Wilcoxon signed-rank test, two-sided."""
    x, y = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    diff = y - x
    nonzero = diff[diff != 0]
    magnitudes = np.abs(nonzero)
    ties = len(np.unique(magnitudes)) < len(magnitudes)
    method = "exact" if len(nonzero) <= 50 and not ties else "approx"
    call = f"scipy.stats.wilcoxon(before, after, zero_method='wilcox', correction=False, method='{method}')"
    name = f"Wilcoxon signed-rank, two-sided [{call}]"
    if len(nonzero) == 0:
        return TestResult(name, NOT_DONE, NOT_DONE, len(diff), "every difference is zero: not computed")
    result = sps.wilcoxon(x, y, zero_method="wilcox", correction=False, method=method)
    zeros = len(diff) - len(nonzero)
    note = f"{zeros} zero difference(s) dropped" if zeros else ""
    return TestResult(name, float(result.statistic), float(result.pvalue), len(diff), note)


def mann_whitney(first: Sequence[float], second: Sequence[float]) -> TestResult:
    """Two independent groups: Mann–Whitney U test, two-sided."""
    x, y = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    pooled = np.concatenate([x, y])
    ties = len(np.unique(pooled)) < len(pooled)
    method = "exact" if max(len(x), len(y)) <= 8 and not ties else "asymptotic"
    continuity = method == "asymptotic"
    call = f"scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='{method}', use_continuity={continuity})"
    name = f"Mann–Whitney U, two-sided [{call}]"
    if len(x) == 0 or len(y) == 0:
        return TestResult(name, NOT_DONE, NOT_DONE, len(pooled), "a group is empty: not computed")
    result = sps.mannwhitneyu(x, y, alternative="two-sided", method=method, use_continuity=continuity)
    return TestResult(name, float(result.statistic), float(result.pvalue), len(pooled))


def fisher_exact(table: tuple[tuple[int, int], tuple[int, int]]) -> TestResult:
    """A 2×2 table ``((a, b), (c, d))``: Fisher's exact test, two-sided; the statistic is the odds ratio."""
    name = "Fisher's exact, two-sided [scipy.stats.fisher_exact(table, alternative='two-sided')]"
    n = sum(sum(row) for row in table)
    if any(sum(row) == 0 for row in table):
        return TestResult(name, NOT_DONE, NOT_DONE, n, "a group is empty: not computed")
    result = sps.fisher_exact([list(row) for row in table], alternative="two-sided")
    return TestResult(name, float(result.statistic), float(result.pvalue), n)


def shapiro_wilk(values: Sequence[float]) -> TestResult:
    """Normality check: Shapiro–Wilk (needs at least 3 values that are not all equal)."""
    x = np.asarray(values, dtype=float)
    name = "Shapiro–Wilk [scipy.stats.shapiro(x)]"
    if len(x) < 3 or np.ptp(x) == 0:
        return TestResult(name, NOT_DONE, NOT_DONE, len(x), "fewer than 3 distinct values: not computed")
    result = sps.shapiro(x)
    return TestResult(name, float(result.statistic), float(result.pvalue), len(x))
