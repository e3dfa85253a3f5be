"""Anakinra population pharmacokinetics (Urien et al. 2013) and simulation.

Research software: simulations show what the published paediatric model
predicts, with its limits stated in every result; they do not choose doses.
"""

from remit.pk.applicability import PkWarning
from remit.pk.plotting import plot
from remit.pk.regimen import Administration, Regimen, RegimenError, RegimenStep
from remit.pk.simulation import (
    DEFAULT_SEED,
    Exposure,
    Simulation,
    SingleDose,
    SteadyState,
    TypicalParameters,
    simulate,
    single_dose,
    typical_parameters,
)
from remit.pk.urien2013 import URIEN_2013, Parameter, Urien2013

__all__ = [
    "DEFAULT_SEED",
    "URIEN_2013",
    "Administration",
    "Exposure",
    "Parameter",
    "PkWarning",
    "Regimen",
    "RegimenError",
    "RegimenStep",
    "Simulation",
    "SingleDose",
    "SteadyState",
    "TypicalParameters",
    "Urien2013",
    "plot",
    "simulate",
    "single_dose",
    "typical_parameters",
]
