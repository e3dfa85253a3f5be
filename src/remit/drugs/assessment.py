"""Judge one dose against one rule: normalise, compare, explain.

The dose is first expressed in the rule's basis (a dose entered as 100 mg/day
is 4.76 mg/kg/day for a 21 kg child; 25 mg/m² weekly is 25 mg/m²/week). Then,
in this order:

1. above the rule's maximum or any absolute maximum cap → ABOVE_MAXIMUM;
2. the dose cannot be expressed in the basis (no weight, no height) or a
   maximum cannot be checked → CANNOT_CHECK, saying what is missing;
3. the rule has no agreed range (anakinra in MAS) → CANNOT_CHECK, quoting it;
4. against the usual range - clipped by any usual cap ("initial max 100
   mg/day") and following a protocol schedule where the rule has one →
   BELOW_USUAL, WITHIN_USUAL or ABOVE_USUAL;
5. a per-dose rule given more often than its schedule is at least ABOVE_USUAL.

Every verdict comes with a one-sentence reason that shows the arithmetic.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from remit.core.doses import DoseAmount, PerBody
from remit.core.medications import Frequency
from remit.drugs.body import Body
from remit.drugs.caveats import Caveat, CaveatKind, provenance_caveats
from remit.drugs.dose_rules import CapKind, DoseRule, Frame, describe_range


class Verdict(enum.Enum):
    WITHIN_USUAL = "within_usual"
    BELOW_USUAL = "below_usual"
    ABOVE_USUAL = "above_usual"
    ABOVE_MAXIMUM = "above_maximum"
    OUTSIDE_AGE_OR_WEIGHT_LIMITS = "outside_age_or_weight_limits"
    CANNOT_CHECK = "cannot_check"


@dataclass(frozen=True, slots=True)
class MgAmounts:
    """The dose in absolute milligrams (``None`` where it needs a missing
    weight or height, or for the per-dose amount of an infusion)."""

    per_dose: float | None
    per_day: float | None
    per_week: float | None

    def in_frame(self, frame: Frame) -> float | None:
        return {Frame.DOSE: self.per_dose, Frame.DAY: self.per_day, Frame.WEEK: self.per_week}[frame]

    def to_dict(self) -> dict[str, float | None]:
        return {"per_dose": self.per_dose, "per_day": self.per_day, "per_week": self.per_week}


@dataclass(frozen=True, slots=True)
class RuleAssessment:
    rule: DoseRule
    verdict: Verdict
    reason: str
    value: float | None  # the dose in the rule's basis unit
    usual: tuple[float | None, float | None]  # the usual range applied, in the basis unit
    exact_indication: bool = True
    caveats: tuple[Caveat, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "value": self.value,
            "unit": self.rule.basis.unit,
            "usual": list(self.usual),
            "verification": self.rule.verification.value,
            "caveats": [c.to_dict() for c in self.caveats],
        }


def entered_in_frame(amount: DoseAmount, frame: Frame) -> float | None:
    return {Frame.DOSE: amount.per_administration, Frame.DAY: amount.per_day, Frame.WEEK: amount.per_week}[frame]


def absolute_mg(amount: DoseAmount, body: Body) -> MgAmounts:
    denominator = body.denominator(amount.per)
    if denominator is None:
        return MgAmounts(None, None, None)

    def scale(value: float | None) -> float | None:
        return None if value is None else value * denominator

    return MgAmounts(scale(amount.per_administration), scale(amount.per_day), scale(amount.per_week))


def value_in_basis(amount: DoseAmount, rule: DoseRule, body: Body) -> float | None:
    """The dose expressed in the rule's basis, or None if that needs a
    measurement the patient does not have."""
    frame = rule.basis.frame
    if rule.basis.per is amount.per:
        return entered_in_frame(amount, frame)
    mg = absolute_mg(amount, body).in_frame(frame)
    denominator = body.denominator(rule.basis.per)
    if mg is None or denominator is None:
        return None
    return mg / denominator


def assess(
    rule: DoseRule,
    amount: DoseAmount,
    body: Body,
    *,
    frequency: Frequency,
    course_day: int | None = None,
    exact_indication: bool = True,
) -> RuleAssessment:
    value = value_in_basis(amount, rule, body)
    mg = absolute_mg(amount, body)
    phrase = dose_phrase(amount, rule, value, mg, body)
    cite = f"{rule.title} [{', '.join(rule.provenance.sources) or rule.verification.value}]"
    caveats: list[Caveat] = list(provenance_caveats(rule))

    def result(
        verdict: Verdict, reason: str, usual: tuple[float | None, float | None] = (None, None)
    ) -> RuleAssessment:
        return RuleAssessment(rule, verdict, reason, value, usual, exact_indication, tuple(caveats))

    broken, unknown = _maximum_limits(rule, value, mg)
    if broken:
        return result(Verdict.ABOVE_MAXIMUM, f"{phrase}; above the maximum {' and '.join(broken)} ({cite})")
    if value is None:
        if entered_in_frame(amount, rule.basis.frame) is None:
            why = f"a continuous infusion has no amount per {rule.basis.frame.value}"
        else:
            lacking = amount.per if body.denominator(amount.per) is None else rule.basis.per
            why = body.missing_for(lacking)
        return result(Verdict.CANNOT_CHECK, f"cannot express {_entered_text(amount)} in {rule.basis.unit}: {why}")
    if unknown:
        missing = body.missing_for(amount.per if amount.per is not PerBody.NONE else rule.basis.per)
        return result(
            Verdict.CANNOT_CHECK, f"{phrase}; the maximum {' and '.join(unknown)} cannot be checked: {missing} ({cite})"
        )
    if not rule.has_usual_range:
        return result(Verdict.CANNOT_CHECK, f"{phrase}; {rule.title} has no agreed dose range: {rule.dose_text}")

    low, high, range_text = _usual_range(rule, body, course_day, caveats)
    if low is not None and _lt(value, low):
        verdict, where = Verdict.BELOW_USUAL, "below"
    elif high is not None and _gt(value, high):
        verdict, where = Verdict.ABOVE_USUAL, "above"
    else:
        verdict, where = Verdict.WITHIN_USUAL, "within"
    reason = f"{phrase}; {where} the usual {range_text} ({cite})"
    verdict, reason = _frequency(rule, frequency, verdict, reason, caveats)
    return result(verdict, reason, (low, high))


def _maximum_limits(rule: DoseRule, value: float | None, mg: MgAmounts) -> tuple[list[str], list[str]]:
    broken: list[str] = []
    unknown: list[str] = []
    if rule.maximum is not None:
        limit = f"{rule.maximum:g} {rule.basis.unit}"
        if value is None:
            unknown.append(limit)
        elif _gt(value, rule.maximum):
            broken.append(limit)
    for cap in rule.caps:
        if cap.kind is not CapKind.MAXIMUM:
            continue
        amount = mg.in_frame(cap.frame)
        if amount is None:
            unknown.append(cap.describe())
        elif _gt(amount, cap.mg):
            broken.append(
                cap.describe()
                if cap.frame is rule.basis.frame
                else f"{cap.describe()} (this is {fmt(amount)} mg/{cap.frame.value})"
            )
    return broken, unknown


def _usual_range(
    rule: DoseRule, body: Body, course_day: int | None, caveats: list[Caveat]
) -> tuple[float | None, float | None, str]:
    low, high = rule.usual_on_day(course_day)
    schedule = ""
    if rule.taper:
        schedule = f", schedule day {course_day}" if (low, high) != rule.usual else ", outside the protocol schedule"
    denominator = body.denominator(rule.basis.per)
    capped = ""
    for cap in rule.caps:
        if cap.kind is not CapKind.USUAL:
            continue
        if denominator is None:
            caveats.append(
                Caveat(
                    CaveatKind.LIMIT_NOT_APPLIED,
                    f"the usual cap {cap.describe()} was not applied: {body.missing_for(rule.basis.per)}",
                )
            )
            continue
        in_basis = cap.mg / denominator
        if high is not None and high > in_basis:
            high = in_basis
            capped = f", capped at {cap.describe()}"
        if low is not None and low > in_basis:
            low = in_basis
    text = describe_range(*rule.usual_on_day(course_day), rule.basis.unit) + schedule
    if rule.basis.per is not PerBody.NONE and denominator is not None:
        frame = rule.basis.frame.value
        mg_low = None if low is None else fmt(low * denominator)
        mg_high = None if high is None else fmt(high * denominator)
        text += f" = {_mg_range(mg_low, mg_high)} mg/{frame} for {_who(body, rule.basis.per)}{capped}"
    elif capped:
        text += capped
    return low, high, text


def _frequency(
    rule: DoseRule, frequency: Frequency, verdict: Verdict, reason: str, caveats: list[Caveat]
) -> tuple[Verdict, str]:
    if not rule.frequencies or frequency in rule.frequencies:
        return verdict, reason
    expected = " or ".join(f.value for f in rule.frequencies)
    caveats.append(
        Caveat(CaveatKind.FREQUENCY, f"{rule.title} is written for {expected} dosing; the course is {frequency.value}")
    )
    given = frequency.interval_hours
    intervals = [f.interval_hours for f in rule.frequencies if f.interval_hours is not None]
    if (
        rule.basis.frame is Frame.DOSE
        and given is not None
        and intervals
        and given < min(intervals)
        and verdict is Verdict.WITHIN_USUAL
    ):
        return Verdict.ABOVE_USUAL, f"{reason}; but given {frequency.value}, more often than {expected}"
    return verdict, reason


def dose_phrase(amount: DoseAmount, rule: DoseRule, value: float | None, mg: MgAmounts, body: Body) -> str:
    """The dose in the rule's frame, with the arithmetic to the rule's basis:
    "100 mg/kg/day for a 21 kg child is 2100 mg/day"."""
    frame = rule.basis.frame
    entered = entered_in_frame(amount, frame)
    if entered is None:
        return _entered_text(amount)
    text = f"{fmt(entered)} mg{amount.per.suffix}/{frame.value}"
    if amount.per is PerBody.NONE:
        if rule.basis.per is PerBody.NONE or value is None:
            return text
        return f"{text} for {_who(body, rule.basis.per)} is {fmt(value)} {rule.basis.unit}"
    absolute = mg.in_frame(frame)
    if absolute is None:
        return text
    text = f"{text} for {_who(body, amount.per)} is {fmt(absolute)} mg/{frame.value}"
    if rule.basis.per not in (amount.per, PerBody.NONE) and value is not None:
        text += f" = {fmt(value)} {rule.basis.unit}"
    return text


def _entered_text(amount: DoseAmount) -> str:
    if amount.per_administration is None:
        return f"{fmt(amount.per_hour or 0)} mg{amount.per.suffix}/h (continuous)"
    return f"{fmt(amount.per_administration)} mg{amount.per.suffix} per administration"


def _who(body: Body, per: PerBody) -> str:
    noun = "adult" if body.is_adult() else "child"
    if per is PerBody.KG and body.weight_kg is not None:
        return f"a {fmt(body.weight_kg)} kg {noun}"
    if per is PerBody.M2 and body.bsa_m2 is not None:
        return f"a {noun} of {body.bsa_m2:.2f} m² ({body.bsa_formula.value})"
    return f"this {noun}"


def _mg_range(low: str | None, high: str | None) -> str:
    if low is None:
        return f"≤{high}"
    if high is None:
        return f"≥{low}"
    return low if low == high else f"{low}–{high}"


def fmt(value: float) -> str:
    """Clinical rounding for display only: 2100, 84, 4.76, 0.8."""
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".") if magnitude >= 0.1 else f"{value:.3g}"


_EPS = 1e-9


def _gt(value: float, limit: float) -> bool:
    return value > limit * (1 + _EPS) + _EPS


def _lt(value: float, limit: float) -> bool:
    return value < limit * (1 - _EPS) - _EPS
