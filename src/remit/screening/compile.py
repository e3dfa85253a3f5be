"""Compile a criteria definition to one ibis expression: the explanation matrix.

The output has one row per (person, index date) of the spine and one nullable
column per definition node - the same nodes, the same three-valued semantics
as :mod:`remit.rules.interpret`, with UNKNOWN as NULL. Value nodes give two
columns (``<id>__low``, ``<id>__high``, NULL when unknown) plus the openness of
each end. Every operator of :mod:`remit.rules.ast` is implemented once here,
and no instrument is named anywhere.

Design:

* **leaves** (measures, findings, conditions, medications, episodes, diary,
  genotype, age, sex) become aggregates over the fact tables, each keyed by the
  spine and left-joined onto it;
* **composites** (compare, all/any/not/at-least, arithmetic, points, change,
  indicator) are column expressions over that wide table;
* ``Sustained`` compiles its condition on a second spine of (person, index
  date, visit date) and folds it back.

Column names are node ids with ``.`` replaced by ``__`` (Spark reads dots as
struct access); :func:`column_name` gives the mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir

from remit.core.intervals import Op
from remit.rules import ast
from remit.screening.sql_intervals import (
    _NULL_BOOL,
    _NULL_FLOAT,
    INF,
    V,
    _all,
    _any,
    _arith,
    _attribute_truth,
    _cases,
    _kleene_any,
    _lit,
    _one_if,
    _percent_change,
    compare,
)


def column_name(node_id: str) -> str:
    return node_id.replace(".", "__")


# ---------------------------------------------------------------- the compiler


class Compiler:
    """Compiles definitions against one set of fact tables.

    ``facts`` maps the names of :data:`remit.screening.facts.SCHEMAS` to ibis
    tables on one backend. ``spine`` has ``person_id``, ``index_date`` and
    (nullable) ``baseline_date``.
    """

    def __init__(self, facts: dict[str, ir.Table]) -> None:
        self.facts = facts

    def compile(self, definition: ast.Criterion, spine: ir.Table) -> ir.Table:
        roots: list[ast.Node] = [definition.rule]
        if definition.score is not None:
            roots.append(definition.score)
        scope = _Scope(self, spine, ["person_id", "index_date"], "index_date")
        columns = scope.columns(roots)
        columns[column_name(definition.id)] = columns[column_name(definition.rule.id)]
        return scope.table.select("person_id", "index_date", **columns)


class _Scope:
    """One spine and the nodes compiled on it.

    Every node is materialised as columns of the wide table as soon as it is
    compiled (children first), and parents refer to those columns by name.
    Building parents from their children's *expressions* instead would copy
    each child into every place it is used and make the SQL grow exponentially
    with the depth of a score formula.
    """

    def __init__(self, compiler: Compiler, spine: ir.Table, keys: list[str], index: str) -> None:
        self.compiler = compiler
        self.facts = compiler.facts
        self.keys = keys
        self.index = index
        self.spine = spine
        self.table = spine
        self.leaves: dict[str, dict[str, str]] = {}
        self.done: set[str] = set()

    # ----- building

    def columns(self, roots: list[ast.Node]) -> dict[str, Any]:
        nodes: list[ast.Node] = []
        for root in roots:
            nodes.extend(n for n in _outside_sustained(root) if n.id not in {m.id for m in nodes})
        for node in nodes:
            if isinstance(node, _LEAVES) and node.id not in self.leaves:
                self._join_leaf(node)
        self._materialise(nodes)
        out: dict[str, Any] = {}
        for node in nodes:
            name = column_name(node.id)
            if isinstance(node, ast.TRUTH_NODES):
                out[name] = self.table[name]
            else:
                for suffix in ("low", "high", "low_closed", "high_closed"):
                    out[f"{name}__{suffix}"] = self.table[f"{name}__{suffix}"]
        return out

    def _join_leaf(self, node: ast.Node) -> None:
        builder = _LEAF_BUILDERS[type(node)]
        leaf: ir.Table = builder(self, node)
        prefix = f"leaf__{column_name(node.id)}"
        renamed = leaf.rename({f"{prefix}__{c}": c for c in leaf.columns if c not in self.keys})
        self.table = self.table.left_join(renamed, self.keys).select(
            *self.table.columns, *[c for c in renamed.columns if c not in self.keys]
        )
        self.leaves[node.id] = {c: f"{prefix}__{c}" for c in leaf.columns if c not in self.keys}

    def _materialise(self, nodes: list[ast.Node]) -> None:
        """Add every node's columns, one projection per tree level: a node's
        children are always on a lower level, so parents refer to columns
        that already exist (one projection per node would nest ~100 deep)."""
        from remit.rules.interpret import children_of

        height: dict[str, int] = {}

        def level(node: ast.Node) -> int:
            if node.id not in height:
                below = [] if node.id in self.leaves else [level(c) for c in children_of(node)]
                height[node.id] = 1 + max(below, default=-1)
            return height[node.id]

        for node in nodes:
            level(node)
        by_level: dict[int, list[ast.Node]] = {}
        for node in nodes:
            if node.id not in self.done:
                by_level.setdefault(height[node.id], []).append(node)
        for h in sorted(by_level):
            columns: dict[str, Any] = {}
            for node in by_level[h]:
                name = column_name(node.id)
                if isinstance(node, ast.TRUTH_NODES):
                    columns[name] = self._truth_expr(node)
                else:
                    v = self._value_expr(node)
                    columns.update(
                        {
                            f"{name}__low": v.low.cast("float64"),
                            f"{name}__high": v.high.cast("float64"),
                            f"{name}__low_closed": v.lc,
                            f"{name}__high_closed": v.hc,
                        }
                    )
                self.done.add(node.id)
            self.table = self.table.mutate(**columns)

    def t(self, node: ast.Node) -> ir.BooleanValue:
        """A materialised truth column of the current table."""
        return self.table[column_name(node.id)]

    def v(self, node: ast.Node) -> V:
        """A materialised interval of the current table."""
        name = column_name(node.id)
        return V(
            self.table[f"{name}__low"],
            self.table[f"{name}__high"],
            self.table[f"{name}__low_closed"],
            self.table[f"{name}__high_closed"],
        )

    def _leaf_cols(self, node: ast.Node) -> dict[str, Any]:
        return {name: self.table[column] for name, column in self.leaves[node.id].items()}

    # ----- windows

    def anchor(self, t: ir.Table, window: ast.Window) -> ir.DateValue:
        return t["baseline_date"] if window.anchor is ast.Anchor.BASELINE else t[self.index]

    def window_bounds(self, t: ir.Table, window: ast.Window) -> tuple[ir.DateValue | None, ir.DateValue]:
        anchor = self.anchor(t, window)
        start = None if window.days_before is None else anchor - ibis.interval(days=window.days_before)
        return start, anchor + ibis.interval(days=window.days_after)

    def spine_keys(self) -> ir.Table:
        """The spine alone (never the growing wide table: each leaf would
        otherwise embed every join made before it)."""
        cols = list(dict.fromkeys([*self.keys, "baseline_date"]))
        return self.spine.select(*cols).distinct()

    def covered(self, t: ir.Table, start: ir.DateValue | None, end: ir.DateValue) -> ir.BooleanValue:
        """Whether the person's data coverage spans ``start..end`` (t must hold
        the joined coverage columns ``cov_start``/``cov_end`` and ``life_start``).
        A whole-history window (no start) begins at the earliest possible date
        of birth; unknown birth is never covered."""
        if start is None:
            return ((t["cov_start"] <= t["life_start"]) & (t["cov_end"] >= end)).fill_null(False)
        return (t["cov_start"] <= start) & (t["cov_end"] >= end)

    def with_coverage(self, t: ir.Table) -> ir.Table:
        cov = self.facts["coverage"].rename(cov_start="start", cov_end="end")
        births = self.facts["person"].select("person_id", life_start="birth_low")
        t2 = t.left_join(cov, "person_id").select(*t.columns, "cov_start", "cov_end")
        return t2.left_join(births, "person_id").select(*t2.columns, "life_start")

    # ----- expressions (over materialised children)

    def _truth_expr(self, node: ast.Node) -> ir.BooleanValue:
        if node.id in self.leaves:
            cols = self._leaf_cols(node)
            if "when_absent" in cols:
                return _cases((cols["has_rows"].fill_null(False), cols["truth"]), else_=cols["when_absent"])
            return cols["truth"]
        if isinstance(node, ast.Compare):
            return compare(self.v(node.value), node.op, node.threshold, boundary_conflict=node.boundary_conflict)
        if isinstance(node, ast.AllOf):
            return _all([self.t(i) for i in node.items])
        if isinstance(node, ast.AnyOf):
            return _any([self.t(i) for i in node.items])
        if isinstance(node, ast.Not):
            return ~self.t(node.item)
        if isinstance(node, ast.AtLeast):
            items = [self.t(i) for i in node.items]
            met = sum((_one_if(i) for i in items), ibis.literal(0))
            unknown = sum((_one_if(i.isnull()) for i in items), ibis.literal(0))
            return _cases((met >= node.k, True), (met + unknown < node.k, False), else_=_NULL_BOOL)
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover

    def _value_expr(self, node: ast.Node) -> V:
        if node.id in self.leaves:
            cols = self._leaf_cols(node)
            lc = cols.get("low_closed", ibis.literal(True))
            hc = cols.get("high_closed", ibis.literal(True))
            return V(cols["low"], cols["high"], lc.fill_null(True), hc.fill_null(True))
        if isinstance(node, ast.Const):
            return V(_lit(node.value), _lit(node.value), ibis.literal(True), ibis.literal(True))
        if isinstance(node, ast.Indicator):
            t = self.t(node.condition)
            return V(
                _cases((t, _lit(1.0)), else_=_lit(0.0)),
                _cases((t == False, _lit(0.0)), else_=_lit(1.0)),  # noqa: E712
                ibis.literal(True),
                ibis.literal(True),
            )
        if isinstance(node, ast.Arith):
            return _arith(node.op, [self.v(a) for a in node.args])
        if isinstance(node, ast.Change):
            return _percent_change(self.v(node.current), self.v(node.reference))
        if isinstance(node, ast.Points):
            return self._points(node)
        if isinstance(node, ast.Bounded):
            inner = self.v(node.value)
            known = inner.low.notnull()
            return V(
                inner.low.fill_null(node.low),
                inner.high.fill_null(node.high),
                _cases((known, inner.lc), else_=True),
                _cases((known, inner.hc), else_=True),
            )
        raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover

    def _points(self, node: ast.Points) -> V:
        low: Any = _lit(0.0)
        high: Any = _lit(0.0)
        for domain in node.domains:
            lows = [
                _cases((self.t(o.when) == True, _lit(o.points)), else_=_lit(0.0))  # noqa: E712
                for o in domain.options
            ]
            highs = [
                _cases((self.t(o.when) == False, _lit(0.0)), else_=_lit(o.points))  # noqa: E712
                for o in domain.options
            ]
            low = low + ibis.greatest(_lit(0.0), *lows)
            high = high + ibis.greatest(_lit(0.0), *highs)
        return V(low, high, ibis.literal(True), ibis.literal(True))


def _outside_sustained(root: ast.Node) -> list[ast.Node]:
    """The nodes evaluated at the scope's own index date: a ``Sustained``
    node's condition is evaluated at visit dates, in its own scope."""
    from remit.rules.interpret import children_of

    found: list[ast.Node] = []
    stack = [root]
    while stack:
        node = stack.pop(0)
        if any(node is n for n in found):
            continue
        found.append(node)
        if not isinstance(node, ast.Sustained):
            stack.extend(children_of(node))
    return found


