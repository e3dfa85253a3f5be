"""Where the Urien 2013 model applies, and the warnings when it does not.

A simulation outside the model's population is still run - it can be
informative - but never silently: each departure is a :class:`PkWarning` in the
result, and the CLI and the plot show them. The limits are those of
``../shared/reference/drugs.md`` §2.2 and §2.6.
"""

from __future__ import annotations

from dataclasses import dataclass

from remit.core.medications import Route
from remit.pk.regimen import Regimen
from remit.pk.urien2013 import Urien2013


@dataclass(frozen=True, slots=True)
class PkWarning:
    code: str
    message: str
    severity: str = "warning"  # "warning": outside the model; "note": a standing caveat

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


def applicability(
    model: Urien2013, regimen: Regimen, weight_kg: float, age_years: float | None
) -> tuple[PkWarning, ...]:
    found: list[PkWarning] = []
    low_w, high_w = model.fitted_weight_kg
    if weight_kg > model.flag_above_kg:
        found.append(
            PkWarning(
                "weight_above_60kg",
                f"{weight_kg:g} kg is above ~{model.flag_above_kg:g} kg: extrapolated to adult weight the model gives "
                "CL/F ≈ 93–104 mL/min and t½ ≈ 6.8–7.2 h, against observed adult CL/F 150–170 mL/min and t½ 3.8–6 h "
                "(drugs.md §2.2 [D]); expect concentrations to be overestimated",
            )
        )
    if not low_w <= weight_kg <= high_w:
        found.append(
            PkWarning(
                "weight_outside_fitted_range",
                f"{weight_kg:g} kg is outside the fitted weight range {low_w:g}–{high_w:g} kg [S:2]",
            )
        )
    low_a, high_a = model.population_age_years
    if age_years is None:
        found.append(
            PkWarning("age_not_given", "age not given: the model population was 8 months–21 years [V:1]", "note")
        )
    elif not low_a <= age_years <= high_a:
        found.append(
            PkWarning(
                "age_outside_population",
                f"age {age_years:g} y is outside the model population (8 months–21 years) [V:1]",
            )
        )
    if Route.IV in regimen.routes:
        found.append(
            PkWarning(
                "iv_route",
                "IV dosing: the model was fitted on SC data only and no paediatric IV model was found; IV is simulated "
                f"with CL = CL/F × F and V = V/F × F, F = {model.bioavailability.value:g} (label) - an extrapolation "
                "(Yang 2019 reports F 0.80–0.92 [V:29]). IV anakinra is also off-label at any dose",
            )
        )
    daily = regimen.mg_per_day()
    if daily:
        peak_mg = max(daily)
        per_kg = peak_mg / weight_kg
        low_d, high_d = model.studied_mg_per_kg_day
        if per_kg > high_d or peak_mg > model.studied_max_mg_per_day:
            found.append(
                PkWarning(
                    "dose_above_studied_range",
                    f"up to {peak_mg:.4g} mg/day ({per_kg:.3g} mg/kg/day) is above the doses in the model's data "
                    f"(SC {low_d:g}–{high_d:g} mg/kg/day, max {model.studied_max_mg_per_day:g} mg [V:1]); "
                    "linear PK was shown in adults over 30–150 mg SC only [V:27]",
                )
            )
    found.append(
        PkWarning(
            "no_renal_covariate",
            "no renal covariate: in adults CL/F falls ~70 % at CrCl <30 mL/min (Yang 2003 [V:26])",
            "note",
        )
    )
    return tuple(found)


TARGET_NOTE = PkWarning(
    "target_reading",
    "the 0.4 mg/L target is Urien's proposed 'Css' for CRP ≤10 mg/L in sJIA [V:1]; reading Css as the average "
    "steady-state concentration is the reference's interpretation [D], and the nlmixr2lib reading of Urien Fig. 4 "
    "(2 mg/kg/day 'just above 0.4 mg/L over 10–50 kg') is in tension with it at 10 kg [S:2]",
    "note",
)
