"""Definitions compiled once into trees of Python closures, which the
interpreter (:mod:`remit.rules.interpret`) runs for each patient.

Every operator family has a module with one ``compile_*`` function per
operator (:mod:`remit.rules.composites`, :mod:`remit.rules.scores`,
:mod:`remit.rules.observations`, :mod:`remit.rules.findings`,
:mod:`remit.rules.episodes`, :mod:`remit.rules.patient`); it binds the node's
constants, its window and its children's closures, and returns
``run(ctx) -> Outcome``. :func:`compiled` wraps each in the outcome cache
and the forced truths of the decisive-unknown trials, and memoises the result
by the node's identity, so a definition is compiled on its first evaluation
and a subtree shared by several definitions (the ACR 2011 tree in both
remission states) is compiled once.

Why: walking the definition for every evaluation (a type dispatch, a cache
key and a dozen attribute look-ups per node, the window arithmetic and the
note texts rebuilt each time) was most of the interpreter's cost once the
number of node evaluations had been cut (docs/benchmarks.md, "evaluate_all").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from remit.errors import DefinitionError
from remit.rules import ast, composites, episodes, findings, observations, patient, scores
from remit.rules.context import Child, Context, Run
from remit.rules.identity import by_identity
from remit.rules.results import Outcome

__all__ = ["compiled"]

_COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    **composites.COMPILERS,
    **scores.COMPILERS,
    **observations.COMPILERS,
    **findings.COMPILERS,
    **episodes.COMPILERS,
    **patient.COMPILERS,
}

#: Leaves whose outcome depends on the record and the date only (never on a
#: forced truth), cached apart so that decisive-unknown trials share them.
_PURE_LEAVES = (ast.Measure, ast.Age, ast.Const, ast.CountEpisodes, ast.DiarySum, ast.RunLength)


@by_identity(100_000)
def compiled(node: ast.Node) -> Run:
    """The closure that evaluates ``node`` (with its cache), compiled on first use."""
    compile_node = _COMPILERS.get(type(node))
    if compile_node is None:  # pragma: no cover - the operator set is closed
        raise DefinitionError(f"no evaluation for operator {type(node).__name__}")
    return _cached(node, compile_node(node, compiled))


def _cached(node: ast.Node, body: Run) -> Run:
    """``body`` behind the outcome cache of the evaluation, keyed by the node's
    identity (the context has the cache of its date); in a decisive-unknown
    trial, a forced node answers its forced truth, and subtrees without a
    forced node take the main evaluation's outcomes."""
    key = id(node)
    if isinstance(node, _PURE_LEAVES):  # value leaves: never forced

        def leaf(ctx: Context) -> Outcome:
            leaves = ctx.leaves
            outcome = leaves.get(key)
            if outcome is None:
                outcome = leaves[key] = body(ctx)
            return outcome

        return leaf

    node_id, label = node.id, node.label
    forceable = isinstance(node, ast.TRUTH_NODES)

    def run(ctx: Context) -> Outcome:
        cache = ctx.outcomes
        if ctx.overrides:
            if forceable and node_id in ctx.overrides:
                forced = ctx.overrides[node_id]
                return Outcome(node_id, label, forced, note="assumed for the decisive-unknown analysis")
            if ctx.shared_outcomes is not None and ctx.clean(node):
                cache = ctx.shared_outcomes
        outcome = cache.get(key)
        if outcome is None:
            outcome = cache[key] = body(ctx)
        return outcome

    return run
