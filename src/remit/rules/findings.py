"""Compiled operators over recorded findings, ``HasFinding`` and ``RunLength``,
and the attribute filters that findings and episodes share (compiled once per
node, as in :mod:`remit.rules.composites`)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from datetime import date
from typing import Any

from remit.core.intervals import Interval, Op
from remit.core.record import Finding, PatientRecord
from remit.core.truth import Truth
from remit.errors import DefinitionError
from remit.rules import ast
from remit.rules.context import Child, Context, FindingsSeen, Run, RunSeen, window_bounds
from remit.rules.coverage import absence, recorded_window
from remit.rules.evidence import finding_evidence
from remit.rules.results import Evidence, Outcome

__all__ = ["COMPILERS", "attribute_test"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

# Outcomes from their eight fields in order, as in remit.rules.composites.
_new = tuple.__new__

Attribute = str | int | float | bool | None

# For a point value x and threshold t: (is met, is not met). Both false only
# for NaN, which Interval.compare leaves UNKNOWN too.
_POINT_TESTS: dict[str, tuple[Callable[[float, float], bool], Callable[[float, float], bool]]] = {
    Op.GT.value: (operator.gt, operator.le),
    Op.GE.value: (operator.ge, operator.lt),
    Op.LT.value: (operator.lt, operator.ge),
    Op.LE.value: (operator.le, operator.gt),
}


def attribute_test(test: ast.AttributeTest) -> Callable[[Attribute], Truth]:
    """The filter ``test`` as a function of the attribute's recorded value:
    UNKNOWN when it is not recorded; text compared case-insensitively; a
    number compared with the threshold as a point interval (a value that is
    not a number, or a threshold that is not one, is UNKNOWN)."""
    expected = test.value
    if test.op == "==":
        wanted = str(expected).casefold()
        return lambda actual: UNKNOWN if actual is None else Truth.of(str(actual).casefold() == wanted)
    if test.op == "in" and isinstance(expected, tuple):
        members = {e.casefold() for e in expected}
        return lambda actual: UNKNOWN if actual is None else Truth.of(str(actual).casefold() in members)
    if test.op == "in":  # pragma: no cover - the static checks refuse it
        raise DefinitionError(f"attribute test {test.name!r}: 'in' needs a tuple of values")
    numeric = not isinstance(expected, tuple | str | bool)
    tests = _POINT_TESTS.get(test.op)

    def compare(actual: Attribute) -> Truth:
        if actual is None:
            return UNKNOWN
        if isinstance(actual, bool) or not isinstance(actual, int | float) or not numeric:
            return UNKNOWN
        assert not isinstance(expected, tuple | str | bool)
        if tests is None:  # not an operator: refused as the interval comparison would refuse it
            return Interval.point(float(actual)).compare(Op(test.op), float(expected))
        x, t = float(actual), float(expected)
        if tests[0](x, t):
            return TRUE
        return FALSE if tests[1](x, t) else UNKNOWN

    return compare


def _compile_has_finding(node: ast.HasFinding, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, kind, policy = node.id, node.label, node.kind, node.absent
    described = node.window.describe()
    incomplete_note = f"no qualifying {kind} on record, and the record does not cover {described}"
    tests = tuple((t.name, attribute_test(t)) for t in node.attributes)

    def judge(finding: Finding) -> Truth:
        if not finding.present:
            return FALSE
        truths = [test(finding.attribute(name)) for name, test in tests]
        # all_of, written out over the list (as remit.rules.composites folds)
        return FALSE if FALSE in truths else UNKNOWN if UNKNOWN in truths else TRUE

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        record = ctx.record
        if not tests:  # a present finding qualifies, an absent one does not
            seen = ctx.memo.findings.get((kind, start, end))
            if seen is None:
                seen = ctx.memo.findings[kind, start, end] = _seen(record.findings_of(kind, start, end))
            if not seen[0]:
                truth, why = absence(record, policy, start, end)
                return _new(Outcome, (nid, label, truth, None, None, (), f"{kind} {why} {described}", ()))
            return _new(Outcome, (nid, label, seen[1], None, None, seen[2], None, ()))
        records = record.findings_of(kind, start, end)
        if not records:
            truth, why = absence(record, policy, start, end)
            return Outcome(nid, label, truth, note=f"{kind} {why} {described}")
        note = None
        judged = [(f, judge(f)) for f in records]
        truths = [t for _, t in judged]
        truth = TRUE if TRUE in truths else UNKNOWN if UNKNOWN in truths else FALSE  # any_of
        if truth is FALSE and all(f.present for f in records) and not recorded_window(record, start, end)[1]:
            # Present findings that do not qualify (a "recurrent" MAS fever) say nothing of
            # the time the record does not cover, where a qualifying one may lie (the sJIA
            # onset before the first admission). A finding recorded absent still decides.
            truth = UNKNOWN
            note = incomplete_note
        used = [f for f, t in judged if t is truth] or [f for f, _ in judged]
        return Outcome(nid, label, truth, evidence=tuple([finding_evidence(f) for f in used]), note=note)

    return run


def _seen(records: tuple[Finding, ...]) -> FindingsSeen:
    """Whether any of the records is present, with the evidence of the present ones (all, when none is)."""
    present = [f for f in records if f.present]
    used = present or list(records)
    return records, TRUE if present else FALSE, tuple(map(finding_evidence, used))


def _compile_run_length(node: ast.RunLength, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, kind = node.id, node.label, node.kind
    none_note = f"no {kind} recorded {node.window.describe()}"

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        records = ctx.record.findings_of(kind, start, end)
        if not records:
            return Outcome(nid, label, unit="d", note=none_note)
        # Several definitions ask for the longest run of the same kind over the same days (fever in ILAR and PRINTO).
        found = ctx.memo.runs.get((kind, start, end))
        if found is None:
            found = ctx.memo.runs[kind, start, end] = _longest_run(ctx.record, records, start, end)
        value, evidence, note = found
        return _new(Outcome, (nid, label, None, value, "d", evidence, note, ()))

    return run


def _longest_run(record: PatientRecord, records: tuple[Finding, ...], start: date | None, end: date) -> RunSeen:
    """The longest run of present findings among ``records`` (overlapping or adjacent days), clipped to ``end``."""
    # A run is the present findings between two absent ones, in order of
    # (start, last day); it lasts from its first start to its latest last day.
    ordered = sorted(records, key=lambda f: (f.start, f.end or f.start))
    length = best_first = best_last = 0
    first = -1  # index of the current run's first finding, -1 after an absent one
    first_day = last_day = date.min
    for i, finding in enumerate(ordered):
        if not finding.present:
            first = -1
            continue
        day = finding.end or finding.start
        if first < 0:
            first, first_day, last_day = i, finding.start, day
        elif day > last_day:
            last_day = day
        days = ((last_day if last_day < end else end) - first_day).days + 1
        if days > length:
            length, best_first, best_last = days, first, i
    used = ordered[best_first : best_last + 1] if length else []
    evidence = tuple(
        [Evidence("finding", f.id, f.start, f"{f.kind} {f.start.isoformat()}..{f.last_day.isoformat()}") for f in used]
    )
    begin, complete = recorded_window(record, start, end)
    if complete:
        return Interval.point(float(length)), evidence, None
    # The record is incomplete over the window: a longer run may have gone unrecorded.
    longest = float((end - begin).days + 1) if begin is not None else math.inf
    note = "the record does not cover the whole window: a longer run may lie outside it"
    return Interval(float(length), max(longest, float(length))), evidence, note


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.HasFinding: _compile_has_finding,
    ast.RunLength: _compile_run_length,
}
