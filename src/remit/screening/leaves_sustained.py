"""``Sustained``: a condition judged at every visit over a period, compiled in a
nested scope keyed by (person, index date, visit date) and folded back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from remit.rules import ast
from remit.screening.scope import column_name
from remit.screening.sql_intervals import _NULL_BOOL, _cases, _one_if

if TYPE_CHECKING:
    from remit.screening.scope import Scope


def sustained(scope: Scope, node: ast.Sustained) -> ir.Table:
    spine = scope.spine_keys()
    enc = scope.facts["encounter"].select("person_id", visit="date").distinct()
    visits = spine.inner_join(enc, [spine.person_id == enc.person_id, enc.visit <= spine[scope.index]]).select(
        *spine.columns, "visit"
    )
    inner = scope.nested(visits, [*scope.keys, "visit"], "visit")
    column = inner.columns([node.condition])[column_name(node.condition.id)]
    judged = inner.table.select(*scope.keys, "visit", t=column)
    start = (judged[scope.index] - ibis.interval(days=node.days)).cast("date")
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
