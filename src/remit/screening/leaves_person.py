"""Leaves about the person: age, sex, genotype, diagnoses, medication courses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.sql_intervals import _NULL_BOOL, _cases, _one_if

if TYPE_CHECKING:
    from remit.screening.scope import Scope


def _years_between(start: ir.DateValue, end: ir.DateValue) -> ir.FloatingValue:
    """Completed years plus the fraction of the current year of age (the
    interpreter's ``BirthDate.age_years``)."""
    whole = (end.year() - start.year()) - _cases(
        ((end.month() * 100 + end.day()) < (start.month() * 100 + start.day()), 1), else_=0
    )
    anniversary = start + whole.as_interval("Y")
    following = start + (whole + 1).as_interval("Y")
    fraction = end.delta(anniversary, unit="day").cast("float64") / following.delta(anniversary, unit="day")
    return whole.cast("float64") + fraction


def age(scope: Scope, node: ast.Age) -> ir.Table:
    spine = scope.spine_keys()
    person = scope.facts["person"]
    joined = spine.inner_join(person, "person_id")
    if node.condition is None:
        on = joined[scope.index]
        base = joined
    else:
        cond = scope.facts["condition"]
        onsets = (
            cond.filter((cond.condition == node.condition) & cond.onset.notnull())
            .group_by("person_id")
            .aggregate(onset=cond.onset.min())
        )
        base = joined.inner_join(onsets, "person_id")
        on = base.onset
    rows = base.filter(base.birth_low.notnull())
    on = rows[scope.index] if node.condition is None else rows.onset
    return rows.select(*scope.keys, low=_years_between(rows.birth_high, on), high=_years_between(rows.birth_low, on))


def has_condition(scope: Scope, node: ast.HasCondition) -> ir.Table:
    spine = scope.spine_keys()
    c = scope.facts["condition"]
    joined = spine.inner_join(c, spine.person_id == c.person_id)
    hit = (
        (joined.condition == node.condition)
        & (joined.status != "refuted")
        & (joined.onset.isnull() | (joined.onset <= joined[scope.index]))
    )
    agg = joined.mutate(hit=hit).group_by(scope.keys).aggregate(hits=_one_if(ibis._.hit).sum())
    if node.absent is ast.Absent.FALSE_IF_COVERED:
        otherwise: Any = False
    else:
        otherwise = _NULL_BOOL
    truth = _cases((agg.hits > 0, True), else_=otherwise)
    return agg.select(*scope.keys, truth=truth, has_rows=ibis.literal(True), when_absent=_NULL_BOOL)


def has_genotype(scope: Scope, node: ast.HasGenotype) -> ir.Table:
    spine = scope.spine_keys()
    g = scope.facts["genotype"]
    g = g.filter(g.gene.lower() == node.gene.casefold())
    joined = spine.inner_join(g, "person_id")
    wanted = [c.value for c in node.classes]
    agg = joined.group_by(scope.keys).aggregate(
        hits=_one_if(joined.classification.isin(wanted)).sum(),
        unknown=_one_if(joined.classification == "unknown").sum(),
    )
    agg = agg.select(
        *scope.keys,
        truth=_cases((agg.hits > 0, True), (agg.unknown > 0, _NULL_BOOL), else_=False),
        tested=ibis.literal(True),
    )
    # Genotypes carry no date: FALSE_IF_COVERED means "untested counts as not found".
    when_absent: Any = ibis.literal(False) if node.absent is ast.Absent.FALSE_IF_COVERED else _NULL_BOOL
    base = spine.select(*scope.keys, when_absent=when_absent)
    out = base.left_join(agg, scope.keys).select(*scope.keys, "when_absent", "truth", "tested")
    return out.select(*scope.keys, truth=out.truth, has_rows=out.tested.notnull(), when_absent=out.when_absent)


def is_sex(scope: Scope, node: ast.IsSex) -> ir.Table:
    spine = scope.spine_keys()
    p = scope.facts["person"]
    joined = spine.inner_join(p, "person_id")
    truth = _cases((joined.sex.isin(["unknown", "other"]), _NULL_BOOL), else_=joined.sex == node.sex.value)
    return joined.select(*scope.keys, truth=truth)


def on_medication(scope: Scope, node: ast.OnMedication) -> ir.Table:
    spine = scope.spine_keys()
    d = scope.facts["drug"]
    d = d.filter(d.drug.isin(list(node.drugs)))
    start, end = scope.window_bounds(spine, node.window)
    cond = [spine.person_id == d.person_id, d.start <= end]
    if start is not None:
        cond.append(d.stop.isnull() | (d.stop >= start))
    joined = spine.inner_join(d, cond)
    agg = joined.group_by(scope.keys).aggregate(n=joined.drug.count()).mutate(truth=ibis.literal(True))
    base = scope.with_coverage(spine)
    b_start, b_end = scope.window_bounds(base, node.window)
    covered = scope.covered(base, b_start if b_start is not None else b_end, b_end)
    base = base.select(*scope.keys, when_absent=_cases((covered, False), else_=_NULL_BOOL))
    out = base.left_join(agg, scope.keys).select(*scope.keys, "when_absent", "truth", "n")
    return out.select(*scope.keys, truth=out.truth, has_rows=out.n.notnull(), when_absent=out.when_absent)
