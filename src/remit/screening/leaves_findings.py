"""Leaves over clinical findings: presence (with attribute filters and the
absence policy) and the longest run of a finding.

Both follow the interpreter's coverage rules (docs/architecture.md, "Missing data and coverage"): a
run is a lower bound, and present findings that fail an attribute filter do
not make the item NOT MET, when the record's coverage does not span the
window clipped to the start of the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.sql_intervals import _NULL_BOOL, INF, _all, _attribute_truth, _cases, _kleene_any, _lit, _one_if

if TYPE_CHECKING:
    from remit.screening.scope import Scope


def has_finding(scope: Scope, node: ast.HasFinding) -> ir.Table:
    spine = scope.spine_keys()
    f = scope.facts["finding"]
    f = f.filter(f.kind == node.kind)
    start, end = scope.window_bounds(spine, node.window)
    last_day = f.end.fill_null(f.start)
    cond = [spine.person_id == f.person_id, f.start <= end]
    if start is not None:
        cond.append(last_day >= start)
    joined = spine.inner_join(f, cond).select(*scope.keys, "finding_id", "present")
    attrs = scope.facts["finding_attribute"]
    for i, test in enumerate(node.attributes):
        a = attrs.filter(attrs.name == test.name).select("finding_id", **{f"t{i}": "text", f"n{i}": "num"})
        joined = joined.left_join(a, "finding_id").select(*joined.columns, f"t{i}", f"n{i}")
    truth: Any
    if node.attributes:
        tests = [_attribute_truth(joined[f"t{i}"], joined[f"n{i}"], t) for i, t in enumerate(node.attributes)]
        truth = _cases((joined.present, _all(tests)), else_=False)
    else:
        truth = joined.present
    agg = (
        joined.mutate(t=truth)
        .group_by(scope.keys)
        .aggregate(truth=_kleene_any(ibis._.t), n=ibis._.t.count(), n_absent=_one_if(~ibis._.present).sum())
    )
    return _with_absence(scope, spine, agg, node)


def _with_absence(scope: Scope, spine: ir.Table, agg: ir.Table, node: ast.HasFinding) -> ir.Table:
    """Rows for every spine key: found rows keep their truth; the others get
    the absence policy (FALSE only when coverage spans the window). With an
    attribute filter, findings all recorded present that all fail it give
    FALSE only when the record is complete over the window (clipped to the
    record's start): a qualifying one may lie outside the record."""
    base = scope.with_coverage(spine)
    if node.attributes:
        base = scope.with_record_start(base)
    start, end = scope.window_bounds(base, node.window)
    covered = scope.covered(base, start, end).fill_null(False)
    if node.absent is ast.Absent.FALSE_IF_COVERED:
        when_absent: Any = _cases((covered, False), else_=_NULL_BOOL)
    else:
        when_absent = _NULL_BOOL
    complete: Any = ibis.literal(True)
    if node.attributes:
        _, complete = scope.recorded_window(base, start, end)
    base = base.select(*scope.keys, when_absent=when_absent, complete=complete)
    joined = base.left_join(agg, scope.keys).select(*scope.keys, "when_absent", "complete", "truth", "n", "n_absent")
    truth = joined.truth
    if node.attributes:
        deferred = (truth == False) & (joined.n_absent == 0) & ~joined.complete  # noqa: E712
        truth = _cases((deferred, _NULL_BOOL), else_=truth)
    return joined.select(*scope.keys, truth=truth, has_rows=joined.n.notnull(), when_absent=joined.when_absent)


def run_length(scope: Scope, node: ast.RunLength) -> ir.Table:
    spine = scope.spine_keys()
    f = scope.facts["finding"]
    f = f.filter(f.kind == node.kind)
    start, end = scope.window_bounds(spine, node.window)
    last_day = f.end.fill_null(f.start)
    cond = [spine.person_id == f.person_id, f.start <= end]
    if start is not None:
        cond.append(last_day >= start)
    joined = spine.inner_join(f, cond).select(*scope.keys, "start", "present", "seq", last=last_day, window_end=end)
    order = ["start", "last", "seq"]
    w = ibis.window(group_by=scope.keys, order_by=order, preceding=None, following=0)
    runs = joined.mutate(run=_one_if(~joined.present).sum().over(w))
    present = runs.filter(runs.present)
    per_run = present.group_by([*scope.keys, "run"]).aggregate(
        first=present.start.min(), last=present["last"].max(), window_end=present.window_end.max()
    )
    lengths = per_run.mutate(
        length=ibis.least(per_run["last"], per_run.window_end).delta(per_run["first"], unit="day") + 1
    )
    best = lengths.group_by(scope.keys).aggregate(best=lengths.length.max())
    any_rows = joined.group_by(scope.keys).aggregate(n=joined.start.count())
    out = any_rows.left_join(best, scope.keys).select(*scope.keys, "best")
    # Where the record is incomplete over the window, a longer run may have gone
    # unrecorded: the upper bound is the window from the start of the record.
    out = out.left_join(spine, scope.keys).select(*out.columns, "baseline_date")
    out = scope.with_record_start(scope.with_coverage(out))
    w_start, w_end = scope.window_bounds(out, node.window)
    begin, complete = scope.recorded_window(out, w_start, w_end)
    value = out.best.fill_null(0).cast("float64")
    longest = (w_end.delta(begin, unit="day") + 1).cast("float64")
    high = _cases((complete, value), (begin.isnull(), _lit(INF)), else_=ibis.greatest(longest, value))
    return out.select(*scope.keys, low=value, high=high)