# ---------------------------------------------------------------- leaves

_LEAVES = (
    ast.Measure,
    ast.Age,
    ast.CountEpisodes,
    ast.DiarySum,
    ast.RunLength,
    ast.HasFinding,
    ast.HasCondition,
    ast.HasResult,
    ast.HasGenotype,
    ast.IsSex,
    ast.OnMedication,
    ast.Sustained,
    ast.WithinReference,
    ast.HasValue,
)


def _measure(scope: _Scope, node: ast.Measure) -> ir.Table:
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


def _latest_in_window(scope: _Scope, analyte: str, window: ast.Window) -> ir.Table:
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


def _within_reference(scope: _Scope, node: ast.WithinReference) -> ir.Table:
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


def _has_value(scope: _Scope, node: ast.HasValue) -> ir.Table:
    spine = scope.spine_keys()
    latest = _latest_in_window(scope, node.analyte, node.window).select(*scope.keys).mutate(truth=True)
    base = scope.with_coverage(spine)
    start, end = scope.window_bounds(base, node.window)
    base = base.select(*scope.keys, when_absent=_cases((scope.covered(base, start, end), False), else_=_NULL_BOOL))
    out = base.left_join(latest, scope.keys).select(*scope.keys, "when_absent", "truth")
    return out.select(*scope.keys, truth=out.truth, has_rows=out.truth.notnull(), when_absent=out.when_absent)


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


