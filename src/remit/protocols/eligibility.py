"""Entry criteria: catalogue criteria judged over the entry window, combined with Kleene logic.

Each criterion is evaluated by the criteria engine, unchanged, as of every
assessment date in the entry window. It counts as met when it is met at some
date (Kleene OR over the dates): an entry assessment happens once, and a MAS
diagnosed days before the first dose must be judged with the labs of that day,
not with the (absent) labs of day 0. The result reported for a criterion is
the date where it is met (the latest such date); when it is met nowhere, the
indeterminate evaluation that rests on the most recorded evidence (then the
latest); when it is not met anywhere, the latest date.

Nothing here changes a criterion: a rule the data cannot prove stays
INDETERMINATE, with the engine's decisive unknowns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from remit import catalogue
from remit.core.record import PatientRecord
from remit.core.truth import Truth, all_of, any_of
from remit.protocols.model import AllRequired, CriterionRef, Eligibility, Requirement, criterion_ids
from remit.protocols.results import CriterionAssessment, EligibilityStatus
from remit.protocols.timeline import assessment_dates
from remit.rules.interpret import Result, evaluate


def assess_eligibility(record: PatientRecord, eligibility: Eligibility, anchor: date, today: date) -> EligibilityStatus:
    """Judge the entry criteria in ``[anchor - days_before, min(anchor, today)]``."""
    last = min(anchor, today)
    first = anchor - timedelta(days=eligibility.days_before)
    dates = assessment_dates(record, first, last) or [last]
    assessed = {cid: _assess(record, cid, dates) for cid in dict.fromkeys(criterion_ids(eligibility.rule))}
    truths = {cid: a.truth for cid, a in assessed.items()}
    truth = combine(eligibility.rule, truths)
    return EligibilityStatus(
        truth=truth,
        window=(first, last),
        criteria=tuple(assessed.values()),
        decisive_unknowns=_decisive(eligibility.rule, truths, assessed, truth),
        rule=describe_rule(eligibility.rule),
    )


def combine(rule: Requirement, truths: Mapping[str, Truth]) -> Truth:
    """Kleene combination of the criteria's truths."""
    if isinstance(rule, CriterionRef):
        return truths[rule.criterion]
    parts = (combine(item, truths) for item in rule.items)
    return all_of(parts) if isinstance(rule, AllRequired) else any_of(parts)


def describe_rule(rule: Requirement, *, nested: bool = False) -> str:
    if isinstance(rule, CriterionRef):
        return rule.criterion
    word = " AND " if isinstance(rule, AllRequired) else " OR "
    text = word.join(describe_rule(item, nested=True) for item in rule.items)
    return f"({text})" if nested and len(rule.items) > 1 else text


def _assess(record: PatientRecord, criterion_id: str, dates: list[date]) -> CriterionAssessment:
    definition = catalogue.get(criterion_id)
    results = [evaluate(definition, record, day) for day in dates]
    chosen = _report(results)
    others = len(results) - 1
    note = ""
    if others:
        note = (
            f"judged at {len(results)} dates from {dates[0].isoformat()} to {dates[-1].isoformat()}; "
            f"reported as of {chosen.index_date.isoformat()}"
        )
    return CriterionAssessment(
        criterion=criterion_id,
        title=definition.title,
        verification=definition.verification.value,
        truth=any_of(r.truth for r in results),
        assessed_on=chosen.index_date,
        dates_assessed=len(results),
        evidence=chosen.outcome.all_evidence(),
        decisive_unknowns=chosen.decisive_unknowns,
        note=note,
        not_met=_not_met(chosen) if chosen.truth is Truth.FALSE else (),
    )


def _not_met(result: Result) -> tuple[str, ...]:
    """Why a criterion is not met: its rule's top-level items that are not met, with the value or note."""
    rule = result.outcome.children[0]
    items = rule.children if rule.children else (rule,)
    reasons: list[str] = []
    for item in items:
        if item.truth is not Truth.FALSE:
            continue
        valued = next((c for c in item.children if c.value is not None), None)
        detail = item.note or (
            f"{valued.label} = {valued.value.describe()} {valued.unit or ''}".rstrip()
            if valued is not None and valued.value is not None
            else ""
        )
        reasons.append(f"{item.label}" + (f" ({detail})" if detail else ""))
    return tuple(reasons)


def _report(results: list[Result]) -> Result:
    """The evaluation shown for a criterion judged at several dates."""
    met = [r for r in results if r.truth is Truth.TRUE]
    if met:
        return met[-1]
    unknown = [r for r in results if r.truth is Truth.UNKNOWN]
    if unknown:
        return max(unknown, key=lambda r: (len(r.outcome.all_evidence()), r.index_date))
    return results[-1]


def _decisive(
    rule: Requirement, truths: Mapping[str, Truth], assessed: Mapping[str, CriterionAssessment], truth: Truth
) -> tuple[str, ...]:
    """Criteria whose resolution alone would make eligibility definite."""
    if truth is not Truth.UNKNOWN:
        return ()
    messages: list[str] = []
    for cid, value in truths.items():
        if value is not Truth.UNKNOWN:
            continue
        effects = []
        for forced, word in ((Truth.TRUE, "met"), (Truth.FALSE, "not met")):
            outcome = combine(rule, {**truths, cid: forced})
            if outcome is not Truth.UNKNOWN:
                effects.append(f"if {word}, eligibility would be {outcome.status.upper().replace('_', ' ')}")
        if effects:
            messages.append(f"{assessed[cid].title} [{cid}]: {'; '.join(effects)}")
    return tuple(messages)


__all__ = ["assess_eligibility", "combine", "describe_rule"]
