"""The paediatric anakinra population-PK model of Urien et al. 2013.

Urien S, et al. BMC Pharmacol Toxicol 2013;14:40 (doi 10.1186/2050-6511-14-40):
87 children and adolescents aged 8 months-21 years, SC anakinra 2-10 mg/kg/day
(max 100 mg), sJIA (ANAJIS trial) and autoinflammatory syndromes. One
compartment, first-order SC absorption, first-order elimination, allometric
weight scaling estimated (not fixed) on clearance and volume::

    CL/F = 6.24 · (WT/70)^0.47  L/h
    V/F  = 65.2 · (WT/70)^0.76  L
    ka   = 0.38 h⁻¹

Every figure below is transcribed from ``../shared/reference/drugs.md`` §2.2
with its tag: CL/F, V/F and the 0.4 mg/L exposure target were read in the
paper's abstract [V:1]; ka, the exponents, the variabilities and the residual
error come from the nlmixr2lib transcription of the paper's Table 1 [S:2].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from remit.core.provenance import Provenance, Verification

_ABSTRACT = Provenance(Verification.VERIFIED, ("V:1",), "Urien 2013 abstract")
_TABLE_1 = Provenance(Verification.SECONDARY, ("S:2",), "nlmixr2lib transcription of Urien 2013 Table 1")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: float
    unit: str
    provenance: Provenance
    rse_percent: float | None = None  # relative standard error of the estimate [S:2]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Urien2013:
    """The model's parameters and the population it was fitted on.

    Between-subject variability is log-normal: CLᵢ = CL·exp(ηᵢ), ηᵢ ~ N(0, ω²).
    The paper estimated the variability on V/F between occasions; like the
    nlmixr2lib transcription, remit simulates it as between-subject
    variability, which widens the prediction band for a single patient.
    """

    cl_70: Parameter = Parameter(
        "CL/F at 70 kg",
        6.24,
        "L/h",
        Provenance(Verification.VERIFIED, ("V:1", "S:2"), "abstract; RSE from the transcription"),
        8,
    )
    v_70: Parameter = Parameter(
        "V/F at 70 kg",
        65.2,
        "L",
        Provenance(Verification.VERIFIED, ("V:1", "S:2"), "abstract; RSE from the transcription"),
        12,
    )
    ka: Parameter = Parameter("ka", 0.38, "1/h", _TABLE_1, 19, "first-order SC absorption rate constant")
    cl_exponent: Parameter = Parameter("weight exponent on CL/F", 0.47, "1", _TABLE_1, 14, "estimated, not fixed")
    v_exponent: Parameter = Parameter("weight exponent on V/F", 0.76, "1", _TABLE_1, 16, "estimated, not fixed")
    omega_cl: Parameter = Parameter("ω CL/F (SD of η, log scale)", 0.28, "1", _TABLE_1, 15, "≈28 % CV")
    omega_v: Parameter = Parameter(
        "ω V/F (SD of η, log scale)",
        0.47,
        "1",
        _TABLE_1,
        17,
        "between-occasion in the paper; simulated between subjects",
    )
    residual_sd: Parameter = Parameter("additive residual error (SD)", 0.072, "mg/L", _TABLE_1, 10)
    target: Parameter = Parameter(
        "exposure target Css", 0.4, "mg/L", _ABSTRACT, None, "proposed to obtain CRP ≤10 mg/L in sJIA"
    )
    bioavailability: Parameter = Parameter(
        "SC bioavailability F",
        0.95,
        "1",
        Provenance(Verification.VERIFIED, ("V:4",), "Kineret label, 70 mg SC bolus in healthy adults"),
        None,
        "used only to turn the apparent (÷F) parameters into IV ones",
    )
    fitted_weight_kg: tuple[float, float] = (4.3, 83.0)  # [S:2]
    population_age_years: tuple[float, float] = (8 / 12, 21.0)  # [V:1]
    studied_mg_per_kg_day: tuple[float, float] = (2.0, 10.0)  # [V:1]
    studied_max_mg_per_day: float = 100.0  # [V:1]
    flag_above_kg: float = 60.0  # drugs.md §2.2 caveat: "flag simulations >~60 kg" [D]
    reference_weight_kg: float = 70.0

    def clearance(self, weight_kg: float) -> float:
        """Typical apparent clearance CL/F in L/h."""
        return float(self.cl_70.value * (weight_kg / self.reference_weight_kg) ** self.cl_exponent.value)

    def volume(self, weight_kg: float) -> float:
        """Typical apparent volume V/F in L."""
        return float(self.v_70.value * (weight_kg / self.reference_weight_kg) ** self.v_exponent.value)

    def half_life(self, weight_kg: float) -> float:
        """Typical elimination half-life in h (ln 2 · V / CL)."""
        return math.log(2) * self.volume(weight_kg) / self.clearance(weight_kg)

    def parameters(self) -> tuple[Parameter, ...]:
        return (
            self.cl_70,
            self.v_70,
            self.ka,
            self.cl_exponent,
            self.v_exponent,
            self.omega_cl,
            self.omega_v,
            self.residual_sd,
            self.target,
            self.bioavailability,
        )


URIEN_2013 = Urien2013()
