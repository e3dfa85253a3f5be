"""Per-patient outcomes at the time points, derived from raw records. Pure.

For each member of a cohort and each time point (month 3 and 12 by default)
:func:`derive` gives the response (complete / partial / non-response), the
remission state (on / off medication), whether the index drug is still taken,
the switch of the index drug (target drug and reason), time to fever
resolution and to CRP normalisation, and the treatment-emergent and serious
adverse events. The rules are those of ``docs/outcomes.md`` (the design of
``docs/demo-data.md``); every clinical judgement is a criteria-engine
evaluation of a catalogue instrument or of an outcome definition of
:mod:`remit.outcomes.definitions`, and every value carries its explanation.

Nothing here reads a clock, a database or a file.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from remit import catalogue
from remit.core.intervals import Interval
from remit.core.medications import MedicationCourse, StopReason
from remit.core.record import (
    AdverseEvent,
    EncounterKind,
    PatientRecord,
)
from remit.core.truth import Truth
from remit.outcomes.cohort import MONTH_DAYS, CohortSelection, Member
from remit.outcomes.definitions import AFEBRILE, ATTACKS_3M, CRP_NORMAL, ON_BIOLOGIC, SAID_INACTIVE
from remit.outcomes.explain import (
    Derived,
    Explanation,
    InstrumentUse,
    adverse_event_evidence,
    course_evidence,
    unique,
)
from remit.rules import ast
from remit.rules.interpret import Evidence, Result, evaluate
from remit.rules.serialize import content_hash


class Response(enum.Enum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    NON = "non"
    INDETERMINATE = "indeterminate"  # the data could make it more than one of the above
    NOT_ASSESSED = "not_assessed"  # no assessment to judge


class Remission(enum.Enum):
    ON = "on"  # complete response while on a biologic
    OFF = "off"  # complete response after the index drug was stopped for remission, no biologic
    NONE = ""  # not in remission (or complete without meeting either definition)
    INDETERMINATE = "indeterminate"


@dataclass(frozen=True, slots=True)
class GroupRule:
    """How one diagnosis group is judged: the complete-response (inactive disease)
    definition, and the activity measure whose improvement makes a partial response."""

    complete: ast.Criterion
    measure: ast.Criterion


@dataclass(frozen=True, slots=True)
class OutcomeParameters:
    """The parameters of the derivation; the defaults are the design of docs/demo-data.md."""

    time_points: tuple[int, ...] = (3, 12)
    visit_window_days: int = 45
    sjia: GroupRule = GroupRule(catalogue.get("acr_cid_2011"), catalogue.get("jadas10"))
    said: GroupRule = GroupRule(SAID_INACTIVE, ATTACKS_3M)
    improvement: float = 0.5  # partial response: improvement strictly greater than this fraction of baseline
    score_decimals: int = 6  # scores are rounded before the comparison (floating-point noise)
    carry_forward_on_inefficacy: bool = True

    def rule_for(self, group: str) -> GroupRule:
        rules = {"sjia": self.sjia, "said": self.said}
        if group not in rules:
            raise ValueError(f"no outcome rule for diagnosis group {group!r}; known: sjia, said")
        return rules[group]

    def definitions(self) -> tuple[ast.Criterion, ...]:
        """Every definition the derivation evaluates, without repeats."""
        found: dict[str, ast.Criterion] = {}
        for d in (
            self.sjia.complete,
            self.sjia.measure,
            self.said.complete,
            self.said.measure,
            ON_BIOLOGIC,
            AFEBRILE,
            CRP_NORMAL,
        ):
            found.setdefault(d.id, d)
        return tuple(found.values())

    def to_dict(self) -> dict[str, Any]:
        def rule(r: GroupRule) -> dict[str, str]:
            return {
                "complete": r.complete.id,
                "complete_hash": content_hash(r.complete),
                "measure": r.measure.id,
                "measure_hash": content_hash(r.measure),
            }

        return {
            "time_points_months": list(self.time_points),
            "month_days": MONTH_DAYS,
            "visit_window_days": self.visit_window_days,
            "sjia": rule(self.sjia),
            "said": rule(self.said),
            "improvement_greater_than": self.improvement,
            "exactly_at_threshold": "non-response",
            "score_decimals": self.score_decimals,
            "carry_forward_on_inefficacy": self.carry_forward_on_inefficacy,
        }


@dataclass(frozen=True, slots=True)
class Switch:
    """The index drug was stopped and another drug started in its place."""

    drug: str
    reason: str
    stop: date
    day: int  # days after the index date
    successor: str | None  # id of the course of ``drug`` that follows, if recorded
    because: Explanation


@dataclass(frozen=True, slots=True)
class TimepointOutcome:
    month: int
    nominal: date  # index + month × 30.4375 days
    when: date  # T: the scheduled or nearest assessment, else the nominal date
    visit: date | None  # the assessment at T (scheduled or nearest), whatever the response rule
    assessment: date | None  # where the response was judged (a pre-switch visit when carried forward)
    how: str
    response: Derived[Response]
    remission: Derived[Remission]
    on_index_drug: Derived[bool]
    switched: Switch | None  # the switch, when it happened before T


@dataclass(frozen=True, slots=True)
class PatientOutcomes:
    patient_id: str
    diagnosis: str
    group: str
    index_drug: str
    index_date: date
    timepoints: tuple[TimepointOutcome, ...]
    switch: Switch | None
    fever_resolution_days: Derived[int | None]
    crp_normal_days: Derived[int | None]
    treatment_emergent: Derived[tuple[AdverseEvent, ...]]
    serious_treatment_emergent: Derived[tuple[AdverseEvent, ...]]
    serious_in_follow_up: Derived[tuple[AdverseEvent, ...]]
    exposure_days: int  # on the index drug: to its stop, or to the end of follow-up while ongoing
    stopped: bool  # the index drug was stopped within follow-up (drug retention event)
    stop_reason: str | None
    assessments: tuple[date, ...] = field(default=())
    follow_up_assessment: date | None = None  # "after treatment": the last time point's assessment, else the last

    def at(self, month: int) -> TimepointOutcome:
        for t in self.timepoints:
            if t.month == month:
                return t
        raise KeyError(month)


# ----- the derivation ------------------------------------------------------------


def derive_all(selection: CohortSelection, params: OutcomeParameters | None = None) -> tuple[PatientOutcomes, ...]:
    """:func:`derive` for every member, in patient-id order."""
    chosen = params or OutcomeParameters()
    return tuple(derive(m, chosen) for m in selection.members)


def derive(member: Member, params: OutcomeParameters | None = None) -> PatientOutcomes:
    """Every outcome of one cohort member."""
    p = params or OutcomeParameters()
    record, course = member.record, member.index_course
    rule = p.rule_for(member.group)
    visits = assessments(record)
    switch = _switch(record, member)
    timepoints = tuple(
        _timepoint(record, member, rule, p, month=month, visits=visits, switch=switch) for month in p.time_points
    )
    coverage = record.coverage()
    end = course.stop or (coverage[1] if coverage else member.index_date)
    stopped = course.stop is not None and (coverage is None or course.stop <= coverage[1])
    teae, serious_teae, serious_all = _adverse_events(record, member, end)
    last_visit = timepoints[-1].visit if timepoints else None
    after = last_visit if last_visit is not None else (visits[-1] if visits else None)
    return PatientOutcomes(
        patient_id=member.patient_id,
        diagnosis=member.diagnosis,
        group=member.group,
        index_drug=course.drug,
        index_date=member.index_date,
        timepoints=timepoints,
        switch=switch,
        fever_resolution_days=_first_day(record, member, end, AFEBRILE, "fever"),
        crp_normal_days=_first_day(record, member, end, CRP_NORMAL, "crp"),
        treatment_emergent=teae,
        serious_treatment_emergent=serious_teae,
        serious_in_follow_up=serious_all,
        exposure_days=(end - member.index_date).days,
        stopped=stopped,
        stop_reason=course.stop_reason.value if stopped and course.stop_reason else None,
        assessments=tuple(visits),
        follow_up_assessment=after,
    )


def assessments(record: PatientRecord) -> list[date]:
    """Days of assessments: visits (not admissions) with a physician global assessment."""
    visits = {e.date for e in record.encounters if e.kind is not EncounterKind.ADMISSION}
    return sorted({o.date for o in record.values("physician_global") if o.date in visits})


def time_point(
    record: PatientRecord, index_date: date, month: int, window_days: int, visits: list[date] | None = None
) -> tuple[date, date, date | None, str]:
    """(nominal date, T, the assessment at T or None, how it was found).

    The scheduled visit of that month (encounter ``kind: scheduled`` with
    ``month``) when there is one; otherwise the assessment nearest the nominal
    date within ``window_days`` (the earlier one on a tie); otherwise none, and
    T is the nominal date.
    """
    nominal = index_date + timedelta(days=round(month * MONTH_DAYS))
    scheduled = sorted(e.date for e in record.encounters if e.kind is EncounterKind.SCHEDULED and e.month == month)
    if scheduled:
        return nominal, scheduled[0], scheduled[0], "scheduled visit"
    found = [
        d for d in (visits if visits is not None else assessments(record)) if abs((d - nominal).days) <= window_days
    ]
    if found:
        nearest = min(found, key=lambda d: (abs((d - nominal).days), d))
        return nominal, nearest, nearest, "nearest assessment"
    return nominal, nominal, None, "no assessment"


def _timepoint(
    record: PatientRecord,
    member: Member,
    rule: GroupRule,
    p: OutcomeParameters,
    *,
    month: int,
    visits: list[date],
    switch: Switch | None,
) -> TimepointOutcome:
    course = member.index_course
    nominal, when, visit, how = time_point(record, member.index_date, month, p.visit_window_days, visits)
    day = visit
    carried = (
        p.carry_forward_on_inefficacy
        and course.stop_reason is StopReason.INEFFICACY
        and course.stop is not None
        and course.stop < when
    )
    prefix = ""
    if carried:
        assert course.stop is not None
        before = [d for d in visits if d <= course.stop]
        day = before[-1] if before else None
        how = "carried forward (switch for inefficacy)"
        prefix = (
            f"{course.drug} stopped for inefficacy on {course.stop.isoformat()}, before month {month}: the "
            f"response is that of the last assessment on or before the stop"
            + (f" ({day.isoformat()}). " if day else " (none recorded). ")
        )
    if day is None:
        response = Derived(
            Response.NOT_ASSESSED,
            Explanation(
                prefix
                + f"no assessment for month {month} (nominal {nominal.isoformat()}, window ±{p.visit_window_days} "
                "days)",
                (course_evidence(course),),
            ),
        )
    else:
        response = _response(record, rule, member.index_date, day, p=p, prefix=prefix)
    on_drug = Derived(
        course.active_on(when),
        Explanation(
            f"{course.drug} {'active' if course.active_on(when) else 'not active'} on {when.isoformat()}",
            (course_evidence(course),),
        ),
    )
    switched = switch if switch is not None and switch.stop < when else None
    return TimepointOutcome(
        month, nominal, when, visit, day, how, response, _remission(record, course, when, response), on_drug, switched
    )


def _response(
    record: PatientRecord, rule: GroupRule, index_date: date, day: date, *, p: OutcomeParameters, prefix: str
) -> Derived[Response]:
    complete = evaluate(rule.complete, record, day)
    uses = [InstrumentUse.of(complete)]
    evidence = list(complete.outcome.all_evidence())
    name = rule.complete.id
    if complete.truth is Truth.TRUE:
        text = f"{prefix}{name} met at the assessment of {day.isoformat()}: complete response"
        return Derived(Response.COMPLETE, Explanation(text, unique(evidence), tuple(uses)))
    improved, why, results = improvement(
        rule.measure, record, index_date, day, fraction=p.improvement, decimals=p.score_decimals
    )
    uses += [InstrumentUse.of(r) for r in results]
    for r in results:
        evidence += list(r.outcome.all_evidence())
    if complete.truth is Truth.UNKNOWN:
        unknowns = "; ".join(complete.decisive_unknowns) or "unknown items"
        text = (
            f"{prefix}{name} indeterminate at the assessment of {day.isoformat()} ({unknowns}); {why}: the "
            "response cannot be decided"
        )
        return Derived(Response.INDETERMINATE, Explanation(text, unique(evidence), tuple(uses)))
    failed = "; ".join(_failed_items(complete)) or "see the instrument result"
    head = f"{prefix}{name} not met at the assessment of {day.isoformat()} (items not met: {failed}); {why}"
    verdict = {Truth.TRUE: Response.PARTIAL, Truth.FALSE: Response.NON, Truth.UNKNOWN: Response.INDETERMINATE}
    words = {Truth.TRUE: "partial response", Truth.FALSE: "non-response", Truth.UNKNOWN: "undecided"}
    return Derived(verdict[improved], Explanation(f"{head}: {words[improved]}", unique(evidence), tuple(uses)))


def improvement(
    measure: ast.Criterion, record: PatientRecord, baseline: date, day: date, *, fraction: float, decimals: int = 6
) -> tuple[Truth, str, tuple[Result, ...]]:
    """Is the activity ``measure`` at ``day`` improved by strictly more than ``fraction`` of its value at ``baseline``?

    TRUE when ``current < (1 − fraction) × baseline`` for every value the (possibly
    bounded) scores allow, FALSE when it cannot hold, UNKNOWN otherwise. Exactly
    ``fraction`` is not an improvement of *more than* it. A baseline of 0 cannot
    improve. Scores are rounded to ``decimals`` first.
    """
    before = evaluate(measure, record, baseline)
    now = evaluate(measure, record, day)
    results = (before, now)
    if before.score is None or now.score is None:
        return Truth.UNKNOWN, f"{measure.id} not available at baseline or at the assessment", results
    base = Interval(round(before.score.low, decimals), round(before.score.high, decimals))
    current = Interval(round(now.score.low, decimals), round(now.score.high, decimals))
    keep = 1 - fraction
    shown = f"{measure.id} {_show(current)} at {day.isoformat()} vs {_show(base)} at baseline {baseline.isoformat()}"
    if base.high <= 0:
        return Truth.FALSE, f"{shown}: nothing to improve from", results
    if current.high < round(keep * base.low, decimals):
        truth = Truth.TRUE
    elif current.low >= round(keep * base.high, decimals):
        truth = Truth.FALSE
    else:
        truth = Truth.UNKNOWN
    change = ""
    if base.is_point and current.is_point:
        change = f", improvement {round((1 - current.low / base.low) * 100, 1):g}%"
    rel = {Truth.TRUE: ">", Truth.FALSE: "≤", Truth.UNKNOWN: "?"}[truth]
    return truth, f"{shown}{change} ({rel} {fraction:.0%} required for a partial response)", results


def _show(value: Interval) -> str:
    return f"{value.low:g}" if value.is_point else f"{value.low:g}–{value.high:g}"


def _failed_items(result: Result) -> list[str]:
    """Labels of the top-level items of a rule that are not met."""
    root = result.outcome.children[0]
    items = root.children or (root,)
    return [c.label for c in items if c.truth is Truth.FALSE]


def _remission(
    record: PatientRecord, course: MedicationCourse, when: date, response: Derived[Response]
) -> Derived[Remission]:
    if response.value is not Response.COMPLETE:
        return Derived(Remission.NONE, Explanation(f"no complete response ({response.value.value})"))
    on = evaluate(ON_BIOLOGIC, record, when)
    uses = (InstrumentUse.of(on),)
    evidence = on.outcome.all_evidence()
    if on.truth is Truth.TRUE:
        drugs = ", ".join(e.text for e in evidence)
        return Derived(
            Remission.ON,
            Explanation(
                f"complete response while on a biologic on {when.isoformat()} ({drugs}): remission on medication",
                evidence,
                uses,
            ),
        )
    if on.truth is Truth.UNKNOWN:
        return Derived(
            Remission.INDETERMINATE,
            Explanation(
                f"whether a biologic was taken on {when.isoformat()} is unknown (outside the record's coverage)",
                evidence,
                uses,
            ),
        )
    stopped = course.stop_reason is StopReason.REMISSION and course.stop is not None and course.stop < when
    if stopped:
        assert course.stop is not None
        return Derived(
            Remission.OFF,
            Explanation(
                f"complete response with no biologic on {when.isoformat()}; {course.drug} stopped for remission on "
                f"{course.stop.isoformat()}: remission off medication",
                (course_evidence(course),),
                uses,
            ),
        )
    return Derived(
        Remission.NONE,
        Explanation(
            f"complete response with no biologic on {when.isoformat()}, but {course.drug} was not stopped for "
            "remission: neither remission state of the design",
            (course_evidence(course),),
            uses,
        ),
    )


def _switch(record: PatientRecord, member: Member) -> Switch | None:
    course = member.index_course
    if course.switched_to is None or course.stop is None:
        return None
    successors = [c for c in record.courses_of(course.switched_to) if c.start >= course.stop]
    successor = min(successors, key=lambda c: c.start) if successors else None
    reason = course.stop_reason.value if course.stop_reason else "unknown"
    evidence = [course_evidence(course)] + ([course_evidence(successor)] if successor else [])
    text = (
        f"{course.drug} stopped on {course.stop.isoformat()} (day {(course.stop - course.start).days}) for "
        f"{reason.replace('_', ' ')} and switched to {course.switched_to}"
        + (f", started {successor.start.isoformat()}" if successor else " (no course of it recorded)")
    )
    return Switch(
        course.switched_to,
        reason,
        course.stop,
        (course.stop - member.index_date).days,
        successor.id if successor else None,
        Explanation(text, tuple(evidence)),
    )


def _first_day(
    record: PatientRecord, member: Member, end: date, definition: ast.Criterion, what: str
) -> Derived[int | None]:
    """Days from the index date to the first day after it, while on the index drug, on which
    ``definition`` is met; ``what`` is the finding kind or analyte whose recorded days are tried."""
    start = member.index_date
    first = start + timedelta(days=1)
    if what == "fever":
        at_start = evaluate(definition, record, start)
        if at_start.truth is not Truth.FALSE:
            return Derived(
                None,
                Explanation(
                    f"not recorded febrile on {start.isoformat()} (the start of {member.index_course.drug})",
                    at_start.outcome.all_evidence(),
                    (InstrumentUse.of(at_start),),
                ),
            )
        days = sorted({f.start for f in record.findings_of("fever", first, end) if f.start >= first})
    else:
        days = sorted({o.date for o in record.values(what, first, end)})
    for day in days:
        result = evaluate(definition, record, day)
        if result.truth is Truth.TRUE:
            n = (day - start).days
            return Derived(
                n,
                Explanation(
                    f"{definition.id} first met on {day.isoformat()}, day {n} of {member.index_course.drug}",
                    result.outcome.all_evidence(),
                    (InstrumentUse.of(result),),
                ),
            )
    return Derived(
        None,
        Explanation(
            f"{definition.id} not met on any of the {len(days)} day(s) with {what} recorded while on "
            f"{member.index_course.drug} ({first.isoformat()}..{end.isoformat()})",
            (course_evidence(member.index_course),),
        ),
    )


def _adverse_events(
    record: PatientRecord, member: Member, end: date
) -> tuple[Derived[tuple[AdverseEvent, ...]], Derived[tuple[AdverseEvent, ...]], Derived[tuple[AdverseEvent, ...]]]:
    """Treatment-emergent (onset from the first dose to the end of the treatment period), the serious ones
    among them, and every serious adverse event after the index date (whatever the treatment)."""
    start, drug = member.index_date, member.index_course.drug
    window = f"{start.isoformat()}..{end.isoformat()}"
    emergent = tuple(a for a in record.adverse_events if start <= a.onset <= end)
    serious = tuple(a for a in emergent if a.serious)
    later = tuple(a for a in record.adverse_events if a.onset >= start and a.serious)

    def explained(events: tuple[AdverseEvent, ...], text: str) -> Derived[tuple[AdverseEvent, ...]]:
        evidence: tuple[Evidence, ...] = tuple(adverse_event_evidence(a) for a in events)
        return Derived(events, Explanation(f"{len(events)} {text}", evidence))

    return (
        explained(emergent, f"adverse event(s) with onset while on {drug} ({window}; any relatedness)"),
        explained(serious, f"serious adverse event(s) with onset while on {drug} ({window})"),
        explained(later, f"serious adverse event(s) with onset from {start.isoformat()} (any treatment)"),
    )
