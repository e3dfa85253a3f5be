"""Pharmacological classes of the catalogued drugs.

Downstream code asks class questions, not drug-id questions: "is the patient on
a glucocorticoid?" (ciclosporin rules in MAS depend on it), "was this a switch
between biologics?", "is the patient off every anti-arthritis medication?".
"""

from __future__ import annotations

import enum


class DrugClass(enum.Enum):
    BIOLOGIC = "biologic"
    IL1_INHIBITOR = "il1_inhibitor"
    IL6_INHIBITOR = "il6_inhibitor"
    TNF_INHIBITOR = "tnf_inhibitor"
    GLUCOCORTICOID = "glucocorticoid"
    CONVENTIONAL_DMARD = "conventional_dmard"  # conventional synthetic DMARD (methotrexate, ciclosporin)
    CALCINEURIN_INHIBITOR = "calcineurin_inhibitor"
    CYTOTOXIC = "cytotoxic"
    NSAID = "nsaid"
    IMMUNOGLOBULIN = "immunoglobulin"
    ANTI_GOUT_ANTI_INFLAMMATORY = "colchicine_class"  # ATC M04AC
