"""Targets: a truth node or a catalogue criterion judged at the assessment dates of a window.

A target due by day *d* with window ``[d - before, d + after]`` is evaluated by
the criteria engine as of every date in the window on which something was
recorded, and as of the window's last day, never after ``today``:

* **met** at the first date it is met (the source's "defervesced within
  48 h" is a first-reach event);
* **missed** when the window has closed and the target is not met at the
  *last assessment* in the window: the last date with an encounter, a value
  or a finding. An earlier unknown date does not save it; a later unknown one
  does (then it is indeterminate);
* **indeterminate** when the window has closed and the record cannot tell;
  the evaluation resting on the most recorded evidence is shown, with the
  engine's decisive unknowns, and a date on which the target was met after
  the window is given as a note;
* **not yet assessable** while the window has not closed and the target is
  not met so far.

A :class:`~remit.protocols.model.Normalises` target is built per record: its
analytes are those with a value in the entry window that is not proven
normal there, each judged at its latest value in the target window with the
engine's ``WithinReference``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from remit import catalogue
from remit.core.analytes import analyte as analyte_spec
from remit.core.record import PatientRecord
from remit.core.truth import Truth
from remit.protocols.model import Basis, CriterionHolds, Normalises, Protocol, Target
from remit.protocols.results import TargetItem, TargetState, TargetStatus
from remit.protocols.timeline import assessment_dates, on_day
from remit.rules import ast
from remit.rules import builders as b
from remit.rules.interpret import Evidence, Result, evaluate

_Definition = Callable[[date], ast.Criterion]


@dataclass(frozen=True, slots=True)
class _Judged:
    on: date
    result: Result
    items: tuple[TargetItem, ...] = ()

    @property
    def truth(self) -> Truth:
        return self.result.truth

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self.result.outcome.all_evidence()


@dataclass(frozen=True, slots=True)
class _Scope:
    """One target on one record: its dates and how to build its definition as of a day."""

    record: PatientRecord
    target: Target
    start: date
    today: date
    window: tuple[date, date]
    due: date
    definition: _Definition
    items: tuple[TargetItem, ...] = ()

    def judge(self, day: date) -> _Judged:
        """Evaluate as of ``day``; day 0 is the baseline of response criteria (ACR Pedi)."""
        result = evaluate(self.definition(day), self.record, day, baseline_date=self.start)
        if not self.items:
            return _Judged(day, result)
        return _Judged(day, result, _item_outcomes(result, self.items))

    def day_of(self, day: date) -> int:
        return (day - self.start).days


def assess_target(
    record: PatientRecord, protocol: Protocol, target: Target, start: date | None, today: date
) -> TargetStatus:
    if start is None:
        return TargetStatus(target, TargetState.NOT_YET_ASSESSABLE, None, None, note="the start event is not on record")
    due = on_day(start, target.day)
    window = (on_day(start, target.day - target.window_before), on_day(start, target.day + target.window_after))
    if today < window[0]:
        return TargetStatus(
            target,
            TargetState.NOT_YET_ASSESSABLE,
            window,
            due,
            note=f"the window opens on {window[0].isoformat()} (day {target.day - target.window_before})",
        )
    check = target.check
    items: tuple[TargetItem, ...] = ()
    if isinstance(check, Normalises):
        items = _entry_states(record, protocol, target, check, start)
        if not any(i.judged for i in items):
            return _nothing_to_judge(target, window, due, items)
        definition = _normalised_by(protocol, target, check, items, window[0])
    elif isinstance(check, CriterionHolds):
        definition = _constant(catalogue.get(check.criterion))
    else:
        definition = _constant(_wrap(protocol, target, check.node))
    scope = _Scope(record, target, start, today, window, due, definition, items)
    judged = [scope.judge(day) for day in assessment_dates(record, window[0], min(window[1], today))]
    return _conclude(scope, judged)


def _constant(definition: ast.Criterion) -> _Definition:
    def build(_: date) -> ast.Criterion:
        return definition

    return build


def _wrap(protocol: Protocol, target: Target, node: ast.TruthNode) -> ast.Criterion:
    """A protocol target as a definition the engine can evaluate (it is
    protocol data, not a catalogue instrument)."""
    verified = target.source.basis is Basis.STATED
    return ast.Criterion(
        id=f"{protocol.id}.{target.id}",
        version=protocol.version,
        title=target.label,
        kind=ast.Kind.STATE,
        citation=protocol.citation,
        verification=ast.Verification.VERIFIED if verified else ast.Verification.UNVERIFIED,
        rule=node,
    )


def _item_outcomes(result: Result, items: tuple[TargetItem, ...]) -> tuple[TargetItem, ...]:
    """Per-analyte truth and evidence of a Normalises evaluation."""
    judged: list[TargetItem] = []
    for item in items:
        if not item.judged:
            judged.append(item)
            continue
        outcome = result.outcome.find(f"{result.definition.id}.{item.analyte}")
        judged.append(
            TargetItem(item.analyte, item.label, True, outcome.truth, outcome.evidence, outcome.note or item.note)
        )
    return tuple(judged)


def _conclude(scope: _Scope, judged: list[_Judged]) -> TargetStatus:
    target, window, today = scope.target, scope.window, scope.today
    base = TargetStatus(target, TargetState.NOT_YET_ASSESSABLE, window, scope.due, items=scope.items)
    met = next((j for j in judged if j.truth is Truth.TRUE), None)
    if met is not None:
        note = f"met on day {scope.day_of(met.on)} ({met.on.isoformat()})"
        return _with(base, TargetState.MET, met, met_on=met.on, note=note)
    if today < window[1]:
        last = judged[-1] if judged else None
        note = f"due by {window[1].isoformat()} (day {scope.day_of(window[1])}); not met as of {today}"
        return _with(base, TargetState.NOT_YET_ASSESSABLE, last, note=note)
    late = _met_later(scope)
    later = (
        ""
        if late is None
        else (f"; met later, on day {scope.day_of(late.on)} ({late.on.isoformat()}), after the window closed")
    )
    last = _last_assessment(scope, judged)
    if last is not None and last.truth is Truth.FALSE:
        note = f"not met at the last assessment in the window, day {scope.day_of(last.on)} ({last.on.isoformat()})"
        return _with(base, TargetState.MISSED, last, escalation=target.on_miss.text, note=note + later)
    unknown = [j for j in judged if j.truth is Truth.UNKNOWN]
    shown = max(unknown, key=lambda j: (len(j.evidence), j.on)) if unknown else None
    note = "the record does not show whether it was met in the window"
    if shown is not None:
        note += f" (evaluation shown: as of day {scope.day_of(shown.on)}, {shown.on.isoformat()})"
    return _with(base, TargetState.INDETERMINATE, shown, note=note + later)


def _last_assessment(scope: _Scope, judged: list[_Judged]) -> _Judged | None:
    """The evaluation at the last clinical assessment in the window: the last
    date with an encounter, a value or a finding (not a medication change)."""
    end = min(scope.window[1], scope.today)
    dates = assessment_dates(scope.record, scope.window[0], end, include_last=False, clinical_only=True)
    if not dates:
        return None
    return next((j for j in judged if j.on == dates[-1]), None)


def _with(
    base: TargetStatus,
    state: TargetState,
    judged: _Judged | None,
    *,
    note: str,
    met_on: date | None = None,
    escalation: str | None = None,
) -> TargetStatus:
    if judged is None:
        return TargetStatus(base.target, state, base.window, base.due, items=base.items, note=note)
    return TargetStatus(
        base.target,
        state,
        base.window,
        base.due,
        met_on=met_on,
        evidence=judged.evidence,
        decisive_unknowns=judged.result.decisive_unknowns,
        items=judged.items or base.items,
        note=note,
        escalation=escalation,
    )


def _met_later(scope: _Scope) -> _Judged | None:
    """The first date after the window on which the target is met (for a note)."""
    for day in assessment_dates(scope.record, scope.window[1] + timedelta(days=1), scope.today):
        judged = scope.judge(day)
        if judged.truth is Truth.TRUE:
            return judged
    return None


# ---------------------------------------------------------------- Normalises


def _normalised_by(
    protocol: Protocol, target: Target, check: Normalises, items: tuple[TargetItem, ...], opens: date
) -> _Definition:
    """As of a day: every judged analyte's latest value since the window opened is within its range."""
    judged = tuple(i.analyte for i in items if i.judged)

    def definition(day: date) -> ast.Criterion:
        days = (day - opens).days
        nodes = tuple(
            b.within_reference(f"{protocol.id}.{target.id}.{a}", a, days=days, side=check.side) for a in judged
        )
        return _wrap(protocol, target, ast.AllOf(f"{protocol.id}.{target.id}.all", target.label, nodes))

    return definition


