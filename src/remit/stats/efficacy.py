"""Table 4 (efficacy and safety at each time point) and Table 5 (outcomes and switches per diagnosis).

Counts only: every number is a count of derived outcomes
(:func:`remit.stats.dataset.outcomes_frame`) and a percentage of the patients
it is counted among, rounded half up to one decimal.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from remit.core.conditions import condition
from remit.stats.formatting import median_iqr, n_percent, percent, rounded

RESPONSES = (
    ("Complete responders", "response", "complete"),
    ("  Remission on medication", "remission", "on"),
    ("  Remission off medication", "remission", "off"),
    ("Partial responders", "response", "partial"),
    ("Non-responders", "response", "non"),
)
OPTIONAL = (
    ("Response indeterminate (missing data)", "response", "indeterminate"),
    ("Response not assessed (no assessment)", "response", "not_assessed"),
)
EFFICACY_REASONS = ("inefficacy",)
NOT_A_FAILURE = ("remission",)


class EfficacySafety:
    """Table 4: responses, stops and switches of the index drug, and adverse events, at each time point."""

    def __init__(self, *, decimals: int = 1) -> None:
        self.decimals = decimals

    def fit(self, outcomes: pd.DataFrame, global_assessments: pd.DataFrame | None = None) -> EfficacySafety:
        months = sorted(outcomes["timepoint_months"].unique())
        counts: dict[str, dict[int, int]] = {}
        totals = {m: int((outcomes["timepoint_months"] == m).sum()) for m in months}

        def add(label: str, test: pd.Series) -> None:
            counts[label] = {m: int((test & (outcomes["timepoint_months"] == m)).sum()) for m in months}

        for label, column, value in RESPONSES:
            add(label, outcomes[column] == value)
        neither = (outcomes["response"] == "complete") & (outcomes["remission"].isin(["", "indeterminate"]))
        if neither.any():
            add("  Complete, neither remission state", neither)
        for label, column, value in OPTIONAL:
            if (outcomes[column] == value).any():
                add(label, outcomes[column] == value)
        stopped = outcomes["stopped_by_timepoint"].astype(bool)
        reason = outcomes["stop_reason_by_timepoint"]
        add("Switched or stopped for lack of efficacy", stopped & reason.isin(EFFICACY_REASONS))
        add("Switched or stopped for other reasons*", stopped & ~reason.isin(EFFICACY_REASONS + NOT_A_FAILURE))
        add("Stopped in remission", stopped & reason.isin(NOT_A_FAILURE))
        targets = outcomes.loc[outcomes["switched_to"] != "", "switched_to"].value_counts()
        for drug in sorted(targets.index, key=lambda d: (-int(targets[d]), str(d))):
            add(f"Switched to {drug}", outcomes["switched_to"] == drug)
        add("Patients with a treatment-emergent adverse event", outcomes["teae_by_timepoint"] > 0)
        add("Patients with a serious treatment-emergent adverse event", outcomes["serious_teae_by_timepoint"] > 0)
        add("Deaths during follow-up (any treatment)", outcomes["deaths_by_timepoint"] > 0)
        self.months_ = months
        self.totals_ = totals
        self.counts_ = pd.DataFrame(
            [
                {
                    "characteristic": k,
                    **{f"n_{m}": v[m] for m in months},
                    **{f"pct_{m}": percent(v[m], totals[m], self.decimals) for m in months},
                    **{f"ci_{m}": _wilson(v[m], totals[m], self.decimals) for m in months},
                }
                for k, v in counts.items()
            ]
        )
        other = sorted(set(reason[stopped & ~reason.isin(EFFICACY_REASONS + NOT_A_FAILURE)]))
        self.notes_: tuple[str, ...] = (
            "n (%) of all patients of the cohort at each time point; percentages rounded half up; 95% confidence "
            "intervals of the proportions by the Wilson score method (statsmodels proportion_confint, "
            "method='wilson').",
            "Responses as derived in docs/outcomes.md: complete = inactive disease at the assessment; partial = "
            "improvement of more than 50% without inactive disease; after a switch for inefficacy the response of "
            "the last assessment before the switch is carried forward.",
            "* Other reasons: " + (", ".join(r.replace("_", " ") for r in other) if other else "none") + ".",
            "Stops and switches, adverse events and deaths are counted up to the assessment of each time point "
            "(cumulative). Treatment-emergent: onset from the first dose of the index drug to its stop "
            "(or the end of follow-up), whatever the relatedness; serious as defined by ICH E2A.",
        )
        self.globals_ = _globals(global_assessments) if global_assessments is not None else pd.DataFrame()
        self.caveats_: tuple[str, ...] = (
            f"n = {max(totals.values(), default=0)}: percentages move by "
            f"{percent(1, max(totals.values(), default=1), self.decimals)} points per patient.",
        )
        return self

    @property
    def summary(self) -> pd.DataFrame:
        table = pd.DataFrame({"characteristic": self.counts_["characteristic"]})
        for m in self.months_:
            table[f"{m} months"] = [n_percent(int(n), self.totals_[m], self.decimals) for n in self.counts_[f"n_{m}"]]
            table[f"{m} months 95% CI"] = self.counts_[f"ci_{m}"]
        return table

    def count(self, characteristic: str, month: int) -> int:
        row = self.counts_[self.counts_["characteristic"] == characteristic]
        return int(row[f"n_{month}"].iloc[0])


def _wilson(k: int, n: int, decimals: int) -> str:
    """The Wilson score 95% interval of ``k / n``, in percent."""
    if n == 0:
        return "NA"
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return f"{rounded(100 * float(low), decimals):.{decimals}f}–{rounded(100 * float(high), decimals):.{decimals}f}"


def _globals(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    labels = {
        "physician_global": "Physician's global assessment (0-10)",
        "patient_global": "Patient's global assessment (0-10)",
    }
    for name, label in labels.items():
        row: dict[str, object] = {"characteristic": label}
        for when in ("baseline", "last assessment"):
            values = [float(v) for v in frame[(frame["measure"] == name) & (frame["when"] == when)]["value"].dropna()]
            row[f"{when}: median [IQR]"] = median_iqr(values, 0)
            row[f"{when}: range"] = f"{min(values):g}–{max(values):g}" if values else "NA"
            row[f"{when}: n"] = len(values)
        rows.append(row)
    return pd.DataFrame(rows)


class DiagnosisOutcomes:
    """Table 5: responses and switches at one time point, per diagnosis."""

    def __init__(self, *, month: int = 12, order: Sequence[str] = (), decimals: int = 1) -> None:
        self.month = month
        self.order = tuple(order)
        self.decimals = decimals

    def fit(self, outcomes: pd.DataFrame) -> DiagnosisOutcomes:
        at = outcomes[outcomes["timepoint_months"] == self.month]
        present = list(dict.fromkeys(at["diagnosis"]))
        ranked = [d for d in self.order if d in present] + sorted(d for d in present if d not in self.order)
        targets = sorted(d for d in at["switched_to"].unique() if d)
        rows = []
        for diagnosis in [*ranked, "total"]:
            part = at if diagnosis == "total" else at[at["diagnosis"] == diagnosis]
            n = len(part)
            row: dict[str, object] = {
                "diagnosis": diagnosis,
                "label": "Total" if diagnosis == "total" else condition(diagnosis).name,
                "n": n,
                "remission_on": int(((part["response"] == "complete") & (part["remission"] == "on")).sum()),
                "remission_off": int(((part["response"] == "complete") & (part["remission"] == "off")).sum()),
                "partial": int((part["response"] == "partial").sum()),
                "non": int((part["response"] == "non").sum()),
                "switched": int((part["switched_to"] != "").sum()),
            }
            for drug in targets:
                row[f"switched_to_{drug}"] = int((part["switched_to"] == drug).sum())
            rows.append(row)
        self.counts_ = pd.DataFrame(rows)
        self.targets_ = targets
        self.notes_: tuple[str, ...] = (
            f"At month {self.month}: n (%) of the patients with each diagnosis; switches of the index drug up to "
            "that assessment, by the drug switched to.",
        )
        self.caveats_: tuple[str, ...] = (
            "Most diagnoses have 1-6 patients: the percentages describe, they do not estimate.",
        )
        return self

    @property
    def summary(self) -> pd.DataFrame:
        table = pd.DataFrame({"diagnosis": self.counts_["label"], "n": self.counts_["n"]})
        columns = {
            "remission_on": "Remission on medication",
            "remission_off": "Remission off medication",
            "partial": "Partial responders",
            "non": "Non-responders",
            "switched": "Biologic switch",
            **{f"switched_to_{d}": f"Switched to {d}" for d in self.targets_},
        }
        for key, label in columns.items():
            table[label] = [
                n_percent(int(k), int(n), self.decimals)
                for k, n in zip(self.counts_[key], self.counts_["n"], strict=True)
            ]
        return table
