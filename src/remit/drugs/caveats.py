"""Caveats: what qualifies a dose check, carried as data.

A verdict never travels alone. An unverified rule, a conflicting source, an
off-label route or a weight measured months ago changes how much a verdict can
be trusted, and each of these is a :class:`Caveat` in the result - never a
silent pass.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from remit.core.provenance import Provenance
from remit.drugs.dose_rules import DoseRule


class CaveatKind(enum.Enum):
    VERIFICATION = "verification"  # the rule or a limit is not verified in a primary source
    CONFLICT = "conflict"  # sources disagree
    OFF_LABEL = "off_label"  # the indication is off-label / trial use
    OFF_LABEL_ROUTE = "off_label_route"  # e.g. IV anakinra
    TIER = "tier"  # the anakinra tier classification [D]
    INDICATION = "indication"  # inferred, or applied through a broader indication
    MEASUREMENT = "measurement"  # weight/height old, missing or censored
    BAND = "band"  # age or weight band could not be confirmed
    FREQUENCY = "frequency"  # the course frequency differs from the rule's
    ROUTE = "route"
    LIMIT_NOT_APPLIED = "limit_not_applied"


@dataclass(frozen=True, slots=True)
class Caveat:
    kind: CaveatKind
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "message": self.message}


def provenance_caveats(rule: DoseRule) -> tuple[Caveat, ...]:
    """Verification and conflict caveats that every use of ``rule`` carries."""
    found: list[Caveat] = []
    if rule.verification.needs_caveat:
        found.append(Caveat(CaveatKind.VERIFICATION, f"rule {rule.id} is {_provenance_text(rule.provenance)}"))
    found.extend(
        Caveat(
            CaveatKind.VERIFICATION, f"limit {cap.describe()} of rule {rule.id} is {_provenance_text(cap.provenance)}"
        )
        for cap in rule.caps
        if cap.provenance is not None and cap.provenance.verification.needs_caveat
    )
    found.extend(Caveat(CaveatKind.CONFLICT, f"[CONFLICT] {text}") for text in rule.conflicts)
    if rule.off_label:
        found.append(Caveat(CaveatKind.OFF_LABEL, f"{rule.title}: off-label or trial use"))
    return tuple(found)


def _provenance_text(provenance: Provenance) -> str:
    return provenance.describe()
