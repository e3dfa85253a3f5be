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
from dataclasses import dataclass
from typing import cast

from remit.core.intervals import Interval
from remit.core.truth import Truth
from remit.rules import ast
from remit.rules.folds import BOOLEAN, arith_fold, boolean_fold, compare_fold, domain_bounds, indicator_value
from remit.rules.identity import by_identity
from remit.rules.results import Outcome
from remit.rules.tree import children_of, iter_nodes, subtree_ids

__all__ = ["LEAF_TRUTHS", "decisive_unknowns", "refold", "walk_at_index"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

_DEFINITE = (TRUE, FALSE)

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


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a node sits: its parent, and for a points option the domain and option index."""

    parent: ast.Node
    index: int
    domain: int = -1


_LIMIT = 100_000


@by_identity(_LIMIT)
def _nodes(rule: ast.Node) -> tuple[ast.Node, ...]:
    """``iter_nodes(rule)``, memoised by the rule's identity (the analysis asks for every result)."""
    return tuple(iter_nodes(rule))


@by_identity(_LIMIT)
def _children(node: ast.Node) -> tuple[ast.Node, ...]:
    """``children_of(node)``, memoised by the node's identity."""
    return tuple(children_of(node))


@by_identity(_LIMIT)
def _places(rule: ast.Node) -> dict[str, list[_Place]]:
    """Every node's places in the tree (memoised by the rule's identity)."""
    places: dict[str, list[_Place]] = {}
    for node in _nodes(rule):
        if isinstance(node, ast.Points):
            for d, domain in enumerate(node.domains):
                for i, option in enumerate(domain.options):
                    places.setdefault(option.when.id, []).append(_Place(node, i, d))
        else:
            for i, child in enumerate(_children(node)):
                places.setdefault(child.id, []).append(_Place(node, i))
    return places


def refold(rule: ast.Node, forced_id: str, forced: Truth, outcomes: Mapping[str, Outcome]) -> Truth | None:
    """The rule's truth with node ``forced_id`` forced to ``forced``, re-folded from
    the cached outcomes up the leaf's one path to the root; None when the leaf
    occurs at several places or the path passes an operator this cannot re-fold."""
    places = _places(rule)
    current, truth = forced_id, forced
    while current != rule.id:
        found = places.get(current)
        if found is None:
            return None
        if len(found) != 1:  # a shared node: every place at once, from the root down
            return _refold_down(rule, forced_id, forced, outcomes)
        place = found[0]
        parent = place.parent
        if isinstance(parent, BOOLEAN):
            truths = [_cached(outcomes, c) for c in _children(parent)]
            truths[place.index] = truth
            if None in truths:
                return None
            truth = boolean_fold(parent, cast("list[Truth]", truths))
            current = parent.id
        elif isinstance(parent, ast.Points):
            score = _refold_points(parent, place, truth, outcomes)
            above = places.get(parent.id)
            if score is None or above is None or len(above) != 1 or not isinstance(above[0].parent, ast.Compare):
                return _refold_down(rule, forced_id, forced, outcomes)
            truth = compare_fold(above[0].parent, score)[0]
            current = above[0].parent.id
        else:
            return _refold_down(rule, forced_id, forced, outcomes)
    return truth


class _CannotTellError(Exception):
    """The path passes an operator the re-fold does not handle: run the real trial."""


def _refold_down(node: ast.Node, forced_id: str, forced: Truth, outcomes: Mapping[str, Outcome]) -> Truth | None:
    """The top-down re-fold: forces the node at every place it occurs (shared
    nodes) and re-folds truths and the values of scores, counts and arithmetic."""
    try:
        return _truth_down(node, forced_id, forced, outcomes)
    except _CannotTellError:
        return None


def _truth_down(node: ast.Node, forced_id: str, forced: Truth, outcomes: Mapping[str, Outcome]) -> Truth:
    if node.id == forced_id:
        return forced
    if forced_id not in subtree_ids(node):
        truth = _cached(outcomes, node)
        if truth is None:
            raise _CannotTellError
        return truth
    if isinstance(node, BOOLEAN):
        truths: list[Truth] = []
        for c in _children(node):
            if c.id != forced_id and forced_id not in subtree_ids(c):  # unchanged: its cached truth
                outcome = outcomes.get(c.id)
                if outcome is None or outcome.truth is None:
                    raise _CannotTellError
                truths.append(outcome.truth)
            else:
                truths.append(_truth_down(c, forced_id, forced, outcomes))
        return boolean_fold(node, truths)
    if isinstance(node, ast.Compare):
        value = _value_down(node.value, forced_id, forced, outcomes)
        return UNKNOWN if value is None else compare_fold(node, value)[0]
    raise _CannotTellError


def _value_down(node: ast.Node, forced_id: str, forced: Truth, outcomes: Mapping[str, Outcome]) -> Interval | None:
    if forced_id not in subtree_ids(node):
        outcome = outcomes.get(node.id)
        if outcome is None:
            raise _CannotTellError
        return outcome.value
    if isinstance(node, ast.Indicator):
        return indicator_value(_truth_down(node.condition, forced_id, forced, outcomes))
    if isinstance(node, ast.Arith):
        values = [_value_down(a, forced_id, forced, outcomes) for a in node.args]
        known = [v for v in values if v is not None]
        return arith_fold(node.op, known) if len(known) == len(values) else None
    if isinstance(node, ast.Bounded):
        value = _value_down(node.value, forced_id, forced, outcomes)
        return value if value is not None else Interval(node.low, node.high)
    if isinstance(node, ast.Points):
        low = high = 0.0
        for domain in node.domains:
            cached = outcomes.get(domain.id)
            if cached is not None and cached.value is not None and not _touches(domain, forced_id):
                bounds = cached.value
            else:
                truths = [_truth_down(o.when, forced_id, forced, outcomes) for o in domain.options]
                bounds = domain_bounds(domain, truths)
            low += bounds.low
            high += bounds.high
        return Interval(low, high)
    raise _CannotTellError


def _touches(domain: ast.Domain, forced_id: str) -> bool:
    """Whether the node lies under one of the domain's options."""
    return forced_id in _domain_ids(domain)


@by_identity(_LIMIT)
def _domain_ids(domain: ast.Domain) -> frozenset[str]:
    """Ids of every node under the domain's options (memoised by the domain's identity)."""
    return frozenset().union(*(subtree_ids(o.when) for o in domain.options))


def _cached(outcomes: Mapping[str, Outcome], node: ast.Node) -> Truth | None:
    outcome = outcomes.get(node.id)
    return outcome.truth if outcome is not None else None


def _refold_points(node: ast.Points, place: _Place, truth: Truth, outcomes: Mapping[str, Outcome]) -> Interval | None:
    """The score with one option's truth changed; the totals are summed in the
    interpreter's order, so the floating-point result is the same."""
    low = high = 0.0
    for d, domain in enumerate(node.domains):
        if d == place.domain:
            truths = [_cached(outcomes, o.when) for o in domain.options]
            truths[place.index] = truth
            bounds = domain_bounds(domain, truths)
        else:
            cached = outcomes.get(domain.id)
            if cached is None or cached.value is None:
                return None
            bounds = cached.value
        low += bounds.low
        high += bounds.high
    return Interval(low, high)


def candidates(rule: ast.Node, outcomes: Mapping[str, Outcome]) -> set[str]:
    """Unknown truth leaves that might be decisive, in one pass from the root.

    For each node the pass carries the set of its values (MET, NOT MET) that
    would make the root definite, given the truths its siblings have; through a
    Boolean operator that set is exact, so a leaf whose set is empty cannot be
    decisive. Below any other operator, or below a node met at several places,
    the pass cannot tell, and the leaf is a candidate.
    """
    found: set[str] = set()
    seen: dict[str, int] = {}

    def visit(node: ast.Node, wanted: frozenset[Truth] | None) -> None:
        seen[node.id] = seen.get(node.id, 0) + 1
        truth = _cached(outcomes, node)
        if isinstance(node, LEAF_TRUTHS) and truth is UNKNOWN and (wanted is None or wanted):
            found.add(node.id)
        if isinstance(node, ast.Sustained):
            return
        children = _children(node)
        if wanted is None or not isinstance(node, BOOLEAN):
            for child in children:
                visit(child, None)
            return
        truths = [_cached(outcomes, c) for c in children]
        for i, child in enumerate(children):
            if truths[i] is TRUE or truths[i] is FALSE:
                continue  # Kleene folds are monotone: nothing below a definite child can change it
            others = truths[:i] + truths[i + 1 :]
            if None in others:
                visit(child, None)
                continue
            wants = frozenset(
                v for v in _DEFINITE if boolean_fold(node, cast("list[Truth]", [*others[:i], v, *others[i:]])) in wanted
            )
            visit(child, wants)

    visit(rule, frozenset(_DEFINITE))
    for node in _nodes(rule):
        if seen.get(node.id, 0) > 1:
            found.update(n.id for n in _nodes(node) if isinstance(n, LEAF_TRUTHS) and _cached(outcomes, n) is UNKNOWN)
    return found


def decisive_unknowns(rule: ast.Node, root: Outcome, trial: Trial, *, use_refold: bool = True) -> tuple[str, ...]:
    """The messages for every unknown leaf whose forcing makes the rule definite.

    ``use_refold=False`` runs the full trial for every leaf (the reference the
    re-fold is tested against).
    """
    if root.truth is not UNKNOWN:
        return ()
    nodes = {n.id: n for n in _nodes(rule)}
    at_index = walk_at_index(root)
    outcomes = {o.node_id: o for o in at_index}
    messages: list[str] = []
    maybe = candidates(rule, outcomes) if use_refold else None
    for outcome in at_index:
        node = nodes.get(outcome.node_id)
        if node is None or not isinstance(node, LEAF_TRUTHS) or outcome.truth is not UNKNOWN:
            continue
        if maybe is not None and node.id not in maybe:
            continue
        effects = []
        for forced, word in ((TRUE, "met"), (FALSE, "not met")):
            result = refold(rule, node.id, forced, outcomes) if use_refold else None
            if result is None:
                result = trial(node.id, forced)
            if result is not UNKNOWN and result is not None:
                effects.append(f"if {word}, the result would be {result.status.upper().replace('_', ' ')}")
        if effects:
            reason = f" ({outcome.note})" if outcome.note else ""
            message = f"{node.label}{reason}: {'; '.join(effects)}"
            if message not in messages:
                messages.append(message)
    return tuple(messages)
