"""Decisive unknowns: the unknown items whose resolution alone would make an
indeterminate result definite ("AST not measured: if met, the result would be MET").

The definition is exact: an unknown truth leaf is forced to MET and to NOT MET
in turn, everywhere it occurs, and the rule is re-evaluated. The interpreter
supplies that re-evaluation (``trial``), which rebuilds the outcomes on the path
from the leaf to the root; an instrument can have dozens of unknown leaves, so
most of the questions are answered first by a cheaper re-fold over the truths
and scores already computed (:func:`refold`): through ``AllOf``, ``AnyOf``,
``AtLeast`` and ``Not``, and a comparison over a points score, it applies the
same folds as the interpreter (:mod:`remit.rules.folds`) to the cached truths of
every subtree that does not contain the leaf. Where the leaf lies below any
other operator (arithmetic, an indicator, a sustained state) the re-fold says
"cannot tell" and the real trial runs. ``tests/rules/test_decisive_refold.py``
checks on random patients that the answers equal the trials' for every
instrument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from remit.core.intervals import Interval
from remit.core.truth import Truth
from remit.rules import ast
from remit.rules.folds import BOOLEAN, boolean_fold, compare_fold, domain_bounds
from remit.rules.results import Outcome
from remit.rules.tree import iter_nodes, subtree_ids

__all__ = ["LEAF_TRUTHS", "decisive_unknowns", "refold", "walk_at_index"]

LEAF_TRUTHS = (
    ast.Compare,
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

#: The trial: force one node to a truth, re-evaluate the rule, return its truth.
Trial = Callable[[str, Truth], Truth | None]


def walk_at_index(outcome: Outcome) -> list[Outcome]:
    """Outcomes evaluated at the index date (not the per-visit evaluations
    inside ``Sustained``, whose ids carry ``@date``)."""
    found = [outcome]
    for child in outcome.children:
        if "@" not in child.node_id:
            found.extend(walk_at_index(child))
    return found


def refold(node: ast.Node, forced_id: str, forced: Truth, outcomes: Mapping[str, Outcome]) -> Truth | None:
    """The truth of ``node`` with node ``forced_id`` forced to ``forced``, from the
    cached outcomes; None when the path passes an operator this cannot re-fold."""
    if node.id == forced_id:
        return forced
    if forced_id not in subtree_ids(node):
        outcome = outcomes.get(node.id)
        return outcome.truth if outcome is not None else None
    if isinstance(node, BOOLEAN):
        children = node.items if not isinstance(node, ast.Not) else (node.item,)
        truths = []
        for child in children:
            truth = refold(child, forced_id, forced, outcomes)
            if truth is None:
                return None
            truths.append(truth)
        return boolean_fold(node, truths)
    if isinstance(node, ast.Compare) and isinstance(node.value, ast.Points):
        score = _refold_points(node.value, forced_id, forced, outcomes)
        return None if score is None else compare_fold(node, score)[0]
    return None


def _refold_points(node: ast.Points, forced_id: str, forced: Truth, outcomes: Mapping[str, Outcome]) -> Interval | None:
    low = high = 0.0
    for domain in node.domains:
        truths = []
        for option in domain.options:
            truth = refold(option.when, forced_id, forced, outcomes)
            if truth is None:
                return None
            truths.append(truth)
        bounds = domain_bounds(domain, truths)
        low += bounds.low
        high += bounds.high
    return Interval(low, high)


def decisive_unknowns(rule: ast.Node, root: Outcome, trial: Trial, *, use_refold: bool = True) -> tuple[str, ...]:
    """The messages for every unknown leaf whose forcing makes the rule definite.

    ``use_refold=False`` runs the full trial for every leaf (the reference the
    re-fold is tested against).
    """
    if root.truth is not Truth.UNKNOWN:
        return ()
    nodes = {n.id: n for n in iter_nodes(rule)}
    at_index = walk_at_index(root)
    outcomes = {o.node_id: o for o in at_index}
    messages: list[str] = []
    for outcome in at_index:
        node = nodes.get(outcome.node_id)
        if node is None or not isinstance(node, LEAF_TRUTHS) or outcome.truth is not Truth.UNKNOWN:
            continue
        effects = []
        for forced, word in ((Truth.TRUE, "met"), (Truth.FALSE, "not met")):
            result = refold(rule, node.id, forced, outcomes) if use_refold else None
            if result is None:
                result = trial(node.id, forced)
            if result is not Truth.UNKNOWN and result is not None:
                effects.append(f"if {word}, the result would be {result.status.upper().replace('_', ' ')}")
        if effects:
            reason = f" ({outcome.note})" if outcome.note else ""
            message = f"{node.label}{reason}: {'; '.join(effects)}"
            if message not in messages:
                messages.append(message)
    return tuple(messages)
