"""Leaves over episodes (counted attacks, with features, durations, attributes
and recurrence) and over the symptom diary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from remit.core.intervals import Op
from remit.rules import ast
from remit.screening.sql_intervals import INF, V, _all, _attribute_truth, _cases, _kleene_any, _lit, _one_if, compare

if TYPE_CHECKING:
    from remit.screening.scope import Scope


def count_episodes(scope: Scope, node: ast.CountEpisodes) -> ir.Table:
    spine = scope.spine_keys()
    e = scope.facts["episode"]
    e = e.filter(e.kind == node.kind.value)
    start, end = scope.window_bounds(spine, node.window)
    recurrence = node.recurrence_gap_days is not None
    cond = [spine.person_id == e.person_id, e.start <= end]
    if start is not None and not recurrence:  # recurrences look back at earlier episodes outside the window
        cond.append(e.start >= start)
    anchor = ["baseline_date"] if node.window.anchor is ast.Anchor.BASELINE else []
    joined = spine.inner_join(e, cond).select(*scope.keys, *anchor, "episode_id", "start", "end", "duration_hours")
    # Join every per-episode column first, then build the tests on the final relation
    # (an expression over an earlier relation cannot be projected from a later one).
    feats = scope.facts["episode_feature"]
    if node.features_any:
        have = (
            feats.filter(feats.feature.isin(list(node.features_any)))
            .group_by("episode_id")
            .aggregate(n_features=ibis._.feature.nunique())
        )
        joined = joined.left_join(have, "episode_id").select(*joined.columns, "n_features")
    if node.features_none:
        banned = (
            feats.filter(feats.feature.isin(list(node.features_none)))
            .select("episode_id")
            .distinct()
            .mutate(has_banned=ibis.literal(True))
        )
        joined = joined.left_join(banned, "episode_id").select(*joined.columns, "has_banned")
    attrs = scope.facts["episode_attribute"]
    for i, test in enumerate(node.attributes):
        a = attrs.filter(attrs.name == test.name).select("episode_id", **{f"t{i}": "text", f"n{i}": "num"})
        joined = joined.left_join(a, "episode_id").select(*joined.columns, f"t{i}", f"n{i}")
    tests: list[Any] = []
    if node.features_any:
        tests.append(joined.n_features.fill_null(0) >= node.features_min)
    if node.features_none:
        tests.append(~joined.has_banned.fill_null(False))
    tests.extend(_duration_tests(joined, node))
    tests.extend(_attribute_truth(joined[f"t{i}"], joined[f"n{i}"], test) for i, test in enumerate(node.attributes))
    match = _all(tests) if tests else ibis.literal(True)
    counted = joined.mutate(match=match)
    if recurrence:
        counted = _recurrences(scope, node, counted)
        if start is not None:
            c_start, _ = scope.window_bounds(counted, node.window)
            counted = counted.filter(counted.start >= c_start)
    agg = counted.group_by(scope.keys).aggregate(
        definite=_one_if(ibis._.match == True).sum(),  # noqa: E712
        possible=_one_if(ibis._.match.isnull()).sum(),
    )
    base = scope.with_coverage(spine)
    b_start, b_end = scope.window_bounds(base, node.window)
    base = base.select(*scope.keys, covered=scope.covered(base, b_start, b_end))
    out = base.left_join(agg, scope.keys).select(*scope.keys, "covered", "definite", "possible")
    definite = out.definite.fill_null(0).cast("float64")
    possible = out.possible.fill_null(0).cast("float64")
    return out.select(
        *scope.keys, low=definite, high=_cases((out.covered.fill_null(False), definite + possible), else_=_lit(INF))
    )


def _duration_tests(joined: ir.Table, node: ast.CountEpisodes) -> list[ir.BooleanValue]:
    """``min_hours``/``max_hours`` on the episode's duration: ``duration_hours``, or
    whole-day dates as [(days - 1) x 24, days x 24] h, or unknown."""
    if node.min_hours is None and node.max_hours is None:
        return []
    days = joined.end.delta(joined.start, unit="day") + 1
    dates_low = ibis.greatest(days - 1, 0).cast("float64") * 24.0
    dates_high = days.cast("float64") * 24.0
    low = _cases(
        (joined.duration_hours.notnull(), joined.duration_hours), (joined.end.notnull(), dates_low), else_=_lit(0.0)
    )
    high = _cases(
        (joined.duration_hours.notnull(), joined.duration_hours), (joined.end.notnull(), dates_high), else_=_lit(INF)
    )
    span = V(low, high, ibis.literal(True), ibis.literal(True))
    tests = []
    if node.min_hours is not None:
        tests.append(compare(span, Op.GE, node.min_hours))
    if node.max_hours is not None:
        tests.append(compare(span, Op.LE, node.max_hours))
    return tests


def _recurrences(scope: Scope, node: ast.CountEpisodes, episodes: ir.Table) -> ir.Table:
    """SQL form of the interpreter's recurrence test: ``match`` becomes "matches,
    follows an earlier matching episode, and starts ``recurrence_gap_days``
    after every earlier episode ended" (self-join on earlier episodes)."""
    assert node.recurrence_gap_days is not None
    keys = scope.keys
    earlier = episodes.view().select(
        **{f"k_{k}": k for k in keys}, e_start="start", e_end="end", e_dur="duration_hours", e_match="match"
    )
    pairs = episodes.inner_join(
        earlier, [*(episodes[k] == earlier[f"k_{k}"] for k in keys), earlier.e_start < episodes.start]
    ).select(*episodes.columns, "e_start", "e_end", "e_dur", "e_match")
    since_start = pairs.start.delta(pairs.e_start, unit="day").cast("float64")
    after_end = pairs.start.delta(pairs.e_end, unit="day").cast("float64")
    gap_low = _cases(
        (pairs.e_end.notnull(), after_end), (pairs.e_dur.notnull(), since_start - pairs.e_dur / 24.0), else_=_lit(-INF)
    )
    gap_high = _cases(
        (pairs.e_end.notnull(), after_end), (pairs.e_dur.notnull(), since_start - pairs.e_dur / 24.0), else_=since_start
    )
    agg = (
        pairs.mutate(gap_low=gap_low, gap_high=gap_high)
        .group_by([*keys, "episode_id"])
        .aggregate(
            documented=_kleene_any(ibis._.e_match),
            gap_low=ibis._.gap_low.min(),
            gap_high=ibis._.gap_high.min(),
        )
    )
    out = episodes.left_join(agg, [*keys, "episode_id"]).select(*episodes.columns, "documented", "gap_low", "gap_high")
    gap = V(out.gap_low, out.gap_high, ibis.literal(True), ibis.literal(True))
    documented = _cases((out.gap_low.isnull(), False), else_=out.documented)
    recurrent = _all([out.match, documented, compare(gap, Op.GE, node.recurrence_gap_days)])
    return out.mutate(match=recurrent)


