"""Per-patient treatment-course figure, in the style of the 2004 anakinra report (seed paper 001).

Two laboratory panels on a shared day axis — haemoglobin, WBC and platelets;
ESR, ferritin and CRP — with the treatments as black bars beneath, one lane
per drug, each dosing step labelled. Days are counted from ``day_zero`` (by
default the start of the first anakinra course), so no calendar date appears.
Values are drawn in the canonical unit of each analyte; qualitative results
("high", "normal") have no number and are counted in ``skipped_``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from remit.core.analytes import analyte as analyte_spec
from remit.core.medications import Dose
from remit.core.record import (
    PatientRecord,
)

PANELS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("haemoglobin", "wbc"), ("platelets",)),
    (("esr", "crp"), ("ferritin",)),
)
"""Each lab panel: analytes on the left axis, analytes on the right axis (ferritin on a log scale)."""

LOG_SCALE = ("ferritin",)
STYLES = {
    "haemoglobin": ("o", "-"),
    "wbc": ("s", "--"),
    "platelets": ("^", ":"),
    "esr": ("o", "-"),
    "crp": ("s", "--"),
    "ferritin": ("^", ":"),
}


def dose_label(dose: Dose) -> str:
    """``2 mg/kg daily``, ``1 g daily ×3``: the dosing step as printed beside its bar."""
    text = f"{dose.amount:g} {dose.unit} {dose.frequency.value}"
    return text + (f" ×{dose.count}" if dose.count else "")


@dataclass(frozen=True, slots=True)
class Bar:
    drug: str
    start: int
    end: int
    labels: tuple[tuple[int, str], ...]  # (day, dose label)


class CoursePlot:
    """Configure, :meth:`fit` on a record, :meth:`plot`; ``series_`` and ``treatments_`` hold what is drawn."""

    def __init__(
        self,
        *,
        panels: Sequence[tuple[tuple[str, ...], tuple[str, ...]]] = PANELS,
        anchor_drug: str = "anakinra",
        first_day: int | None = None,
        last_day: int | None = None,
    ) -> None:
        self.panels = tuple(panels)
        self.anchor_drug = anchor_drug
        self.first_day = first_day
        self.last_day = last_day

    def fit(self, record: PatientRecord, day_zero: date | None = None) -> CoursePlot:
        anchor = day_zero or _first_start(record, self.anchor_drug)
        if anchor is None:
            span = record.coverage()
            anchor = span[0] if span else date(2000, 1, 1)
        self.day_zero_ = anchor
        self.patient_id_ = record.patient.id
        analytes = [a for left, right in self.panels for a in (*left, *right)]
        points: list[tuple[str, int, float]] = []
        skipped = 0
        for name in analytes:
            for obs in record.values(name):
                value = obs.measurement.value
                if value is None:
                    skipped += 1
                else:
                    points.append((name, (obs.date - anchor).days, value))
        bars: dict[str, list[Bar]] = {}
        span = record.coverage()
        open_end = (span[1] - anchor).days if span else 0
        for course in record.medications:
            start = (course.start - anchor).days
            end = (course.stop - anchor).days if course.stop else open_end
            steps = list(dict.fromkeys(dose_label(d) for d in sorted(course.doses, key=lambda d: d.start)))
            labels = ((start, " → ".join(steps)),) if steps else ()
            bars.setdefault(course.drug, []).append(Bar(course.drug, start, max(end, start), labels))
        ordered = sorted(bars.items(), key=lambda kv: min(b.start for b in kv[1]))
        self.bars_ = {drug: tuple(found) for drug, found in ordered}
        every_bar = [b for found in self.bars_.values() for b in found]
        lo = (
            self.first_day
            if self.first_day is not None
            else min([0, *(d for _, d, _ in points), *(b.start for b in every_bar)])
        )
        hi = (
            self.last_day
            if self.last_day is not None
            else max([1, *(d for _, d, _ in points), *(b.end for b in every_bar)])
        )
        self.window_ = (lo, hi)
        kept = sorted((p for p in points if lo <= p[1] <= hi), key=lambda p: (analytes.index(p[0]), p[1]))
        self._points: dict[str, list[tuple[int, float]]] = {}
        for name, day, value in kept:
            self._points.setdefault(name, []).append((day, value))
        self.series_ = pd.DataFrame(
            [(name, day, value, analyte_spec(name).canonical_unit) for name, day, value in kept],
            columns=["analyte", "day", "value", "unit"],
        )
        self._lanes = [(b.drug, b.start, b.end) for b in every_bar if b.end >= lo and b.start <= hi]
        self.treatments_ = pd.DataFrame(
            [
                {"drug": b.drug, "start_day": b.start, "end_day": b.end, "doses": "; ".join(t for _, t in b.labels)}
                for b in every_bar
                if b.end >= lo and b.start <= hi
            ],
            columns=["drug", "start_day", "end_day", "doses"],
        )
        self.skipped_ = skipped
        return self

    @property
    def drugs(self) -> tuple[str, ...]:
        """The treatment lanes, top to bottom (first start first)."""
        return tuple(dict.fromkeys(drug for drug, _, _ in self._lanes))

    def plot(self, axes: Sequence[Any] | None = None) -> Sequence[Any]:
        """Draw the lab panels and the treatment lane on ``axes`` (created if None); returns the axes."""
        if axes is None:
            from matplotlib.figure import Figure

            lanes = max(len(self.drugs), 1)
            height = 6.5 + 0.28 * lanes
            fig = Figure(figsize=(9, height))  # fixed margins: constrained layout costs seconds per figure
            fig.subplots_adjust(left=0.16, right=0.88, top=1 - 0.45 / height, bottom=0.55 / height, hspace=0.12)
            axes = fig.subplots(
                len(self.panels) + 1,
                1,
                sharex=True,
                gridspec_kw={"height_ratios": [3] * len(self.panels) + [0.35 * lanes + 0.6]},
            )
        for ax, (left, right) in zip(axes, self.panels, strict=False):
            self._panel(ax, left, right)
        self._treatments(axes[len(self.panels)])
        axes[0].set_title(
            f"{self.patient_id_}: laboratory course and treatments (day 0 = start of {self.anchor_drug})",
            fontsize="medium",
        )
        axes[len(self.panels)].set_xlabel(f"days from the start of {self.anchor_drug}")
        axes[len(self.panels)].set_xlim(self.window_[0] - 2, self.window_[1] + 2)
        return axes

    def _panel(self, ax: Any, left: tuple[str, ...], right: tuple[str, ...]) -> None:
        handles = []
        for name in left:
            handles += self._line(ax, name)
        ax.set_ylabel(" / ".join(f"{_short(a)} ({analyte_spec(a).canonical_unit})" for a in left), fontsize="small")
        if right:
            twin = ax.twinx()
            for name in right:
                handles += self._line(twin, name)
                if name in LOG_SCALE and name in self._points:
                    twin.set_yscale("log")
            twin.set_ylabel(
                " / ".join(f"{_short(a)} ({analyte_spec(a).canonical_unit})" for a in right), fontsize="small"
            )
        ax.axvline(0, color="grey", linewidth=0.8, linestyle="--")
        if handles:
            ax.legend(handles=handles, loc="best", fontsize="x-small", ncols=len(handles))

    def _line(self, ax: Any, name: str) -> list[Any]:
        data = self._points.get(name)
        if not data:
            return []
        marker, style = STYLES.get(name, ("o", "-"))
        (line,) = ax.plot(
            [d for d, _ in data],
            [v for _, v in data],
            marker=marker,
            linestyle=style,
            color="black",
            markersize=4,
            linewidth=1,
            label=_short(name),
        )
        return [line]

    def _treatments(self, ax: Any) -> None:
        drugs = self.drugs
        thinnest = max(1.0, (self.window_[1] - self.window_[0]) / 250)  # a one-day course stays visible
        for lane, drug in enumerate(drugs):
            y = len(drugs) - 1 - lane
            for start, end in ((b, e) for d, b, e in self._lanes if d == drug):
                ax.broken_barh([(start, max(end - start, thinnest))], (y - 0.3, 0.6), facecolors="black")
            for k, found in enumerate(self.bars_[drug]):
                above = k % 2 == 0  # consecutive courses of one drug alternate above and below the bar
                for day, text in found.labels:
                    if self.window_[0] <= day <= self.window_[1]:
                        ax.annotate(
                            text,
                            (day, y + (0.32 if above else -0.32)),
                            fontsize=6,
                            va="bottom" if above else "top",
                            ha="left",
                        )
        ax.set_yticks(range(len(drugs)), list(reversed(drugs)), fontsize="small")
        ax.set_ylim(-0.7, max(len(drugs), 1) - 0.2 + 0.3)
        ax.axvline(0, color="grey", linewidth=0.8, linestyle="--")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)


def _short(name: str) -> str:
    return {
        "haemoglobin": "Hb",
        "wbc": "WBC",
        "platelets": "platelets",
        "esr": "ESR",
        "crp": "CRP",
        "ferritin": "ferritin",
    }.get(name, name)


def _first_start(record: PatientRecord, drug: str) -> date | None:
    courses = record.courses_of(drug)
    return min(c.start for c in courses) if courses else None
