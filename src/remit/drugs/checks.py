"""Check the dose of a medication course on a date: :func:`check_dose`.

The checker explains; it never decides. It finds the dose in force, the weight
and height nearest the date, the indication, and the dose rule that applies;
expresses the dose in that rule's basis and says where it falls - with the
arithmetic, the source, and every caveat that qualifies the answer (an
unverified rule, an off-label route, a weight measured long ago). When it cannot
check, it says exactly why.

A likely unit slip is named: if the same number in another unit (mg instead of
mg/kg, g instead of mg) would have been a usual dose, the result asks "did you
mean ...?".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from remit.core.doses import DoseAmount, PerBody, dose_amount, parse_dose_unit
from remit.core.medications import Dose, MedicationCourse, Route
from remit.core.provenance import Verification
from remit.core.record import (
    DiagnosisStatus,
    PatientRecord,
)
from remit.core.truth import Truth
from remit.drugs.anakinra_tiers import TierResult, anakinra_tier
from remit.drugs.assessment import MgAmounts, RuleAssessment, Verdict, absolute_mg, assess, fmt
from remit.drugs.body import Body, body_from_record
from remit.drugs.bsa import BsaFormula
from remit.drugs.catalogue import DRUGS
from remit.drugs.caveats import Caveat, CaveatKind
from remit.drugs.classes import DrugClass
from remit.drugs.dose_rules import DoseRule
from remit.drugs.drug import Drug
from remit.drugs.indications import INDICATIONS, rule_covers
from remit.drugs.selection import ComedicationLookup, Selection, band_truth, select_rules
from remit.errors import UnitError

STALE_WEIGHT_DAYS = 90  # a data-quality default of remit, not a clinical figure: older weights are caveated


@dataclass(frozen=True, slots=True)
class DoseCheck:
    """The result of :func:`check_dose`: a verdict, its reason, and context."""

    course_id: str
    drug: str
    on: date
    verdict: Verdict
    reason: str
    route: Route
    dose: Dose | None = None
    indication: str | None = None
    indication_source: str | None = None  # "argument", "course" or "diagnosis"
    rule: DoseRule | None = None
    value: float | None = None  # the dose in the rule's basis
    mg: MgAmounts | None = None
    body: Body = dataclasses.field(default_factory=Body)
    tier: TierResult | None = None
    suggestion: str | None = None
    caveats: tuple[Caveat, ...] = ()
    notes: tuple[str, ...] = ()
    alternatives: tuple[RuleAssessment, ...] = ()
    not_applied: tuple[tuple[str, str], ...] = ()  # (rule id, why it did not apply)

    @property
    def unit(self) -> str | None:
        return None if self.rule is None else self.rule.basis.unit

    @property
    def verification(self) -> Verification | None:
        return None if self.rule is None else self.rule.verification

    def summary(self) -> str:
        """Several lines of plain text, as the CLI prints them."""
        lines = [
            f"{self.drug} ({self.course_id}) on {self.on.isoformat()}: {self.verdict.value.upper()}",
            f"  {self.reason}",
        ]
        if self.suggestion:
            lines.append(f"  → {self.suggestion}")
        if self.rule is not None:
            lines.append(f"  rule: {self.rule.id} - {self.rule.dose_text} [{self.rule.provenance.describe()}]")
        if self.body.weight is not None:
            lines.append(f"  weight: {self.body.weight.describe()}")
        if self.body.height is not None:
            lines.append(f"  height: {self.body.height.describe()}")
        lines.extend(f"  caveat ({c.kind.value}): {c.message}" for c in self.caveats)
        lines.extend(f"  also: {a.rule.id}: {a.verdict.value} - {a.reason}" for a in self.alternatives)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "course": self.course_id,
            "drug": self.drug,
            "on": self.on.isoformat(),
            "verdict": self.verdict.value,
            "reason": self.reason,
            "suggestion": self.suggestion,
            "route": self.route.value,
            "dose": None
            if self.dose is None
            else {
                "amount": self.dose.amount,
                "unit": self.dose.unit,
                "frequency": self.dose.frequency.value,
                "start": self.dose.start.isoformat(),
            },
            "indication": self.indication,
            "indication_source": self.indication_source,
            "rule": None
            if self.rule is None
            else {
                "id": self.rule.id,
                "title": self.rule.title,
                "dose_text": self.rule.dose_text,
                "verification": self.rule.verification.value,
                "sources": list(self.rule.provenance.sources),
            },
            "value": self.value,
            "unit": self.unit,
            "mg": None if self.mg is None else self.mg.to_dict(),
            "weight": None if self.body.weight is None else self.body.weight.to_dict(),
            "height": None if self.body.height is None else self.body.height.to_dict(),
            "bsa_m2": self.body.bsa_m2,
            "tier": None
            if self.tier is None
            else {
                "tier": self.tier.tier.value,
                "description": self.tier.tier.description,
                "verification": self.tier.provenance.verification.value,
            },
            "caveats": [c.to_dict() for c in self.caveats],
            "notes": list(self.notes),
            "alternatives": [a.to_dict() for a in self.alternatives],
            "not_applied": [{"rule": rule_id, "why": why} for rule_id, why in self.not_applied],
        }


def check_dose(
    course: MedicationCourse,
    record: PatientRecord,
    on_date: date,
    *,
    indication: str | None = None,
    rule: DoseRule | None = None,
    bsa_formula: BsaFormula = BsaFormula.MOSTELLER,
    stale_after_days: int = STALE_WEIGHT_DAYS,
) -> DoseCheck:
    """Check the dose of ``course`` in force on ``on_date``.

    ``indication`` overrides the course's own; without either, it is taken
    from the patient's diagnoses. ``rule`` checks against one given rule
    instead of the catalogue's choice - the way to apply a local rule (for
    example a methotrexate mg cap) that the reference does not verify.
    """
    body = body_from_record(record, on_date, bsa_formula)
    base = DoseCheck(course.id, course.drug, on_date, Verdict.CANNOT_CHECK, "", course.route, body=body)
    entry = DRUGS.get(course.drug)
    if entry is None:
        return dataclasses.replace(base, reason=f"{course.drug!r} is not in the drug catalogue")
    dose = course.dose_on(on_date)
    if dose is None:
        when = "is not active" if not course.active_on(on_date) else "has no dose recorded"
        return dataclasses.replace(base, reason=f"course {course.id} {when} on {on_date.isoformat()}")
    base = dataclasses.replace(base, dose=dose)
    try:
        amount = dose_amount(dose)
    except UnitError as exc:
        return dataclasses.replace(base, reason=f"the dose unit cannot be read: {exc.message}")

    caveats: list[Caveat] = []
    route_note = entry.off_label_route(course.route)
    if route_note:
        caveats.append(Caveat(CaveatKind.OFF_LABEL_ROUTE, route_note))
    caveats.extend(Caveat(CaveatKind.MEASUREMENT, problem) for problem in body.problems)
    tier = _tier(entry, amount, body, caveats)
    chosen, source = _indication(entry, course, record, indication, caveats)
    base = dataclasses.replace(
        base, indication=chosen, indication_source=source, tier=tier, mg=absolute_mg(amount, body)
    )
    if chosen is None:
        return _finish(
            base,
            Verdict.CANNOT_CHECK,
            f"no indication on the course or among the patient's diagnoses that {entry.name} has a dose rule for",
            caveats,
        )
    if chosen not in INDICATIONS:
        return _finish(base, Verdict.CANNOT_CHECK, f"unknown indication {chosen!r}", caveats)
    course_day = (on_date - course.start).days

    if rule is not None:
        return _check_given_rule(
            base, rule, amount, body, course_day=course_day, caveats=caveats, stale_after_days=stale_after_days
        )

    selection = select_rules(
        entry,
        chosen,
        body,
        route=course.route,
        frequency=dose.frequency,
        comedication=_comedication(record, course, on_date),
    )
    not_applied = tuple((c.rule.id, c.why_not) for c in selection.excluded + selection.uncertain)
    base = dataclasses.replace(base, not_applied=not_applied)
    primary = selection.primary
    if primary is None:
        if len(selection.uncertain) == 1:
            only = selection.uncertain[0]
            caveats.append(Caveat(CaveatKind.BAND, f"{only.rule.id} applied although {only.why_not}"))
            primary = only
        else:
            return _finish(base, *_no_rule(entry, selection), caveats)
    others = tuple(c for c in selection.applicable if c is not primary)
    main = assess(
        primary.rule,
        amount,
        body,
        frequency=dose.frequency,
        course_day=course_day,
        exact_indication=primary.exact_indication,
    )
    alternatives = tuple(
        assess(
            c.rule, amount, body, frequency=dose.frequency, course_day=course_day, exact_indication=c.exact_indication
        )
        for c in others
    )
    if not primary.exact_indication:
        caveats.append(
            Caveat(
                CaveatKind.INDICATION,
                f"{primary.rule.id} is written for "
                f"{', '.join(primary.rule.indications)}; applied to {chosen} "
                "as a broader indication that covers it",
            )
        )
    return _from_assessment(
        base, main, amount, body, caveats=caveats, stale_after_days=stale_after_days, alternatives=alternatives
    )


def _check_given_rule(
    base: DoseCheck,
    rule: DoseRule,
    amount: DoseAmount,
    body: Body,
    *,
    course_day: int,
    caveats: list[Caveat],
    stale_after_days: int,
) -> DoseCheck:
    assert base.dose is not None
    band, why = band_truth(rule, body)
    if band is Truth.FALSE:
        return _finish(
            dataclasses.replace(base, rule=rule), Verdict.OUTSIDE_AGE_OR_WEIGHT_LIMITS, f"{rule.id}: {why}", caveats
        )
    if band is Truth.UNKNOWN:
        caveats.append(Caveat(CaveatKind.BAND, f"{rule.id} applied although {why}"))
    main = assess(rule, amount, body, frequency=base.dose.frequency, course_day=course_day)
    return _from_assessment(
        base, main, amount, body, caveats=caveats, stale_after_days=stale_after_days, alternatives=()
    )


def _from_assessment(
    base: DoseCheck,
    main: RuleAssessment,
    amount: DoseAmount,
    body: Body,
    *,
    caveats: list[Caveat],
    stale_after_days: int,
    alternatives: tuple[RuleAssessment, ...],
) -> DoseCheck:
    rule = main.rule
    caveats[:0] = main.caveats  # the rule's own (provenance, frequency, limits) first
    caveats.extend(_stale(body, amount, rule, stale_after_days))
    suggestion = _unit_slip(main, base, body)
    reason = main.reason if suggestion is None else f"{main.reason}; {suggestion.split(' (', 1)[0]}"
    return dataclasses.replace(
        base,
        verdict=main.verdict,
        reason=reason,
        rule=rule,
        value=main.value,
        suggestion=suggestion,
        caveats=tuple(caveats),
        notes=rule.notes,
        alternatives=alternatives,
    )


def _finish(base: DoseCheck, verdict: Verdict, reason: str, caveats: list[Caveat]) -> DoseCheck:
    return dataclasses.replace(base, verdict=verdict, reason=reason, caveats=tuple(caveats))


def _no_rule(entry: Drug, selection: Selection) -> tuple[Verdict, str]:
    if not selection.for_indication:
        return Verdict.CANNOT_CHECK, (
            f"no dose rule for {entry.name} in {selection.indication}; rules exist for "
            f"{', '.join(entry.indications) or 'no indication'}"
        )
    if selection.uncertain:
        whys = "; ".join(f"{c.rule.id}: {c.why_not}" for c in selection.uncertain)
        return Verdict.CANNOT_CHECK, f"the applicable rule depends on missing data ({whys})"
    banded = [c for c in selection.excluded if c.outside_band]
    whys = "; ".join(f"{c.rule.id}: {c.why_not}" for c in (banded or list(selection.excluded)))
    if banded:
        return Verdict.OUTSIDE_AGE_OR_WEIGHT_LIMITS, f"outside the age/weight limits of every rule ({whys})"
    return Verdict.CANNOT_CHECK, f"no rule applies ({whys})"


def _indication(
    entry: Drug, course: MedicationCourse, record: PatientRecord, given: str | None, caveats: list[Caveat]
) -> tuple[str | None, str | None]:
    if given is not None:
        return given, "argument"
    if course.indication is not None:
        return course.indication, "course"
    candidates = [
        d.condition for d in record.diagnoses if d.status in (DiagnosisStatus.ACTIVE, DiagnosisStatus.SUSPECTED)
    ]
    with_rules = [
        c
        for c in dict.fromkeys(candidates)
        if c in INDICATIONS and any(rule_covers(i, c) is not None for r in entry.rules for i in r.indications)
    ]
    if not with_rules:
        return None, None
    note = f"indication {with_rules[0]} taken from the patient's diagnoses (the course names none)"
    if len(with_rules) > 1:
        note += f"; other diagnoses with {entry.name} rules: {', '.join(with_rules[1:])}"
    caveats.append(Caveat(CaveatKind.INDICATION, note))
    return with_rules[0], "diagnosis"


def _comedication(record: PatientRecord, course: MedicationCourse, on: date) -> ComedicationLookup:
    """Is a drug of a class given alongside on ``on``? UNKNOWN when another
    active course is of a drug remit does not know."""
    others = [m for m in record.active_medications(on) if m.id != course.id]

    def lookup(drug_class: DrugClass) -> Truth:
        known = [DRUGS[m.drug] for m in others if m.drug in DRUGS]
        if any(drug_class in d.classes for d in known):
            return Truth.TRUE
        return Truth.FALSE if len(known) == len(others) else Truth.UNKNOWN

    return lookup


def _tier(entry: Drug, amount: DoseAmount, body: Body, caveats: list[Caveat]) -> TierResult | None:
    if entry.id != "anakinra":
        return None
    per_day = absolute_mg(amount, body).per_day
    if per_day is None or body.weight_kg is None:
        return None
    tier = anakinra_tier(per_day / body.weight_kg, per_day)
    caveats.append(Caveat(CaveatKind.TIER, tier.describe()))
    return tier


def _stale(body: Body, amount: DoseAmount, rule: DoseRule, stale_after_days: int) -> list[Caveat]:
    if amount.per is PerBody.NONE and rule.basis.per is PerBody.NONE:
        return []
    found = []
    for measure in (body.weight, body.height if PerBody.M2 in (amount.per, rule.basis.per) else None):
        if (
            measure is not None
            and measure.days_from_check is not None
            and abs(measure.days_from_check) > stale_after_days
        ):
            found.append(
                Caveat(
                    CaveatKind.MEASUREMENT,
                    f"nearest {'weight' if measure.unit == 'kg' else 'height'} "
                    f"is {measure.describe()}: more than {stale_after_days} "
                    "days from the check",
                )
            )
    return found


_MASSES = ("mg", "g")
_PERS = ("", "/kg", "/m2")
_TIMES = {1.0: "/h", 24.0: "/day", 168.0: "/week"}


def _unit_slip(main: RuleAssessment, base: DoseCheck, body: Body) -> str | None:
    """ "Did you mean 100 mg?" - the same number in another unit that would
    have been a usual dose (or, for an overdose, at least below the maximum)."""
    if main.verdict not in (Verdict.ABOVE_MAXIMUM, Verdict.BELOW_USUAL) or base.dose is None:
        return None
    dose = base.dose
    unit = parse_dose_unit(dose.unit)
    if unit.per_hours is not None and unit.per_hours not in _TIMES:
        return None
    time = "" if unit.per_hours is None else _TIMES[unit.per_hours]
    tried: list[tuple[str, RuleAssessment]] = []
    for mass in _MASSES:
        for per in _PERS:
            text = f"{mass}{per}{time}"
            if parse_dose_unit(text) == dataclasses.replace(unit, text=text):
                continue
            try:
                other = dose_amount(dataclasses.replace(dose, unit=text))
            except UnitError:
                continue
            result = assess(main.rule, other, body, frequency=dose.frequency)
            tried.append((text, result))
    tried.sort(key=lambda item: (parse_dose_unit(item[0]).mass != unit.mass, item[0]))
    usual = [(t, r) for t, r in tried if r.verdict is Verdict.WITHIN_USUAL]
    if usual:
        text, result = usual[0]
        return f"did you mean {fmt(dose.amount)} {text}? ({_first_clause(result.reason)}: within the usual range)"
    if main.verdict is Verdict.ABOVE_MAXIMUM:
        lower = [(t, r) for t, r in tried if r.verdict in (Verdict.ABOVE_USUAL, Verdict.BELOW_USUAL)]
        if lower:
            text, result = lower[0]
            where = result.verdict.value.split("_")[0]
            return (
                f"did you mean {fmt(dose.amount)} {text}? ({_first_clause(result.reason)}: {where} the usual "
                "range but not above the maximum)"
            )
    return None


def _first_clause(reason: str) -> str:
    return reason.split(";", 1)[0]
