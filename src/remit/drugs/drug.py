"""The catalogue entry of one drug: names, codes, class flags and dose rules."""

from __future__ import annotations

from dataclasses import dataclass

from remit.core.codes import ATC, RXNORM, Coding
from remit.core.medications import Route
from remit.core.provenance import Provenance
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import DoseRule


@dataclass(frozen=True, slots=True)
class DrugCode:
    """A code for the drug with how far it was verified (§B3 tags)."""

    coding: Coding
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Drug:
    """One ingredient as remit records it on a :class:`MedicationCourse`.

    ``anti_arthritis`` answers the Wallace 2004 question "is the patient off all
    anti-arthritis medication?" (criteria.md §12). It is remit's own,
    deliberately inclusive classification (any systemic immunomodulator that
    could suppress arthritis counts), not a published list.
    """

    id: str
    name: str
    synonyms: tuple[str, ...]
    classes: frozenset[DrugClass]
    routes: tuple[Route, ...]
    codes: tuple[DrugCode, ...]
    rules: tuple[DoseRule, ...]
    anti_arthritis: bool
    off_label_routes: tuple[tuple[Route, str], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def biologic(self) -> bool:
        return DrugClass.BIOLOGIC in self.classes

    @property
    def il1_inhibitor(self) -> bool:
        return DrugClass.IL1_INHIBITOR in self.classes

    @property
    def glucocorticoid(self) -> bool:
        return DrugClass.GLUCOCORTICOID in self.classes

    @property
    def dmard(self) -> bool:
        """Conventional synthetic DMARD (biologics are flagged ``biologic``)."""
        return DrugClass.CONVENTIONAL_DMARD in self.classes

    def codes_in(self, system: str) -> tuple[DrugCode, ...]:
        return tuple(code for code in self.codes if code.coding.system == system)

    @property
    def atc(self) -> tuple[DrugCode, ...]:
        return self.codes_in(ATC)

    @property
    def rxnorm(self) -> tuple[DrugCode, ...]:
        return self.codes_in(RXNORM)

    def off_label_route(self, route: Route) -> str | None:
        for off_route, note in self.off_label_routes:
            if off_route is route:
                return note
        return None

    def rule(self, rule_id: str) -> DoseRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @property
    def indications(self) -> tuple[str, ...]:
        """Every indication some rule of this drug names, in rule order."""
        seen: dict[str, None] = {}
        for rule in self.rules:
            seen.update(dict.fromkeys(rule.indications))
        return tuple(seen)
