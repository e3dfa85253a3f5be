"""Targets: a truth node or a catalogue criterion judged at the assessment dates of a window.

A target due by day *d* with window ``[d - before, d + after]`` is evaluated by
the criteria engine as of every assessment date in the window (every date
with a recorded fact, and the window's last day), never after ``today``:

* **met** at the first date it is met;
* **missed** when the window has closed and it is not met at any date;
* **indeterminate** when the window has closed and the record cannot tell
  (the evaluation rests on the most recorded evidence is shown, with the
  engine's decisive unknowns); if the target is met later, the date is given
  as a note, outside the window;
* **not yet assessable** while the window has not closed and the target is
  not met so far.

A :class:`~remit.protocols.model.Normalises` target is built per record: its
analytes are those with a value in the entry window, each judged at its
latest value in the target window with the engine's ``WithinReference``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from remit import catalogue
from remit.core.analytes import analyte as analyte_spec
from remit.core.record import PatientRecord
from remit.core.truth import Truth
from remit.protocols.model import CriterionHolds, Holds, Normalises, Protocol, Target
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


def assess_target(
    record: PatientRecord, protocol: Protocol, target: Target, start: date | None, today: date
) -> TargetStatus:
    if start is None:
        return TargetStatus(target, TargetState.NOT_YET_ASSESSABLE, None, None,
                            note="the start event is not on record")
    due = on_day(start, target.day)
    window = (on_day(start, target.day - target.window_before), on_day(start, target.day + target.window_after))
    if today < window[0]:
        return TargetStatus(target, TargetState.NOT_YET_ASSESSABLE, window, due,
                            note=f"the window opens on {window[0].isoformat()} (day {target.day - target.window_before})")
    check = target.check
    items: tuple[TargetItem, ...] = ()
    if isinstance(check, Normalises):
        items, definition = _normalises(record, protocol, target, check, start, window[0])
        if not any(i.judged for i in items):
            return _nothing_to_judge(target, window, due, items)
    elif isinstance(check, CriterionHolds):
        criterion = catalogue.get(check.criterion)

        def definition(_: date) -> ast.Criterion:
            return criterion
    else:
        wrapped = _wrap(protocol, target, check.node)

        def definition(_: date) -> ast.Criterion:
            return wrapped

    dates = assessment_dates(record, window[0], min(window[1], today))
    judged = [_judge(record, definition, day, items, start) for day in dates]
    return _conclude(record, target, window, due, today, judged, definition, items, start)


def _wrap(protocol: Protocol, target: Target, node: ast.TruthNode) -> ast.Criterion:
    """A protocol target as a definition the engine can evaluate (it is
    protocol data, not a catalogue instrument)."""
    verified = target.source.basis.value == "stated"
    return ast.Criterion(
        id=f"{protocol.id}.{target.id}",
        version=protocol.version,
        title=target.label,
        kind=ast.Kind.STATE,
        citation=protocol.citation,
        verification=ast.Verification.VERIFIED if verified else ast.Verification.UNVERIFIED,
        rule=node,
    )


def _judge(
    record: PatientRecord, definition: _Definition, day: date, items: tuple[TargetItem, ...], start: date
) -> _Judged:
    """Evaluate as of ``day``; day 0 is the baseline of response criteria (ACR Pedi)."""
    result = evaluate(definition(day), record, day, baseline_date=start)
    if not items:
        return _Judged(day, result)
    return _Judged(day, result, _item_outcomes(result, items))


def _item_outcomes(result: Result, items: tuple[TargetItem, ...]) -> tuple[TargetItem, ...]:
    """Per-analyte truth and evidence of a Normalises evaluation."""
    judged: list[TargetItem] = []
    for item in items:
        if not item.judged:
            judged.append(item)
            continue
        outcome = result.outcome.find(f"{result.definition.id}.{item.analyte}")
        judged.append(TargetItem(item.analyte, item.label, True, outcome.truth, outcome.evidence,
                                 outcome.note or item.note))
    return tuple(judged)


def _conclude(
    record: PatientRecord, target: Target, window: tuple[date, date], due: date, today: date,
    judged: list[_Judged], definition: _Definition, items: tuple[TargetItem, ...], start: date,
) -> TargetStatus:
    met = next((j for j in judged if j.truth is Truth.TRUE), None)
    base = TargetStatus(target, TargetState.NOT_YET_ASSESSABLE, window, due, items=items)
    if met is not None:
        day = target.day - (due - met.on).days
        return _with(base, TargetState.MET, met, met_on=met.on, note=f"met on day {day} ({met.on.isoformat()})")
    closed = today >= window[1]
    if not closed:
        last = judged[-1] if judged else None
        note = f"due by {window[1].isoformat()} (day {target.day + target.window_after}); not met as of {today}"
        return _with(base, TargetState.NOT_YET_ASSESSABLE, last, note=note)
    if judged and all(j.truth is Truth.FALSE for j in judged):
        return _with(base, TargetState.MISSED, judged[-1], escalation=target.on_miss.text,
                     note=f"not met at any of {len(judged)} assessment date(s) in the window")
    unknown = [j for j in judged if j.truth is Truth.UNKNOWN]
    shown = max(unknown, key=lambda j: (len(j.evidence), j.on)) if unknown else None
    note = "the record does not show whether it was met in the window"
    late = _met_later(record, definition, items, window[1], today, start)
    if late is not None:
        day = target.day + target.window_after + (late.on - window[1]).days
        note += f"; met later, on day {day} ({late.on.isoformat()}), after the window closed"
    return _with(base, TargetState.INDETERMINATE, shown, note=note)


def _with(
    base: TargetStatus, state: TargetState, judged: _Judged | None, *, note: str,
    met_on: date | None = None, escalation: str | None = None,
) -> TargetStatus:
    if judged is None:
        return TargetStatus(base.target, state, base.window, base.due, items=base.items, note=note)
    return TargetStatus(
        base.target, state, base.window, base.due, met_on=met_on, evidence=judged.evidence,
        decisive_unknowns=judged.result.decisive_unknowns, items=judged.items or base.items,
        note=note, escalation=escalation,
    )


def _met_later(
    record: PatientRecord, definition: _Definition, items: tuple[TargetItem, ...], closed: date, today: date,
    start: date,
) -> _Judged | None:
    for day in assessment_dates(record, closed + timedelta(days=1), today):
        judged = _judge(record, definition, day, items, start)
        if judged.truth is Truth.TRUE:
            return judged
    return None


# ---------------------------------------------------------------- Normalises


def _normalises(
    record: PatientRecord, protocol: Protocol, target: Target, check: Normalises, start: date, opens: date
) -> tuple[tuple[TargetItem, ...], _Definition]:
    entry = _entry_states(record, protocol, target, check, start)
    judged = tuple(a for a in check.analytes if entry[a].judged)

    def definition(day: date) -> ast.Criterion:
        days = (day - opens).days
        nodes = tuple(b.within_reference(f"{protocol.id}.{target.id}.{a}", a, days=days, side=check.side)
                      for a in judged)
        return _wrap(protocol, target, ast.AllOf(f"{protocol.id}.{target.id}.all", target.label, nodes))

    return tuple(entry[a] for a in check.analytes), definition


def _entry_states(
    record: PatientRecord, protocol: Protocol, target: Target, check: Normalises, start: date
) -> dict[str, TargetItem]:
    """Which analytes the target judges: those with a value in the entry
    window that is not proven within its reference range."""
    nodes = tuple(b.within_reference(f"entry.{a}", a, days=check.entry_days_before, side=check.side)
                  for a in check.analytes)
    entry_definition = _wrap(protocol, target, ast.AllOf("entry", "entry values", nodes))
    result = evaluate(entry_definition, record, start)
    states: dict[str, TargetItem] = {}
    for analyte in check.analytes:
        name = analyte_spec(analyte).name
        outcome = result.outcome.find(f"entry.{analyte}")
        if not record.values(analyte, start - timedelta(days=check.entry_days_before), start):
            states[analyte] = TargetItem(analyte, name, False, None, (), "not measured at entry: not judged")
        elif outcome.truth is Truth.TRUE:
            states[analyte] = TargetItem(analyte, name, False, None, outcome.evidence,
                                         "within the reference range at entry: not judged")
        else:
            why = "outside the reference range at entry" if outcome.truth is Truth.FALSE else (
                f"at entry, not provably within the reference range ({outcome.note})")
            states[analyte] = TargetItem(analyte, name, True, None, outcome.evidence, why)
    return states


def _nothing_to_judge(
    target: Target, window: tuple[date, date], due: date, items: tuple[TargetItem, ...]
) -> TargetStatus:
    measured = [i for i in items if i.evidence]
    if measured:
        return TargetStatus(target, TargetState.NOT_APPLICABLE, window, due, items=items,
                            note="every value recorded at entry was within its reference range: nothing to normalise")
    names = ", ".join(i.label for i in items)
    return TargetStatus(target, TargetState.INDETERMINATE, window, due, items=items,
                        note=f"no value at entry of {names}: the record cannot show a normalisation")
