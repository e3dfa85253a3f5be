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

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


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
    children: tuple[Outcome, ...]
    if score_outcome is None:
        score, unit, children = None, None, (root,)
    else:
        score, unit, children = score_outcome.value, definition.score_unit, (root, score_outcome)
    # node_id, label, truth, value, unit, evidence, note, children (as remit.rules.composites builds them)
    outcome = tuple.__new__(
        Outcome, (definition.id, definition.title, root.truth, score, unit, (), root.note, children)
    )
    category, possible = _categorise(definition.bands, score)
    decisive = functools.partial(_decisive_unknowns, definition, ctx, root)
    return Result(definition, index_date, outcome, score, category, possible, decisive, baseline_date)


#: Categories by the bands (kept) and the score's value: scores are mostly
#: small numbers that recur from patient to patient and evaluation to evaluation.
_Category = tuple[str | None, tuple[str, ...]]
_CATEGORISED: dict[tuple[int, float, float, bool, bool], tuple[tuple[ast.Band, ...], _Category]] = {}


def _categorise(bands: tuple[ast.Band, ...], score: Interval | None) -> _Category:
    """The first band whose test is met names the category; when the score is
    an interval, every band it could fall in is listed and none is chosen
    (memoised by the bands' identity and the score's ends)."""
    if not bands or score is None:
        return None, ()
    key = (id(bands), score.low, score.high, score.low_closed, score.high_closed)
    found = _CATEGORISED.get(key)
    if found is not None and found[0] is bands:
        return found[1]
    category = _bands_met(bands, score)
    if len(_CATEGORISED) > 100_000:
        _CATEGORISED.clear()
    _CATEGORISED[key] = (bands, category)
    return category


def _bands_met(bands: tuple[ast.Band, ...], score: Interval) -> _Category:
    possible: list[str] = []
    for band in bands:
        truth = score.compare(band.op, band.threshold)
        if truth is TRUE and not possible:
            return band.label, (band.label,)
        if truth is not FALSE:
            possible.append(band.label)
            if truth is TRUE:
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
