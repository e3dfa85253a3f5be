"""Compiled operators over recorded values (labs, vital signs, scores):
``Measure``, ``WithinReference``, ``HasValue`` and ``HasResult`` (compiled
once per node, as in :mod:`remit.rules.composites`). The record's values are
indexed by analyte and date (``PatientRecord.values``), so each look-up is a
bisection, not a scan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from remit.core.analytes import analyte as analyte_spec
from remit.core.measurements import Qualitative
from remit.core.truth import Truth
from remit.rules import ast
from remit.rules.arithmetic import reduce_intervals
from remit.rules.context import Child, Context, MeasuredSeen, Run, window_bounds
from remit.rules.coverage import absence
from remit.rules.evidence import observation_evidence
from remit.rules.results import Evidence, Outcome

__all__ = ["COMPILERS"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

# Outcomes from their eight fields in order, as in remit.rules.composites.
_new = tuple.__new__


def _compile_measure(node: ast.Measure, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, analyte, reduce = node.id, node.label, node.analyte, node.reduce
    described = node.window.describe()
    none_note = f"no {label} recorded {described}"
    reduced = reduce.value

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        # Definitions ask for the same value over the same days many times
        # (65 Measure nodes, 22 different questions, in the catalogue).
        found = ctx.memo.measured.get((analyte, start, end, reduced))
        if found is None:
            found = ctx.memo.measured[analyte, start, end, reduced] = _measured(ctx, analyte, start, end, reduce)
        count, value, unit, evidence = found
        if not count:
            return Outcome(nid, label, unit=unit, note=none_note)
        note = None if count == 1 else f"{reduced} of {count} values {described}"
        return _new(Outcome, (nid, label, None, value, unit, evidence, note, ()))

    return run


def _measured(ctx: Context, analyte: str, start: date | None, end: date, reduce: ast.Reduce) -> MeasuredSeen:
    """The values of ``analyte`` in ``start..end`` reduced: how many, the reduced interval, its unit and evidence."""
    rows = ctx.record.values(analyte, start, end)
    unit = analyte_spec(analyte).canonical_unit
    if not rows:
        return 0, None, unit, ()
    evidence: tuple[Evidence, ...] = ()
    if reduce is ast.Reduce.LATEST:
        value = rows[-1].measurement.interval
        evidence = (observation_evidence(rows[-1]),)
    elif reduce is ast.Reduce.FIRST:
        value = rows[0].measurement.interval
        evidence = (observation_evidence(rows[0]),)
    else:
        maximum = reduce is ast.Reduce.MAX
        value = reduce_intervals([r.measurement.interval for r in rows], maximum=maximum)
        # The evidence is the latest value on the reduced edge (the max's
        # upper end, the min's lower end); none when that edge is NaN.
        best = value.high if maximum else value.low
        for r in reversed(rows):
            i = r.measurement.interval
            if (i.high if maximum else i.low) == best:
                evidence = (observation_evidence(r),)
                break
    return len(rows), value, unit, evidence


def _compile_within_reference(node: ast.WithinReference, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, analyte = node.id, node.label, node.analyte
    described = node.window.describe()
    judge_low = node.side in (ast.Side.BOTH, ast.Side.LOWER)
    judge_high = node.side in (ast.Side.BOTH, ast.Side.UPPER)

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        rows = ctx.record.values(analyte, start, end)
        if not rows:
            note = f"no {analyte_spec(analyte).name} recorded {described}"
            return Outcome(nid, label, UNKNOWN, note=note)
        obs = rows[-1]
        m = obs.measurement
        evidence = (observation_evidence(obs),)
        if m.qualitative in (Qualitative.NORMAL, Qualitative.LOW, Qualitative.HIGH):
            outside = (m.qualitative is Qualitative.LOW and judge_low) or (
                m.qualitative is Qualitative.HIGH and judge_high
            )
            note = f"reported {m.qualitative.value} by the laboratory"
            return Outcome(nid, label, Truth.of(not outside), evidence=evidence, note=note)
        ref = m.reference
        low = ref.low if ref is not None and judge_low else None
        high = ref.high if ref is not None and judge_high else None
        if low is None and high is None:
            return Outcome(nid, label, UNKNOWN, evidence=evidence, note="no reference range stored with the value")
        v = m.interval
        shown = (
            f"reference {'' if low is None else f'{low:g}'}-{'' if high is None else f'{high:g}'} {m.canonical_unit}"
        )
        inside = (low is None or v.low >= low) and (high is None or v.high <= high)
        below = low is not None and (v.high < low or (v.high == low and not v.high_closed))
        above = high is not None and (v.low > high or (v.low == high and not v.low_closed))
        truth = TRUE if inside else FALSE if below or above else UNKNOWN
        return Outcome(nid, label, truth, evidence=evidence, note=shown)

    return run


def _compile_has_value(node: ast.HasValue, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, analyte = node.id, node.label, node.analyte
    described = node.window.describe()

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        rows = ctx.record.values(analyte, start, end)
        if rows:
            return Outcome(nid, label, TRUE, evidence=(observation_evidence(rows[-1]),))
        truth, why = absence(ctx.record, ast.Absent.FALSE_IF_COVERED, start, end)
        return Outcome(nid, label, truth, note=f"{analyte_spec(analyte).name} {why} {described}")

    return run


def _compile_has_result(node: ast.HasResult, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, analyte = node.id, node.label, node.analyte
    min_count, min_span_days = node.min_count, node.min_span_days
    wanted = {c.casefold() for c in node.categories}
    categories = "/".join(node.categories)

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        rows = ctx.record.values(analyte, start, end)
        hits = [r for r in rows if r.measurement.qualitative is not None and r.measurement.qualitative.value in wanted]
        evidence = tuple(observation_evidence(r) for r in (hits or rows))
        if len(hits) >= min_count and (hits[-1].date - hits[0].date).days >= min_span_days:
            return Outcome(nid, label, TRUE, evidence=evidence)
        if len(rows) >= min_count:
            note = f"tested {len(rows)} time(s); {len(hits)} result(s) {categories}"
            return Outcome(nid, label, FALSE, evidence=evidence, note=note)
        note = f"tested {len(rows)} time(s); {min_count} needed to decide"
        return Outcome(nid, label, UNKNOWN, evidence=evidence, note=note)

    return run


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.Measure: _compile_measure,
    ast.WithinReference: _compile_within_reference,
    ast.HasValue: _compile_has_value,
    ast.HasResult: _compile_has_result,
}