def _age(scope: _Scope, node: ast.Age) -> ir.Table:
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


def _has_finding(scope: _Scope, node: ast.HasFinding) -> ir.Table:
    spine = scope.spine_keys()
    f = scope.facts["finding"]
    f = f.filter(f.kind == node.kind)
    start, end = scope.window_bounds(spine, node.window)
    last_day = f.end.fill_null(f.start)
    cond = [spine.person_id == f.person_id, f.start <= end]
    if start is not None:
        cond.append(last_day >= start)
    joined = spine.inner_join(f, cond).select(*scope.keys, "finding_id", "present")
    truth: Any = joined.present
    attrs = scope.facts["finding_attribute"]
    for i, test in enumerate(node.attributes):
        a = attrs.filter(attrs.name == test.name).select("finding_id", **{f"t{i}": "text", f"n{i}": "num"})
        joined = joined.left_join(a, "finding_id").select(*joined.columns, f"t{i}", f"n{i}")
    if node.attributes:
        tests = [_attribute_truth(joined[f"t{i}"], joined[f"n{i}"], t) for i, t in enumerate(node.attributes)]
        truth = _cases((joined.present, _all(tests)), else_=False)
    else:
        truth = joined.present
    agg = joined.mutate(t=truth).group_by(scope.keys).aggregate(truth=_kleene_any(ibis._.t), n=ibis._.t.count())
    return _with_absence(scope, spine, agg, node.window, node.absent)


