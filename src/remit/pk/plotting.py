"""Plot a simulation: typical curve, prediction band, target line.

Built on ``matplotlib.figure.Figure`` rather than ``pyplot``, so it needs no
display and no global backend (Agg is used when saving), and ``plot`` follows
the lifelines convention: draw on ``ax`` if given, return the axes.
"""

from __future__ import annotations

from typing import Any

from remit.pk.simulation import Simulation


def plot(result: Simulation, ax: Any = None, *, title: str | None = None) -> Any:
    """Draw ``result`` on ``ax`` (a new figure if None) and return the axes."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(8, 4.5), layout="constrained").subplots()
    days = result.times_h / 24
    if result.lower is not None and result.upper is not None:
        ax.fill_between(
            days,
            result.lower,
            result.upper,
            color="tab:blue",
            alpha=0.2,
            linewidth=0,
            label=f"{result.level:.0%} prediction interval ({result.n_virtual} virtual patients)",
        )
    if result.median is not None:
        ax.plot(days, result.median, color="tab:blue", linewidth=0.8, linestyle=":", label="median")
    ax.plot(days, result.typical, color="tab:blue", linewidth=1.8, label="typical patient")
    ax.axhline(
        result.target_mg_per_l,
        color="tab:red",
        linestyle="--",
        linewidth=1,
        label=f"target {result.target_mg_per_l:g} mg/L (Urien 2013)",
    )
    ax.set_xlabel("time (days)")
    ax.set_ylabel("anakinra concentration (mg/L)")
    ax.set_xlim(0, float(days[-1]))
    highest = float(max(result.typical.max(), result.upper.max() if result.upper is not None else 0.0))
    ax.set_ylim(0, max(highest, result.target_mg_per_l) * 1.45)  # headroom for the legend
    ax.set_title(title or _title(result))
    ax.legend(loc="upper right", fontsize="small", ncols=2)
    warned = [w.code for w in result.warnings if w.severity == "warning"]
    if warned:
        ax.text(
            0.01,
            0.98,
            "outside the model: " + ", ".join(warned),
            transform=ax.transAxes,
            va="top",
            fontsize="small",
            color="tab:red",
        )
    return ax


def _title(result: Simulation) -> str:
    period = result.regimen.last_period()
    dosing = "" if period is None else f", {period[0].amount_mg:g} mg every {period[1]:g} h"
    return f"Anakinra, Urien 2013 model: {result.weight_kg:g} kg{dosing}"
