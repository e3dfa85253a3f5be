"""Table 2 (baseline vs follow-up, per group) and Table 3 (responders vs the others, per group).

Both are estimators: configure, ``fit`` on a tidy frame, read ``summary``;
every row names the test behind its p-value (:mod:`remit.stats.significance`),
and the normality check (Shapiro–Wilk) and the small-sample caveats are data
(``notes_``, ``caveats_`` and the per-row columns), not prose elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from remit.outcomes.measures import measure
from remit.stats.formatting import mean_sd, median_iqr, n_percent, p_value, quartiles
from remit.stats.significance import TestResult, fisher_exact, mann_whitney, shapiro_wilk, wilcoxon_signed_rank

TABLE2_MEASURES: Mapping[str, tuple[str, ...]] = {
    "sJIA": ("crp", "esr", "platelets", "ferritin"),
    "SAID": ("aidai", "crp", "esr", "platelets"),
}
"""The paper's Table 2: AIDAI is reported for SAIDs only, ferritin for sJIA only."""

TABLE3_MEASURES: Mapping[str, tuple[str, ...]] = {
    "sJIA": ("crp", "esr", "platelets", "ferritin", "arthritis"),
    "SAID": ("aidai", "crp", "esr", "platelets"),
}
"""The paper's Table 3 (presence of arthritis is an sJIA variable)."""

SMALL = 10


