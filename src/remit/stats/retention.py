"""Drug retention: Kaplan–Meier estimate of the time on the index drug (lifelines).

Time runs from the first dose to the stop of the index drug (the event) or,
while it is still taken, to the end of follow-up (censored). By default every
stop is an event, whatever the reason — a stop in remission ends the drug's
retention as much as a switch for inefficacy; ``event_reasons`` restricts the
events (other stops are then censored, which treats them as non-informative:
say so when reporting). Reasons for stopping are tabulated beside the curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.plotting import add_at_risk_counts

from remit.stats.formatting import rounded


class DrugRetention:
    """Configure, :meth:`fit` on :func:`remit.stats.dataset.retention_frame`, read ``summary``, :meth:`plot`."""

    def __init__(
        self,
        *,
        drug: str = "anakinra",
        times: Sequence[float] = (3, 6, 12, 24),
        event_reasons: Sequence[str] | None = None,
        alpha: float = 0.05,
    ) -> None:
        self.drug = drug
        self.times = tuple(times)
        self.event_reasons = tuple(event_reasons) if event_reasons is not None else None
        self.alpha = alpha

    def fit(self, frame: pd.DataFrame) -> DrugRetention:
        stopped = frame["stopped"].astype(bool)
        events = stopped if self.event_reasons is None else stopped & frame["reason"].isin(self.event_reasons)
        self.durations_ = frame["months"].astype(float).to_numpy()
        self.events_ = events.to_numpy()
        self.km_ = KaplanMeierFitter(label=f"on {self.drug}", alpha=self.alpha)
        self.km_.fit(self.durations_, event_observed=self.events_)
        reasons = frame.loc[stopped, "reason"].replace("", "not recorded").value_counts()
        ranked = sorted(reasons.index, key=lambda r: (-int(reasons[r]), str(r)))
        self.reasons_ = pd.DataFrame({"reason": [*ranked, "still on the drug (censored)"]})
        self.reasons_["n"] = [*(int(reasons[r]) for r in self.reasons_["reason"][:-1]), int((~stopped).sum())]
        self.reasons_["counted as"] = [
            *(
                "event" if self.event_reasons is None or r in self.event_reasons else "censored"
                for r in self.reasons_["reason"][:-1]
            ),
            "censored",
        ]
        self.median_ = float(self.km_.median_survival_time_)
        self.notes_: tuple[str, ...] = (
            f"Kaplan–Meier estimate (lifelines KaplanMeierFitter) of the time on {self.drug} in months "
            "(30.4375 days); 95% confidence intervals by the exponential Greenwood (log(−log)) formula.",
            "Events: "
            + (
                "every stop of the drug, whatever the reason (including stops in remission)."
                if self.event_reasons is None
                else "stops for " + ", ".join(self.event_reasons) + "; other stops are censored."
            ),
            "Patients still on the drug are censored at the end of their follow-up.",
        )
        n = len(frame)
        self.caveats_: tuple[str, ...] = (
            f"n = {n}, {int(self.events_.sum())} events: the confidence bands are wide.",
            "Competing reasons for stopping (remission vs failure) are pooled; a cumulative-incidence analysis per "
            "reason would separate them.",
        )
        return self

    @property
    def summary(self) -> pd.DataFrame:
        """Retention (%) with its confidence interval and the number at risk at each time."""
        rows = []
        ci = self.km_.confidence_interval_survival_function_
        for t in self.times:
            estimate = float(self.km_.survival_function_at_times(t).iloc[0])
            upto = ci[ci.index <= t]
            low, high = (float(upto.iloc[-1, 0]), float(upto.iloc[-1, 1])) if len(upto) else (1.0, 1.0)
            at_risk = int((self.durations_ >= t).sum())
            rows.append(
                {
                    "months": t,
                    "retention_pct": rounded(100 * estimate, 1),
                    "ci_low_pct": rounded(100 * low, 1),
                    "ci_high_pct": rounded(100 * high, 1),
                    "at_risk": at_risk,
                }
            )
        return pd.DataFrame(rows)

    def plot(self, ax: Any = None) -> Any:
        """The step curve with censoring ticks and the number at risk under the x-axis; returns ``ax``."""
        if ax is None:
            from matplotlib.figure import Figure

            ax = Figure(figsize=(7, 4.8), layout="constrained").subplots()
        self.km_.plot_survival_function(
            ax=ax, show_censors=True, ci_show=True, ci_alpha=0.15, color="black", censor_styles={"marker": "|", "ms": 8}
        )
        ax.set_xlabel(f"months since the start of {self.drug}")
        ax.set_ylabel(f"proportion still on {self.drug}")
        ax.set_ylim(0, 1.05)
        ax.set_xlim(0, max(float(self.durations_.max()), max(self.times, default=0)) * 1.02)
        ticks = [0, *self.times]
        ax.set_xticks(ticks)
        ax.legend(loc="lower left", fontsize="small")
        add_at_risk_counts(self.km_, ax=ax, fig=ax.figure, rows_to_show=["At risk"], xticks=ticks, labels=[""])
        return ax
