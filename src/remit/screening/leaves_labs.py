"""Leaves over the measurement table: a reduced value, the latest value against
its reference range, whether a value exists, qualitative results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.sql_intervals import _NULL_BOOL, _NULL_FLOAT, _cases, _one_if

if TYPE_CHECKING:
    from remit.screening.scope import Scope


def measure(scope: Scope, node: ast.Measure) -> ir.Table:
    spine = scope.spine_keys()
    m = scope.facts["measurement"]
    m = m.filter(m.analyte == node.analyte)
    start, end = scope.window_bounds(spine, node.window)
    cond = [spine.person_id == m.person_id, m.date <= end]
    if start is not None:
        cond.append(m.date >= start)
    joined = spine.inner_join(m, cond).select(*scope.keys, "date", "seq", "low", "high", "low_closed", "high_closed")
    if node.reduce in (ast.Reduce.LATEST, ast.Reduce.FIRST):
        order = [ibis.desc("date"), ibis.desc("seq")] if node.reduce is ast.Reduce.LATEST else ["date", "seq"]
        ranked = joined.mutate(rn=ibis.row_number().over(group_by=scope.keys, order_by=order))
        return ranked.filter(ranked.rn == 0).select(*scope.keys, "low", "high", "low_closed", "high_closed")
    maximum = node.reduce is ast.Reduce.MAX
    w = ibis.window(group_by=scope.keys)
    ext = joined.mutate(
        best_low=(joined.low.max() if maximum else joined.low.min()).over(w),
        best_high=(joined.high.max() if maximum else joined.high.min()).over(w),
    )
    if maximum:
        lc_agg = _kleene_flag_all(ext, ext.low == ext.best_low, ext.low_closed)
        hc_agg = _kleene_flag_any(ext, ext.high == ext.best_high, ext.high_closed)
    else:
        lc_agg = _kleene_flag_any(ext, ext.low == ext.best_low, ext.low_closed)
        hc_agg = _kleene_flag_all(ext, ext.high == ext.best_high, ext.high_closed)
    return ext.group_by(scope.keys).aggregate(
        low=ext.best_low.max(), high=ext.best_high.max(), low_closed=lc_agg, high_closed=hc_agg
    )


def _kleene_flag_all(t: ir.Table, tied: ir.BooleanValue, flag: ir.BooleanValue) -> ir.BooleanValue:
    """all(flag) over the tied rows."""
    return (_cases((tied & ~flag, 1), else_=0)).sum() == 0


def _kleene_flag_any(t: ir.Table, tied: ir.BooleanValue, flag: ir.BooleanValue) -> ir.BooleanValue:
    return (_cases((tied & flag, 1), else_=0)).sum() > 0


def _latest_in_window(scope: Scope, analyte: str, window: ast.Window) -> ir.Table:
    """The latest measurement of ``analyte`` per spine key (the interpreter's
    ``rows[-1]``: latest date, then latest in record order)."""
    spine = scope.spine_keys()
    m = scope.facts["measurement"]
    m = m.filter(m.analyte == analyte)
    start, end = scope.window_bounds(spine, window)
    cond = [spine.person_id == m.person_id, m.date <= end]
    if start is not None:
        cond.append(m.date >= start)
    joined = spine.inner_join(m, cond).select(
        *scope.keys, "date", "seq", "low", "high", "low_closed", "high_closed", "qualitative", "ref_low", "ref_high"
    )
    ranked = joined.mutate(
        rn=ibis.row_number().over(group_by=scope.keys, order_by=[ibis.desc("date"), ibis.desc("seq")])
    )
    return ranked.filter(ranked.rn == 0)


def within_reference(scope: Scope, node: ast.WithinReference) -> ir.Table:
    latest = _latest_in_window(scope, node.analyte, node.window)
    judge_low = node.side in (ast.Side.BOTH, ast.Side.LOWER)
    judge_high = node.side in (ast.Side.BOTH, ast.Side.UPPER)
    q = latest.qualitative
    outside_q = ((q == "low") & ibis.literal(judge_low)) | ((q == "high") & ibis.literal(judge_high))
    low = latest.ref_low if judge_low else _NULL_FLOAT
    high = latest.ref_high if judge_high else _NULL_FLOAT
    inside = (low.isnull() | (latest.low >= low)) & (high.isnull() | (latest.high <= high))
    below = low.notnull() & ((latest.high < low) | ((latest.high == low) & ~latest.high_closed))
    above = high.notnull() & ((latest.low > high) | ((latest.low == high) & ~latest.low_closed))
    truth = _cases(
        (q.isin(["normal", "low", "high"]), ~outside_q),
        (low.isnull() & high.isnull(), _NULL_BOOL),
        (inside, True),
        (below.fill_null(False) | above.fill_null(False), False),
        else_=_NULL_BOOL,
    )
    return latest.select(*scope.keys, truth=truth)


def has_value(scope: Scope, node: ast.HasValue) -> ir.Table:
    spine = scope.spine_keys()
    latest = _latest_in_window(scope, node.analyte, node.window).select(*scope.keys).mutate(truth=True)
    base = scope.with_coverage(spine)
    start, end = scope.window_bounds(base, node.window)
    base = base.select(*scope.keys, when_absent=_cases((scope.covered(base, start, end), False), else_=_NULL_BOOL))
    out = base.left_join(latest, scope.keys).select(*scope.keys, "when_absent", "truth")
    return out.select(*scope.keys, truth=out.truth, has_rows=out.truth.notnull(), when_absent=out.when_absent)


def has_result(scope: Scope, node: ast.HasResult) -> ir.Table:
    spine = scope.spine_keys()
    m = scope.facts["measurement"]
    m = m.filter(m.analyte == node.analyte)
    start, end = scope.window_bounds(spine, node.window)
    cond = [spine.person_id == m.person_id, m.date <= end]
    if start is not None:
        cond.append(m.date >= start)
    joined = spine.inner_join(m, cond).select(*scope.keys, "date", "qualitative")
    wanted = [c.casefold() for c in node.categories]
    hit = joined.qualitative.isin(wanted).fill_null(False)
    agg = (
        joined.mutate(hit=hit, hit_date=_cases((hit, joined.date), else_=ibis.null().cast("date")))
        .group_by(scope.keys)
        .aggregate(
            n=ibis._.date.count(),
            hits=_one_if(ibis._.hit).sum(),
            first=ibis._.hit_date.min(),
            last=ibis._.hit_date.max(),
        )
    )
    span = agg["last"].delta(agg["first"], unit="day")
    truth = _cases(
        ((agg.hits >= node.min_count) & (span >= node.min_span_days), True),
        (agg.n >= node.min_count, False),
        else_=_NULL_BOOL,
    )
    return agg.select(*scope.keys, truth=truth, has_rows=ibis.literal(True), when_absent=_NULL_BOOL)
