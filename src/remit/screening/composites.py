"""Composite nodes as column expressions over their children's columns.

Compare, all/any/not/at-least, arithmetic, change, points, bounded and
indicator nodes are computed from columns their children already have in the
scope's wide table (:meth:`Scope.t` and :meth:`Scope.v`), level by level; a
leaf node's columns are those its builder joined onto the spine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.sql_intervals import (
    _NULL_BOOL,
    V,
    _all,
    _any,
    _arith,
    _cases,
    _lit,
    _one_if,
    _percent_change,
    compare,
)

if TYPE_CHECKING:
    from remit.screening.scope import Scope


def truth_expr(scope: Scope, node: ast.Node) -> ir.BooleanValue:
    if node.id in scope.leaves:
        cols = scope.leaf_cols(node)
        if "when_absent" in cols:
            return _cases((cols["has_rows"].fill_null(False), cols["truth"]), else_=cols["when_absent"])
        return cols["truth"]
    if isinstance(node, ast.Compare):
        return compare(scope.v(node.value), node.op, node.threshold, boundary_conflict=node.boundary_conflict)
    if isinstance(node, ast.AllOf):
        return _all([scope.t(i) for i in node.items])
    if isinstance(node, ast.AnyOf):
        return _any([scope.t(i) for i in node.items])
    if isinstance(node, ast.Not):
        return ~scope.t(node.item)
    if isinstance(node, ast.AtLeast):
        items = [scope.t(i) for i in node.items]
        met = sum((_one_if(i) for i in items), ibis.literal(0))
        unknown = sum((_one_if(i.isnull()) for i in items), ibis.literal(0))
        return _cases((met >= node.k, True), (met + unknown < node.k, False), else_=_NULL_BOOL)
    raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover


def value_expr(scope: Scope, node: ast.Node) -> V:
    if node.id in scope.leaves:
        cols = scope.leaf_cols(node)
        lc = cols.get("low_closed", ibis.literal(True))
        hc = cols.get("high_closed", ibis.literal(True))
        return V(cols["low"], cols["high"], lc.fill_null(True), hc.fill_null(True))
    if isinstance(node, ast.Const):
        return V(_lit(node.value), _lit(node.value), ibis.literal(True), ibis.literal(True))
    if isinstance(node, ast.Indicator):
        t = scope.t(node.condition)
        return V(
            _cases((t, _lit(1.0)), else_=_lit(0.0)),
            _cases((t == False, _lit(0.0)), else_=_lit(1.0)),  # noqa: E712
            ibis.literal(True),
            ibis.literal(True),
        )
    if isinstance(node, ast.Arith):
        return _arith(node.op, [scope.v(a) for a in node.args])
    if isinstance(node, ast.Change):
        return _percent_change(scope.v(node.current), scope.v(node.reference))
    if isinstance(node, ast.Points):
        return _points(scope, node)
    if isinstance(node, ast.Bounded):
        inner = scope.v(node.value)
        known = inner.low.notnull()
        return V(
            inner.low.fill_null(node.low),
            inner.high.fill_null(node.high),
            _cases((known, inner.lc), else_=True),
            _cases((known, inner.hc), else_=True),
        )
    raise TypeError(f"cannot compile {type(node).__name__}")  # pragma: no cover


def _points(scope: Scope, node: ast.Points) -> V:
    low: Any = _lit(0.0)
    high: Any = _lit(0.0)
    for domain in node.domains:
        lows = [
            _cases((scope.t(o.when) == True, _lit(o.points)), else_=_lit(0.0))  # noqa: E712
            for o in domain.options
        ]
        highs = [
            _cases((scope.t(o.when) == False, _lit(0.0)), else_=_lit(o.points))  # noqa: E712
            for o in domain.options
        ]
        low = low + ibis.greatest(_lit(0.0), *lows)
        high = high + ibis.greatest(_lit(0.0), *highs)
    return V(low, high, ibis.literal(True), ibis.literal(True))
