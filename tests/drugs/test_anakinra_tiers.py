"""The reference's anakinra tiers: a derived classification, never a verdict."""

from __future__ import annotations

import pytest

from remit.core.provenance import Verification
from remit.drugs import AnakinraTier, anakinra_tier


@pytest.mark.parametrize(
    ("mg_per_kg_day", "mg_per_day", "tier"),
    [
        (2.0, 42, AnakinraTier.STANDARD),
        (1.67, 100, AnakinraTier.STANDARD),
        (2.0, 120, AnakinraTier.LABELLED_ESCALATION),  # 60 kg: ≤2 mg/kg but above 100 mg/day
        (4.0, 84, AnakinraTier.LABELLED_ESCALATION),
        (3.75, 300, AnakinraTier.CAPS_LABEL_RANGE),  # 80 kg: above 200 mg/day
        (8.0, 160, AnakinraTier.CAPS_LABEL_RANGE),
        (8.01, 160, AnakinraTier.OFF_LABEL_HIGH_DOSE),
        (48.0, 3360, AnakinraTier.OFF_LABEL_HIGH_DOSE),
    ],
    ids=str,
)
def test_tier_boundaries(mg_per_kg_day: float, mg_per_day: float, tier: AnakinraTier) -> None:
    assert anakinra_tier(mg_per_kg_day, mg_per_day).tier is tier


def test_the_tier_is_tagged_derived() -> None:
    result = anakinra_tier(2, 42)
    assert result.provenance.verification is Verification.DERIVED
    assert "[D]" in result.describe()
