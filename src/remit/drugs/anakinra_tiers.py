"""The reference's suggested dose tiers for anakinra, a classification [D].

drugs.md §1.1 proposes four tiers for a checker. They are the reference
author's own classification built from label figures, **not** a guideline, so
every tier carries :attr:`Verification.DERIVED` and is shown as a caveat, never
as a verdict. The IV route is off-label at any dose and is flagged apart from the
tier (see :attr:`remit.drugs.drug.Drug.off_label_routes`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from remit.core.provenance import Provenance
from remit.drugs.sources import derived

TIER_PROVENANCE: Provenance = derived(
    "V:3", "V:5", "V:8", note="drugs.md §1.1 'Suggested checker tiers': the notes' author's classification"
)


class AnakinraTier(enum.Enum):
    STANDARD = "standard"
    LABELLED_ESCALATION = "labelled_escalation"
    CAPS_LABEL_RANGE = "caps_label_range"
    OFF_LABEL_HIGH_DOSE = "off_label_high_dose"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    AnakinraTier.STANDARD: "standard (≤2 mg/kg/day and ≤100 mg/day)",
    AnakinraTier.LABELLED_ESCALATION: "labelled escalation (>2–4 mg/kg/day, ≤200 mg/day: Still's/sJIA ≤4 mg/kg; "
    "CAPS maintenance 3–4)",
    AnakinraTier.CAPS_LABEL_RANGE: "within the CAPS/NOMID/DIRA label maximum (>4–8 mg/kg/day), off-label for sJIA",
    AnakinraTier.OFF_LABEL_HIGH_DOSE: "off-label high dose (>8 mg/kg/day: MAS/HLH/KD literature; sepsis trials "
    "reached 48 mg/kg/day IV)",
}


@dataclass(frozen=True, slots=True)
class TierResult:
    tier: AnakinraTier
    mg_per_kg_day: float
    mg_per_day: float
    provenance: Provenance = TIER_PROVENANCE

    def describe(self) -> str:
        return (
            f"anakinra tier [D] (a checker classification from the reference notes, not a guideline): "
            f"{self.tier.description}"
        )


def anakinra_tier(mg_per_kg_day: float, mg_per_day: float) -> TierResult:
    """The first tier whose limits both figures respect (a 60 kg patient on
    120 mg/day is 2 mg/kg/day but above 100 mg/day: labelled escalation)."""
    if mg_per_kg_day <= 2 and mg_per_day <= 100:
        tier = AnakinraTier.STANDARD
    elif mg_per_kg_day <= 4 and mg_per_day <= 200:
        tier = AnakinraTier.LABELLED_ESCALATION
    elif mg_per_kg_day <= 8:
        tier = AnakinraTier.CAPS_LABEL_RANGE
    else:
        tier = AnakinraTier.OFF_LABEL_HIGH_DOSE
    return TierResult(tier, mg_per_kg_day, mg_per_day)
