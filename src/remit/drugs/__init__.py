"""Drug catalogue, dose rules with their sources, body-surface area and dose checks.

Research software: the checker explains where a dose falls against published
dosing statements and how sure those statements are; it never decides.
"""

from remit.drugs.anakinra_tiers import AnakinraTier, TierResult, anakinra_tier
from remit.drugs.assessment import MgAmounts, RuleAssessment, Verdict
from remit.drugs.body import Body, BodyMeasure, body_from_record
from remit.drugs.bsa import BsaFormula, body_surface_area
from remit.drugs.calc import CalculatedRange, DoseCalculation, dose_calc
from remit.drugs.catalogue import DRUGS, all_rules, drug, find_drug
from remit.drugs.caveats import Caveat, CaveatKind
from remit.drugs.checks import DoseCheck, check_dose
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import Basis, Cap, CapKind, DoseRule, Frame
from remit.drugs.drug import Drug, DrugCode
from remit.drugs.indications import INDICATIONS, Indication

__all__ = [
    "DRUGS",
    "INDICATIONS",
    "AnakinraTier",
    "Basis",
    "Body",
    "BodyMeasure",
    "BsaFormula",
    "CalculatedRange",
    "Cap",
    "CapKind",
    "Caveat",
    "CaveatKind",
    "DoseCalculation",
    "DoseCheck",
    "DoseRule",
    "Drug",
    "DrugClass",
    "DrugCode",
    "Frame",
    "Indication",
    "MgAmounts",
    "RuleAssessment",
    "TierResult",
    "Verdict",
    "all_rules",
    "anakinra_tier",
    "body_from_record",
    "body_surface_area",
    "check_dose",
    "dose_calc",
    "drug",
    "find_drug",
]
