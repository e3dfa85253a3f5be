"""Leaves over the measurement table: a reduced value, the latest value against
its reference range, whether a value exists, qualitative results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.materialise import backend_of
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
    if node.reduce in (ast.Reduce.LATEST, ast.Reduce.FIRST):
        picked = _pick_in_window(scope, node.analyte, node.window, latest=node.reduce is ast.Reduce.LATEST)
        return picked.select(*scope.keys, "low", "high", "low_closed", "high_closed")
    joined = spine.inner_join(m, cond).select(*scope.keys, "date", "seq", "low", "high", "low_closed", "high_closed")
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
    return _pick_in_window(scope, analyte, window, latest=True)


def _pick_in_window(scope: Scope, analyte: str, window: ast.Window, *, latest: bool) -> ir.Table:
    """The latest (or first) measurement of ``analyte`` in the window, per
    spine key: latest date, then latest ``seq`` (first: earliest of both).

    Ranking every joined (key, measurement) pair sorts the whole range join;
    instead one row per person and date is chosen first (a window over the
    measurements alone), the join carries dates only and keeps the latest
    (earliest) per key with a hash aggregate, and that date is joined back."""
    spine = scope.spine_keys()
    m = scope.facts["measurement"]
    m = m.filter(m.analyte == analyte)
    order = ibis.desc("seq") if latest else ibis.asc("seq")
    ranked = m.mutate(rn=ibis.row_number().over(group_by=["person_id", "date"], order_by=order))
    day = ranked.filter(ranked.rn == 0).select(
        "person_id", "date", "low", "high", "low_closed", "high_closed", "qualitative", "ref_low", "ref_high"
    )
    start, end = scope.window_bounds(spine, window)
    if _has_asof(m) and (latest or start is not None):
        return _pick_asof(scope, spine, day, start, end, latest=latest)
    dates = day.select(d_person="person_id", d_date="date")
    cond = [spine.person_id == dates.d_person, dates.d_date <= end]
    if start is not None:
        cond.append(dates.d_date >= start)
    joined = spine.inner_join(dates, cond).select(*scope.keys, "d_date")
    best = joined.group_by(scope.keys).aggregate(chosen=joined.d_date.max() if latest else joined.d_date.min())
    out = best.inner_join(day, [best.person_id == day.person_id, best.chosen == day.date])
    return out.select(
        *scope.keys, "date", "low", "high", "low_closed", "high_closed", "qualitative", "ref_low", "ref_high"
    )


_PICKED = ("low", "high", "low_closed", "high_closed", "qualitative", "ref_low", "ref_high")


def _has_asof(table: ir.Table) -> bool:
    """Whether the backend runs ``ASOF JOIN`` (DuckDB); others take the join-and-aggregate plan."""
    try:
        return getattr(backend_of(table), "name", None) == "duckdb"
    except Exception:
        return False


def _pick_asof(
    scope: Scope, spine: ir.Table, day: ir.Table, start: ir.DateValue | None, end: ir.DateValue, *, latest: bool
) -> ir.Table:
    """:func:`_pick_in_window` as one ASOF join: the latest measurement day on
    or before the window's end (first: the earliest on or after its start),
    kept when it also lies on the window's other side. DuckDB runs this as a
    merge per person, linear in the rows, where the range join pairs every
    spine day with every measurement of the person."""
    no_day = ibis.null("date")
    bounded = spine.mutate(w_start=no_day if start is None else start, w_end=end)
    right = day.rename(d_person="person_id", d_date="date")
    on = bounded.w_end >= right.d_date if latest else bounded.w_start <= right.d_date
    joined = bounded.asof_join(right, on, predicates=[bounded.person_id == right.d_person])
    inside = joined.d_date <= joined.w_end
    if start is not None:
        inside = inside & (joined.d_date >= joined.w_start)
    kept = joined.filter(inside.fill_null(False))
    return kept.select(*scope.keys, date=kept.d_date, **{c: kept[c] for c in _PICKED})


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
