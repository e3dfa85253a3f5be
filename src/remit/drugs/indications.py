"""Indications a dose rule can be written for.

Course indications are remit condition ids (:mod:`remit.core.conditions`).
Dosing sources also speak of indications remit does not follow as conditions -
"JIA" in general, HLH protocols, Kawasaki disease, adult RA - so a rule may name
those. ``covers`` says which condition a broader indication includes: a rule
written for JIA applies to sJIA; an HLH-94 rule applies to MAS, which the
reference treats as secondary HLH (drugs.md §1.1, "MAS / secondary HLH"). A rule
applied through such a group is caveated as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from remit.core.conditions import CONDITIONS
from remit.errors import UnknownCodeError


@dataclass(frozen=True, slots=True)
class Indication:
    id: str
    name: str
    covers: tuple[str, ...] = ()


_EXTRA = (
    Indication("jia", "Juvenile idiopathic arthritis (any category)", ("sjia", "pjia")),
    Indication("pjia", "Polyarticular juvenile idiopathic arthritis"),
    Indication("hlh", "Haemophagocytic lymphohistiocytosis (HLH-94/2004 protocols)", ("mas",)),
    Indication("dira", "Deficiency of the IL-1 receptor antagonist (DIRA)"),
    Indication("kawasaki", "Kawasaki disease"),
    Indication("ra", "Rheumatoid arthritis (adults)"),
    Indication("lupus_nephritis", "Lupus nephritis"),
)

INDICATIONS: Mapping[str, Indication] = MappingProxyType(
    {c.id: Indication(c.id, c.name) for c in CONDITIONS.values()} | {i.id: i for i in _EXTRA}
)


def indication(indication_id: str) -> Indication:
    try:
        return INDICATIONS[indication_id]
    except KeyError:
        raise UnknownCodeError(
            f"unknown indication {indication_id!r}; known: {', '.join(INDICATIONS)}", field="indication"
        ) from None


def rule_covers(rule_indication: str, patient_indication: str) -> bool | None:
    """True if a rule written for ``rule_indication`` applies exactly, False
    if it applies through a broader group, None if it does not apply."""
    if rule_indication == patient_indication:
        return True
    if patient_indication in INDICATIONS[rule_indication].covers:
        return False
    return None