def diary_sum(scope: Scope, node: ast.DiarySum) -> ir.Table:
    spine = scope.spine_keys()
    start, end = scope.window_bounds(spine, node.window)
    if start is None:
        raise ValueError(f"{node.id}: a diary sum needs a bounded window")
    n_items = len(node.items)
    days = scope.facts["diary_day"]
    present = (
        spine.inner_join(days, [spine.person_id == days.person_id, days.date >= start, days.date <= end])
        .group_by(scope.keys)
        .aggregate(present=ibis._.date.nunique())
    )
    answers = scope.facts["diary_answer"]
    answers = answers.filter(answers.item.isin(list(node.items)))
    answered = (
        spine.inner_join(answers, [spine.person_id == answers.person_id, answers.date >= start, answers.date <= end])
        .group_by(scope.keys)
        .aggregate(answered=ibis._.item.count(), yes=_one_if(ibis._.answer).sum())
    )
    base = spine.mutate(total=end.delta(start, unit="day") + 1)
    out = base.left_join(present, scope.keys).select(*base.columns, "present")
    out = out.left_join(answered, scope.keys).select(*out.columns, "answered", "yes")
    yes = out.yes.fill_null(0)
    present_days = out.present.fill_null(0)
    answered_n = out.answered.fill_null(0)
    high = yes + (present_days * n_items - answered_n) + (out.total - present_days) * n_items
    return out.select(*scope.keys, low=yes.cast("float64"), high=high.cast("float64"))
