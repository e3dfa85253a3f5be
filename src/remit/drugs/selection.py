"""Which of a drug's dose rules apply to this patient, and which one decides.

A rule applies when it is written for the indication (or a broader one that
covers it), the route and - for pulses and loading doses - the frequency, any
required co-medication, and when the patient's weight and age fall in its band.
Band membership is three-valued: with no recorded age a licence floor of
"≥8 months" is UNKNOWN, not passed.

Preference among applicable rules: a rule written for the exact indication
before one applied through a broader group, then a rule whose frequency matches
the course, then catalogue order (verified sources are listed first there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from remit.core.intervals import Interval, Op
from remit.core.medications import Frequency, Route
from remit.core.truth import Truth
from remit.drugs.body import Body
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import DoseRule
from remit.drugs.drug import Drug
from remit.drugs.indications import rule_covers

ComedicationLookup = Callable[[DrugClass], Truth]


@dataclass(frozen=True, slots=True)
class Candidate:
    rule: DoseRule
    exact_indication: bool
    band: Truth
    why_not: str = ""  # for excluded or uncertain rules
    outside_band: bool = False  # excluded by its weight or age limits (not by route, frequency, co-medication)


@dataclass(frozen=True, slots=True)
class Selection:
    indication: str
    applicable: tuple[Candidate, ...]  # best first
    uncertain: tuple[Candidate, ...]  # band UNKNOWN (age or weight missing)
    excluded: tuple[Candidate, ...]
    for_indication: tuple[DoseRule, ...]  # every rule that names the indication

    @property
    def primary(self) -> Candidate | None:
        return self.applicable[0] if self.applicable else None


def select_rules(
    drug: Drug,
    indication: str,
    body: Body,
    *,
    route: Route | None = None,
    frequency: Frequency | None = None,
    comedication: ComedicationLookup | None = None,
) -> Selection:
    applicable: list[tuple[tuple[int, int, int], Candidate]] = []
    uncertain: list[Candidate] = []
    excluded: list[Candidate] = []
    named: list[DoseRule] = []
    for order, rule in enumerate(drug.rules):
        covers = [c for c in (rule_covers(i, indication) for i in rule.indications) if c is not None]
        if not covers:
            continue
        named.append(rule)
        exact = any(covers)
        why = _excluded_by(rule, route, frequency, comedication)
        if why:
            excluded.append(Candidate(rule, exact, Truth.FALSE, why))
            continue
        band, band_why = band_truth(rule, body)
        if band is Truth.FALSE:
            excluded.append(Candidate(rule, exact, band, band_why, outside_band=True))
        elif band is Truth.UNKNOWN:
            uncertain.append(Candidate(rule, exact, band, band_why))
        else:
            freq_rank = 0 if frequency is None or not rule.frequencies or frequency in rule.frequencies else 1
            applicable.append(((0 if exact else 1, freq_rank, order), Candidate(rule, exact, band)))
    applicable.sort(key=lambda item: item[0])
    return Selection(indication, tuple(c for _, c in applicable), tuple(uncertain), tuple(excluded), tuple(named))


def _excluded_by(
    rule: DoseRule, route: Route | None, frequency: Frequency | None, comedication: ComedicationLookup | None
) -> str:
    if route is not None and not rule.applies_to_route(route):
        return f"written for {', '.join(r.value for r in rule.routes)}, not {route.value}"
    if frequency is not None and rule.strict_frequency and frequency not in rule.frequencies:
        return f"only for {' or '.join(f.value for f in rule.frequencies)} administration, not {frequency.value}"
    if rule.comedication is not None and comedication is not None:
        present = comedication(rule.comedication.drug_class)
        wanted = present if rule.comedication.present else ~present
        if wanted is Truth.FALSE:
            return f"applies only {rule.comedication.describe()}"
    return ""


def band_truth(rule: DoseRule, body: Body) -> tuple[Truth, str]:
    """Is the patient inside the rule's weight and age limits?"""
    reasons: list[str] = []
    weight = Truth.TRUE
    if not rule.weight_kg.is_unbounded:
        if body.weight_kg is None:
            weight = Truth.UNKNOWN
            reasons.append(f"weight unknown, needed for {_limits(rule)}")
        else:
            weight = contains(rule.weight_kg, Interval.point(body.weight_kg))
            if weight is Truth.FALSE:
                reasons.append(f"{body.weight_kg:g} kg is outside {_limits(rule)}")
    age = Truth.TRUE
    if not rule.age_years.is_unbounded:
        if body.age_years is None:
            age = Truth.UNKNOWN
            reasons.append(f"age unknown, needed for {_limits(rule)}")
        else:
            age = contains(rule.age_years, body.age_years)
            if age is not Truth.TRUE:
                shown = describe_age(body.age_years)
                reasons.append(
                    f"age {shown} is {'outside' if age is Truth.FALSE else 'not surely inside'} {_limits(rule)}"
                )
    return weight & age, "; ".join(reasons)


def contains(outer: Interval, inner: Interval) -> Truth:
    """Is every value of ``inner`` inside ``outer``? (UNKNOWN when only some are.)"""
    above_low = inner.compare(Op.GE if outer.low_closed else Op.GT, outer.low)
    below_high = inner.compare(Op.LE if outer.high_closed else Op.LT, outer.high)
    return above_low & below_high


def describe_age(age: Interval) -> str:
    if age.high - age.low < 1 / 365:
        return _years(age.low)
    return f"{_years(age.low)}–{_years(age.high)}"


def _years(value: float) -> str:
    if value < 2:
        return f"{value * 12:.1f} months"
    return f"{value:.1f} y"


def _limits(rule: DoseRule) -> str:
    return f"the rule's limits ({rule.limits_text})" if rule.limits_text else "the rule's limits"
