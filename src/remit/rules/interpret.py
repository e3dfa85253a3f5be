"""The per-patient interpreter: evaluates a definition for one record as of an
index date and explains every node with the evidence it used.

Pure: it reads a :class:`~remit.core.record.PatientRecord` and the dates it is
given; it never touches a database or a clock. Each definition is compiled
once into closures (:mod:`remit.rules.closures`; one module per operator
family), which this module runs; none of them knows any particular instrument.
"""

from __future__ import annotations

import functools
from datetime import date

from remit.core.intervals import Interval
from remit.core.record import PatientRecord
from remit.core.truth import Truth
from remit.errors import DefinitionError
from remit.rules import ast
from remit.rules.closures import compiled
from remit.rules.context import Context, Memo
from remit.rules.decisive import decisive_unknowns
from remit.rules.results import Evidence, Outcome, Result
from remit.rules.tree import children_of, iter_nodes

__all__ = ["Evidence", "Memo", "Outcome", "Result", "children_of", "evaluate", "iter_nodes"]


def evaluate(
    definition: ast.Criterion,
    record: PatientRecord,
    index_date: date,
    *,
    baseline_date: date | None = None,
    memo: Memo | None = None,
) -> Result:
    """Evaluate ``definition`` for ``record`` as of ``index_date``.

    ``baseline_date`` is required by response definitions (ACR Pedi) that
    compare with a baseline visit. ``memo`` shares outcomes with other
    evaluations of the same record and baseline.
    """
    if definition.needs_baseline and baseline_date is None:
        raise DefinitionError(f"{definition.id} compares with a baseline visit; give baseline_date")
    if memo is None:
        memo = Memo(record, baseline_date)
    elif memo.record is not record or memo.baseline != baseline_date:
        raise ValueError("a Memo is for one record and baseline date")
    ctx = Context(memo, index_date)
    root = compiled(definition.rule)(ctx)
    score_outcome = compiled(definition.score)(ctx) if definition.score is not None else None
    children = (root,) if score_outcome is None else (root, score_outcome)
    outcome = Outcome(
        node_id=definition.id,
        label=definition.title,
        truth=root.truth,
        value=score_outcome.value if score_outcome else None,
        unit=definition.score_unit if score_outcome else None,
        note=root.note,
        children=children,
    )
    score = score_outcome.value if score_outcome else None
    category, possible = _categorise(definition.bands, score)
    decisive = functools.partial(_decisive_unknowns, definition, ctx, root)
    return Result(definition, index_date, outcome, score, category, possible, decisive, baseline_date)


def _categorise(bands: tuple[ast.Band, ...], score: Interval | None) -> tuple[str | None, tuple[str, ...]]:
    """The first band whose test is met names the category; when the score is
    an interval, every band it could fall in is listed and none is chosen."""
    if not bands or score is None:
        return None, ()
    possible: list[str] = []
    for band in bands:
        truth = score.compare(band.op, band.threshold)
        if truth is Truth.TRUE and not possible:
            return band.label, (band.label,)
        if truth is not Truth.FALSE:
            possible.append(band.label)
            if truth is Truth.TRUE:
                break
    return None, tuple(possible)


def _decisive_unknowns(definition: ast.Criterion, ctx: Context, root: Outcome) -> tuple[str, ...]:
    """Unknown items whose resolution alone would make the result definite
    (:mod:`remit.rules.decisive`); each trial re-evaluates only the path from
    the forced leaf to the root, sharing every other subtree's outcome."""

    def trial(node_id: str, forced: Truth) -> Truth | None:
        context = Context(ctx.memo.for_trial(), ctx.index, {node_id: forced}, ctx.memo.cache)
        return compiled(definition.rule)(context).truth

    return decisive_unknowns(definition.rule, root, trial)