def _entry_states(
    record: PatientRecord, protocol: Protocol, target: Target, check: Normalises, start: date
) -> tuple[TargetItem, ...]:
    """Which analytes the target judges: those with a value in the entry
    window that is not proven within its reference range."""
    nodes = tuple(
        b.within_reference(f"entry.{a}", a, days=check.entry_days_before, side=check.side) for a in check.analytes
    )
    entry_definition = _wrap(protocol, target, ast.AllOf("entry", "entry values", nodes))
    result = evaluate(entry_definition, record, start)
    states: dict[str, TargetItem] = {}
    for analyte in check.analytes:
        name = analyte_spec(analyte).name
        outcome = result.outcome.find(f"entry.{analyte}")
        if not record.values(analyte, start - timedelta(days=check.entry_days_before), start):
            states[analyte] = TargetItem(analyte, name, False, None, (), "not measured at entry")
        elif outcome.truth is Truth.TRUE:
            states[analyte] = TargetItem(
                analyte, name, False, None, outcome.evidence, "within the reference range at entry"
            )
        else:
            why = (
                "outside the reference range at entry"
                if outcome.truth is Truth.FALSE
                else (f"at entry, not provably within the reference range ({outcome.note})")
            )
            states[analyte] = TargetItem(analyte, name, True, None, outcome.evidence, why)
    return tuple(states[a] for a in check.analytes)


def _nothing_to_judge(
    target: Target, window: tuple[date, date], due: date, items: tuple[TargetItem, ...]
) -> TargetStatus:
    measured = [i for i in items if i.evidence]
    if measured:
        return TargetStatus(
            target,
            TargetState.NOT_APPLICABLE,
            window,
            due,
            items=items,
            note="every value recorded at entry was within its reference range: nothing to normalise",
        )
    names = ", ".join(i.label for i in items)
    return TargetStatus(
        target,
        TargetState.INDETERMINATE,
        window,
        due,
        items=items,
        note=f"no value at entry of {names}: the record cannot show a normalisation",
    )