def _with_absence(scope: _Scope, spine: ir.Table, agg: ir.Table, window: ast.Window, absent: ast.Absent) -> ir.Table:
    """Rows for every spine key: found rows keep their truth; the others get
    the absence policy (FALSE only when coverage spans the window)."""
    base = scope.with_coverage(spine)
    start, end = scope.window_bounds(base, window)
    if absent is ast.Absent.FALSE_IF_COVERED:
        when_absent = _cases((scope.covered(base, start, end), False), else_=_NULL_BOOL)
    else:
        when_absent = _NULL_BOOL
    base = base.select(*scope.keys, when_absent=when_absent)
    joined = base.left_join(agg, scope.keys).select(*scope.keys, "when_absent", "truth", "n")
    return joined.select(*scope.keys, truth=joined.truth, has_rows=joined.n.notnull(), when_absent=joined.when_absent)


def _has_condition(scope: _Scope, node: ast.HasCondition) -> ir.Table:
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


def _has_result(scope: _Scope, node: ast.HasResult) -> ir.Table:
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


def _has_genotype(scope: _Scope, node: ast.HasGenotype) -> ir.Table:
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


def _is_sex(scope: _Scope, node: ast.IsSex) -> ir.Table:
    spine = scope.spine_keys()
    p = scope.facts["person"]
    joined = spine.inner_join(p, "person_id")
    truth = _cases((joined.sex.isin(["unknown", "other"]), _NULL_BOOL), else_=joined.sex == node.sex.value)
    return joined.select(*scope.keys, truth=truth)


def _on_medication(scope: _Scope, node: ast.OnMedication) -> ir.Table:
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


def _count_episodes(scope: _Scope, node: ast.CountEpisodes) -> ir.Table:
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


def _recurrences(scope: _Scope, node: ast.CountEpisodes, episodes: ir.Table) -> ir.Table:
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


def _diary_sum(scope: _Scope, node: ast.DiarySum) -> ir.Table:
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


def _run_length(scope: _Scope, node: ast.RunLength) -> ir.Table:
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
    value = out.best.fill_null(0).cast("float64")
    return out.select(*scope.keys, low=value, high=value)


def _sustained(scope: _Scope, node: ast.Sustained) -> ir.Table:
    spine = scope.spine_keys()
    enc = scope.facts["encounter"].select("person_id", visit="date").distinct()
    visits = spine.inner_join(enc, [spine.person_id == enc.person_id, enc.visit <= spine[scope.index]]).select(
        *spine.columns, "visit"
    )
    inner = _Scope(scope.compiler, visits, [*scope.keys, "visit"], "visit")
    column = inner.columns([node.condition])[column_name(node.condition.id)]
    judged = inner.table.select(*scope.keys, "visit", t=column)
    start = judged[scope.index] - ibis.interval(days=node.days)
    judged = judged.mutate(before=judged.visit <= start, start_date=start)
    last_before = judged.filter(judged.before).group_by(scope.keys).aggregate(anchor=ibis._.visit.max())
    judged = judged.left_join(last_before, scope.keys).select(*judged.columns, "anchor")
    counted = judged.filter((judged.visit == judged.anchor) | ~judged.before)
    agg = counted.group_by(scope.keys).aggregate(
        failed=_one_if(counted.t == False).sum(),  # noqa: E712
        unknown=_one_if(counted.t.isnull()).sum(),
        has_anchor=_one_if(counted.anchor.notnull()).max(),
    )
    truth = _cases(
        (agg.failed > 0, False), (agg.has_anchor == 0, _NULL_BOOL), (agg.unknown > 0, _NULL_BOOL), else_=True
    )
    return agg.select(*scope.keys, truth=truth, has_rows=ibis.literal(True), when_absent=_NULL_BOOL)


_LEAF_BUILDERS: dict[type, Callable[[Any, Any], ir.Table]] = {
    ast.Measure: _measure,
    ast.Age: _age,
    ast.HasFinding: _has_finding,
    ast.HasCondition: _has_condition,
    ast.HasResult: _has_result,
    ast.HasGenotype: _has_genotype,
    ast.IsSex: _is_sex,
    ast.OnMedication: _on_medication,
    ast.CountEpisodes: _count_episodes,
    ast.DiarySum: _diary_sum,
    ast.RunLength: _run_length,
    ast.Sustained: _sustained,
    ast.WithinReference: _within_reference,
    ast.HasValue: _has_value,
}