def _numbers(values: pd.Series) -> list[float]:
    return [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


def _describe(prefix: str, values: Sequence[float], decimals: int) -> dict[str, object]:
    q1, q2, q3 = quartiles(values)
    return {
        f"{prefix}_mean_sd": mean_sd(values, decimals),
        f"{prefix}_median_iqr": median_iqr(values, decimals),
        f"{prefix}_mean": float(pd.Series(values, dtype=float).mean()) if values else math.nan,
        f"{prefix}_sd": float(pd.Series(values, dtype=float).std(ddof=1)) if len(values) > 1 else math.nan,
        f"{prefix}_median": q2,
        f"{prefix}_q1": q1,
        f"{prefix}_q3": q3,
    }


class PairedComparison:
    """Table 2: each measure at baseline and at follow-up, per group, with the Wilcoxon signed-rank test.

    ``fit`` takes :func:`remit.stats.dataset.paired_frame` (patient_id, group,
    measure, before, after); only patients with both values enter a row.
    """

    def __init__(self, measures: Mapping[str, Sequence[str]] = TABLE2_MEASURES, *, decimals: int = 1) -> None:
        self.measures = {g: tuple(m) for g, m in measures.items()}
        self.decimals = decimals

    def fit(self, pairs: pd.DataFrame) -> PairedComparison:
        rows = []
        for group, names in self.measures.items():
            for name in names:
                part = pairs[(pairs["group"] == group) & (pairs["measure"] == name)]
                both = part.dropna(subset=["before", "after"])
                before, after = _numbers(both["before"]), _numbers(both["after"])
                test = wilcoxon_signed_rank(before, after)
                normality = shapiro_wilk([a - b for a, b in zip(after, before, strict=True)])
                spec = measure(name)
                rows.append(
                    {
                        "group": group,
                        "measure": name,
                        "label": spec.label,
                        "unit": spec.unit,
                        "n": len(before),
                        "missing": len(part) - len(both),
                        **_describe("before", before, self.decimals),
                        **_describe("after", after, self.decimals),
                        "statistic": test.statistic,
                        "p_value": test.p_value,
                        "p": p_value(test.p_value),
                        "test": test.test,
                        "shapiro_w": normality.statistic,
                        "shapiro_p": normality.p_value,
                        "note": "; ".join(x for x in (test.note, normality.note) if x),
                    }
                )
        self.results_ = pd.DataFrame(rows)
        self.notes_: tuple[str, ...] = (
            "Before = the baseline visit (start of the index drug); after = the assessment of the last time point "
            "(the month-12 visit), or the last assessment of a patient with none.",
            "Test: Wilcoxon signed-rank, two-sided, scipy.stats.wilcoxon(zero_method='wilcox', correction=False); "
            "exact null distribution for ≤ 50 non-zero differences without ties, otherwise the normal "
            "approximation with the tie-corrected variance. Zero differences are dropped ('wilcox').",
            "Normality check: Shapiro–Wilk on the paired differences (scipy.stats.shapiro); with these sample "
            "sizes it has little power, which is why a rank test is used whatever its result.",
            "Values are means ± SD (as the paper prints them) and medians [IQR] in the canonical unit of each "
            "analyte (platelets ×10⁹/L = ×1000/mm³; ferritin ng/mL).",
        )
        self.caveats_: tuple[str, ...] = _caveats(self.results_)
        return self

    @property
    def summary(self) -> pd.DataFrame:
        columns = [
            "group",
            "label",
            "unit",
            "n",
            "before_mean_sd",
            "after_mean_sd",
            "before_median_iqr",
            "after_median_iqr",
            "p",
            "test",
            "shapiro_p",
            "note",
        ]
        table = self.results_[columns].copy()
        table["shapiro_p"] = table["shapiro_p"].map(p_value)
        return table


class ResponderComparison:
    """Table 3: baseline measures of complete responders vs partial/non-responders at a time point, per group.

    ``fit`` takes a frame (patient_id, group, measure, value, responder) with
    ``responder`` True for a complete response. Continuous measures: Mann–Whitney
    U; yes/no measures: Fisher's exact test on the 2×2 table.
    """

    def __init__(
        self, measures: Mapping[str, Sequence[str]] = TABLE3_MEASURES, *, month: int = 12, decimals: int = 1
    ) -> None:
        self.measures = {g: tuple(m) for g, m in measures.items()}
        self.month = month
        self.decimals = decimals

    def fit(self, frame: pd.DataFrame) -> ResponderComparison:
        rows = []
        for group, names in self.measures.items():
            in_group = frame[frame["group"] == group]
            sizes = in_group.drop_duplicates("patient_id")["responder"].value_counts()
            n_yes, n_no = int(sizes.get(True, 0)), int(sizes.get(False, 0))
            for name in names:
                part = in_group[in_group["measure"] == name].dropna(subset=["value"])
                yes = _numbers(part[part["responder"]]["value"])
                no = _numbers(part[~part["responder"].astype(bool)]["value"])
                spec = measure(name)
                row: dict[str, object] = {
                    "group": group,
                    "measure": name,
                    "label": spec.label,
                    "unit": spec.unit,
                    "n_complete": n_yes,
                    "n_other": n_no,
                }
                if spec.binary:
                    a, c = sum(1 for v in yes if v == 1), sum(1 for v in no if v == 1)
                    test: TestResult = fisher_exact(((a, len(yes) - a), (c, len(no) - c)))
                    row |= {"complete": _count(a, len(yes)), "other": _count(c, len(no))}
                else:
                    test = mann_whitney(yes, no)
                    row |= {
                        "complete": f"{mean_sd(yes, self.decimals)}; {median_iqr(yes, self.decimals)}",
                        "other": f"{mean_sd(no, self.decimals)}; {median_iqr(no, self.decimals)}",
                        "shapiro_p_complete": shapiro_wilk(yes).p_value,
                        "shapiro_p_other": shapiro_wilk(no).p_value,
                    }
                row |= {
                    "statistic": test.statistic,
                    "p_value": test.p_value,
                    "p": p_value(test.p_value),
                    "test": test.test,
                    "note": test.note,
                }
                rows.append(row)
        self.results_ = pd.DataFrame(rows)
        self.notes_: tuple[str, ...] = (
            f"Complete = complete response at month {self.month}; other = partial or no response (as the paper's "
            "Table 3). Values at baseline: mean ± SD; median [IQR], or n (%) for yes/no measures.",
            "Continuous measures: Mann–Whitney U, two-sided (scipy.stats.mannwhitneyu; exact when both groups "
            "have ≤ 8 values and no ties, otherwise the normal approximation with continuity correction). "
            "Yes/no measures: Fisher's exact test, two-sided (scipy.stats.fisher_exact).",
            "Normality check: Shapiro–Wilk in each arm (scipy.stats.shapiro; columns shapiro_p_complete and "
            "shapiro_p_other); a rank test is used whatever its result, as the arms are small.",
            "No correction for multiple comparisons: the p-values are descriptive.",
        )
        self.caveats_: tuple[str, ...] = (
            (
                f"Groups of {min(self.results_['n_complete'].min(), self.results_['n_other'].min())} to "
                f"{max(self.results_['n_complete'].max(), self.results_['n_other'].max())} patients: low power; a "
                "p-value above 0.05 is not evidence of no difference.",
            )
            if len(self.results_)
            else ()
        )
        return self

    @property
    def summary(self) -> pd.DataFrame:
        table = self.results_[
            [
                "group",
                "label",
                "unit",
                "n_complete",
                "complete",
                "n_other",
                "other",
                "p",
                "test",
                "shapiro_p_complete",
                "shapiro_p_other",
                "note",
            ]
        ].copy()
        for column in ("shapiro_p_complete", "shapiro_p_other"):
            table[column] = table[column].map(lambda p: p_value(float(p)))
        return table


def _count(k: int, n: int) -> str:
    return f"{n_percent(k, n)} of {n}"


def _caveats(results: pd.DataFrame) -> tuple[str, ...]:
    if results.empty:
        return ()
    caveats = []
    small = results[results["n"] < SMALL]
    if len(small):
        rows = ", ".join(f"{g} {m}" for g, m in zip(small["group"], small["measure"], strict=True))
        caveats.append(f"Fewer than {SMALL} pairs ({rows}): the exact p-value has a coarse distribution and low power.")
    skewed = results[results["shapiro_p"] < 0.05]
    if len(skewed):
        rows = ", ".join(f"{g} {m}" for g, m in zip(skewed["group"], skewed["measure"], strict=True))
        caveats.append(
            f"Shapiro–Wilk p < 0.05 for the differences of {rows}: not normally distributed; the "
            "mean ± SD is shown only because the paper prints it."
        )
    caveats.append("Several measures per group are tested without correction for multiple comparisons.")
    return tuple(caveats)
