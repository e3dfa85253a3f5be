"""The usual dose range in milligrams for one child: :func:`dose_calc`.

The calculator answers "what would the rules say for a 21 kg child with sJIA?"
without a patient record: every applicable rule of the drug for the indication,
its usual range and maximum turned into mg for this weight (and body-surface
area, when a height is given), with the same caveats as a dose check. It
computes; it does not recommend one rule over another beyond the catalogue's
order of preference.
"""

from __future__ import annotations

from dataclasses import dataclass

from remit.core.doses import PerBody
from remit.core.intervals import Interval
from remit.core.measurements import measure
from remit.core.medications import Frequency, Route
from remit.drugs.assessment import fmt
from remit.drugs.body import Body, BodyMeasure
from remit.drugs.bsa import BsaFormula
from remit.drugs.catalogue import find_drug
from remit.drugs.caveats import Caveat, CaveatKind, provenance_caveats
from remit.drugs.dose_rules import CapKind, DoseRule, Frame, describe_range
from remit.drugs.drug import Drug
from remit.drugs.indications import indication as lookup_indication
from remit.drugs.selection import Candidate, select_rules
from remit.errors import ImplausibleValueError


@dataclass(frozen=True, slots=True)
class CalculatedRange:
    """One rule's usual range and maximum in mg for this child."""

    rule: DoseRule
    frame: Frame
    usual_mg: tuple[float | None, float | None] | None  # None: cannot be computed (see ``problem``)
    maximum_mg: float | None  # the lowest maximum in ``frame`` (rule maximum or cap)
    other_limits: tuple[str, ...]  # maxima in other frames ("1000 mg/dose")
    per_administration: tuple[tuple[Frequency, float | None, float | None], ...]
    exact_indication: bool
    caveats: tuple[Caveat, ...]
    problem: str | None = None

    def describe(self) -> str:
        head = f"{self.rule.title}: {self.rule.describe_usual()}"
        if self.usual_mg is None:
            return f"{head} - {self.problem}"
        low, high = self.usual_mg
        text = f"{head} → {describe_range(_r(low), _r(high), 'mg/' + self.frame.value)}"
        if self.maximum_mg is not None:
            text += f"; maximum {fmt(self.maximum_mg)} mg/{self.frame.value}"
        if self.other_limits:
            text += f"; maximum {', '.join(self.other_limits)}"
        for frequency, per_low, per_high in self.per_administration:
            text += f"; {frequency.value}: {describe_range(_r(per_low), _r(per_high), 'mg')} each"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule.id,
            "title": self.rule.title,
            "dose_text": self.rule.dose_text,
            "basis": self.rule.basis.unit,
            "usual": list(self.rule.usual),
            "frame": self.frame.value,
            "usual_mg": None if self.usual_mg is None else list(self.usual_mg),
            "maximum_mg": self.maximum_mg,
            "other_limits": list(self.other_limits),
            "per_administration": [
                {"frequency": f.value, "low_mg": lo, "high_mg": hi} for f, lo, hi in self.per_administration
            ],
            "verification": self.rule.verification.value,
            "sources": list(self.rule.provenance.sources),
            "caveats": [c.to_dict() for c in self.caveats],
            "problem": self.problem,
        }


@dataclass(frozen=True, slots=True)
class DoseCalculation:
    drug: Drug
    indication: str
    body: Body
    ranges: tuple[CalculatedRange, ...]
    not_applied: tuple[tuple[str, str], ...]
    message: str = ""  # why there is no range at all

    def summary(self) -> str:
        who = f"{self.body.weight_kg:g} kg" if self.body.weight_kg is not None else "unknown weight"
        if self.body.bsa_m2 is not None:
            who += f", {self.body.bsa_m2:.2f} m² ({self.body.bsa_formula.value})"
        lines = [f"{self.drug.name} for {self.indication}, {who}:"]
        if self.message:
            lines.append(f"  {self.message}")
        for entry in self.ranges:
            tag = f"{entry.rule.verification.name.lower()}: {', '.join(entry.rule.provenance.sources) or '-'}"
            lines.append(f"  {entry.describe()}  [{tag}]")
            lines.extend(f"    caveat ({c.kind.value}): {c.message}" for c in entry.caveats)
        lines.extend(f"  not applied: {rule_id}: {why}" for rule_id, why in self.not_applied)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "drug": self.drug.id,
            "indication": self.indication,
            "weight_kg": self.body.weight_kg,
            "height_cm": self.body.height_cm,
            "bsa_m2": self.body.bsa_m2,
            "bsa_formula": self.body.bsa_formula.value,
            "ranges": [r.to_dict() for r in self.ranges],
            "not_applied": [{"rule": rule_id, "why": why} for rule_id, why in self.not_applied],
            "message": self.message,
        }


