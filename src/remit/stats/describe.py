"""Table 1: demographic and clinical characteristics (tableone).

Continuous variables are summarised as median [Q1,Q3] (they are skewed in
paediatric cohorts), categorical ones as n (%). Columns: overall and one per
diagnosis group. No p-values: the table describes the cohort.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from tableone import TableOne

CONTINUOUS: Mapping[str, str] = {
    "age_at_diagnosis": "Age at diagnosis (years)",
    "age_at_index": "Age at the start of the index drug (years)",
    "follow_up_months": "Follow-up (months)",
    "exposure_months": "Treatment duration with the index drug (months)",
}
CATEGORICAL: Mapping[str, str] = {"sex": "Sex", "diagnosis": "Diagnosis"}


class Table1:
    """Configure, :meth:`fit` on :func:`remit.stats.dataset.patients_frame`, read ``summary``."""

    def __init__(
        self,
        *,
        groupby: str | None = "group",
        decimals: int = 1,
        continuous: Mapping[str, str] = CONTINUOUS,
        categorical: Mapping[str, str] = CATEGORICAL,
    ) -> None:
        self.groupby = groupby
        self.decimals = decimals
        self.continuous = dict(continuous)
        self.categorical = dict(categorical)

    def fit(self, patients: pd.DataFrame) -> Table1:
        prior = sorted(
            (c for c in patients.columns if c.startswith("prior:")),
            key=lambda c: (-int((patients[c] == "yes").sum()), c),
        )
        labels = {
            **self.continuous,
            **self.categorical,
            **{c: f"Treated before: {c.removeprefix('prior:')}" for c in prior},
        }
        continuous = [c for c in self.continuous if c in patients.columns]
        categorical = [c for c in self.categorical if c in patients.columns] + prior
        groupby = self.groupby if self.groupby in patients.columns and patients[self.groupby].nunique() > 1 else None
        self.n_ = len(patients)
        self.table_ = TableOne(
            patients,
            columns=continuous + categorical,
            categorical=categorical,
            continuous=continuous,
            nonnormal=continuous,
            groupby=groupby,
            pval=False,
            missing=False,
            overall=True,
            decimals=dict.fromkeys(continuous, self.decimals),
            rename=labels,
            limit=dict.fromkeys(prior, 1),
            order={
                **{c: [v for v in ("yes", "no") if (patients[c] == v).any()] for c in prior},
                **self._orders(patients, groupby),
            },
        )
        self.notes_: tuple[str, ...] = (
            "Continuous variables: median [Q1,Q3] (linear-interpolation quartiles, tableone "
            "TableOne(nonnormal=...)); categorical variables: n (%) of the column total.",
            "Ages are counted from the middle of the birth month; months are 30.4375 days.",
            "Descriptive table: no hypothesis tests.",
        )
        self.caveats_: tuple[str, ...] = _small_groups(patients, groupby)
        return self

    def _orders(self, patients: pd.DataFrame, groupby: str | None) -> dict[str, list[str]]:
        orders: dict[str, list[str]] = {}
        if groupby is not None:  # groups in order of first appearance (the analysis lists sJIA first)
            orders[groupby] = [str(g) for g in dict.fromkeys(patients[groupby])]
        if "diagnosis" in patients.columns:
            counts = patients["diagnosis"].value_counts()
            orders["diagnosis"] = sorted(counts.index, key=lambda d: (-int(counts[d]), str(d)))
        return orders

    @property
    def summary(self) -> pd.DataFrame:
        """The table as a flat frame: variable, level, Overall and one column per group."""
        table = self.table_.tableone.copy()
        table.columns = [c[1] if isinstance(c, tuple) else c for c in table.columns]
        table = table.reset_index()
        table.columns = ["variable", "level", *table.columns[2:]]
        table["variable"] = table["variable"].str.replace("median [Q1,Q3]", "median [IQR]", regex=False)
        flat: pd.DataFrame = table
        return flat


def _small_groups(patients: pd.DataFrame, groupby: str | None) -> tuple[str, ...]:
    if groupby is None:
        return (
            (f"n = {len(patients)}: small sample; medians and quartiles are imprecise.",) if len(patients) < 30 else ()
        )
    counts = patients[groupby].value_counts()
    sizes: Sequence[tuple[str, int]] = sorted((str(g), int(n)) for g, n in counts.items())
    small = [f"{g} (n = {n})" for g, n in sizes if n < 30]
    return (f"Small groups: {', '.join(small)}; quartiles of fewer than 30 values are imprecise.",) if small else ()
