"""Make docs/figures/pk-21kg-2mgkg.png, the figure of docs/pk.md.

A 21 kg child (the median weight of the Urien 2013 population) on anakinra
2 mg/kg SC once daily for 7 days: the typical curve, the 90 % prediction band
of 1000 virtual patients (seed 2013) and the 0.4 mg/L target.

    .venv/bin/python docs/figures/make_pk_figure.py
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from remit.pk import DEFAULT_SEED, Regimen, plot, simulate

OUT = Path(__file__).with_name("pk-21kg-2mgkg.png")


def main() -> None:
    weight_kg = 21.0
    regimen = Regimen.repeated(2 * weight_kg, 24, days=7)
    result = simulate(regimen, weight_kg, 7, age_years=6, n_virtual=1000, seed=DEFAULT_SEED)
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    plot(result, ax=figure.subplots(), title="Anakinra 2 mg/kg SC once daily, 21 kg (Urien 2013 model)")
    figure.savefig(OUT, dpi=120, metadata={"Software": None})  # no version stamp: the file changes only with the data
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