def dose_calc(
    drug: str,
    indication: str,
    weight_kg: float,
    height_cm: float | None = None,
    age_years: float | None = None,
    *,
    route: Route | None = None,
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER,
) -> DoseCalculation:
    """Usual range and maximum in mg of every rule of ``drug`` (id or name)
    for ``indication`` at this weight (height for m² rules, age for bands)."""
    entry = find_drug(drug)
    lookup_indication(indication)
    measure("weight", weight_kg, "kg", field="weight_kg")
    if height_cm is not None:
        measure("height", height_cm, "cm", field="height_cm")
    if age_years is not None and not 0 <= age_years <= 120:
        raise ImplausibleValueError(f"age {age_years:g} y is not plausible", field="age_years")
    body = Body(
        BodyMeasure(weight_kg, "kg"),
        None if height_cm is None else BodyMeasure(height_cm, "cm"),
        None if age_years is None else Interval.point(age_years),
        bsa_formula,
    )
    selection = select_rules(entry, indication, body, route=route)
    ranges = [_range(c, body, ()) for c in selection.applicable]
    ranges += [
        _range(c, body, (Caveat(CaveatKind.BAND, f"applies only within its limits: {c.why_not}"),))
        for c in selection.uncertain
    ]
    not_applied = tuple((c.rule.id, c.why_not) for c in selection.excluded)
    message = ""
    if not selection.for_indication:
        message = (
            f"no dose rule for {entry.name} in {indication}; rules exist for "
            f"{', '.join(entry.indications) or 'no indication'}"
        )
    elif not ranges:
        message = "no rule applies at this age/weight/route"
    return DoseCalculation(entry, indication, body, tuple(ranges), not_applied, message)


def _range(candidate: Candidate, body: Body, extra: tuple[Caveat, ...]) -> CalculatedRange:
    rule = candidate.rule
    caveats = list(provenance_caveats(rule)) + list(extra)
    if not candidate.exact_indication:
        caveats.append(Caveat(CaveatKind.INDICATION, f"written for {', '.join(rule.indications)}"))
    frame = rule.basis.frame
    denominator = body.denominator(rule.basis.per)
    other_limits = tuple(cap.describe() for cap in rule.caps if cap.kind is CapKind.MAXIMUM and cap.frame is not frame)
    if denominator is None:
        return CalculatedRange(
            rule,
            frame,
            None,
            None,
            other_limits,
            (),
            candidate.exact_indication,
            tuple(caveats),
            problem=body.missing_for(rule.basis.per),
        )
    if not rule.has_usual_range:
        return CalculatedRange(
            rule,
            frame,
            None,
            None,
            other_limits,
            (),
            candidate.exact_indication,
            tuple(caveats),
            problem=f"no agreed dose range: {rule.dose_text}",
        )
    low, high = (None if v is None else v * denominator for v in rule.usual)
    for cap in rule.caps:
        if cap.kind is CapKind.USUAL and cap.frame is frame:
            high = cap.mg if high is None else min(high, cap.mg)
            low = None if low is None else min(low, cap.mg)
    maxima = [cap.mg for cap in rule.caps if cap.kind is CapKind.MAXIMUM and cap.frame is frame]
    if rule.maximum is not None:
        maxima.append(rule.maximum * denominator)
    per_admin = _per_administration(rule, frame, low, high)
    if rule.basis.per is PerBody.M2:
        caveats.append(
            Caveat(CaveatKind.MEASUREMENT, f"body-surface area {denominator:.2f} m² ({body.bsa_formula.citation})")
        )
    return CalculatedRange(
        rule,
        frame,
        (low, high),
        min(maxima) if maxima else None,
        other_limits,
        per_admin,
        candidate.exact_indication,
        tuple(caveats),
    )


def _per_administration(
    rule: DoseRule, frame: Frame, low: float | None, high: float | None
) -> tuple[tuple[Frequency, float | None, float | None], ...]:
    if frame is Frame.DOSE:
        return ()
    frame_hours = 24.0 if frame is Frame.DAY else 168.0
    found = []
    for frequency in rule.frequencies:
        interval = frequency.interval_hours
        if interval is None or interval >= frame_hours:
            continue
        share = interval / frame_hours
        found.append((frequency, None if low is None else low * share, None if high is None else high * share))
    return tuple(found)


def _r(value: float | None) -> float | None:
    return None if value is None else float(fmt(value))
