"""Walking a definition tree: the children of any operator, every node once.

Shared by the interpreter, the decisive-unknown analysis, the renderer, the
static checks and the compiler, so that a new operator is taught to all of them
in one place.
"""

from __future__ import annotations

from collections import deque

from remit.rules import ast
from remit.rules.identity import by_identity

__all__ = ["children_of", "iter_nodes", "subtree_ids"]


def iter_nodes(node: ast.Node) -> list[ast.Node]:
    """Every node of a definition tree, parents first (shared nodes once)."""
    seen: dict[int, ast.Node] = {}
    stack: deque[ast.Node] = deque([node])
    while stack:
        current = stack.popleft()
        if id(current) in seen:
            continue
        seen[id(current)] = current
        stack.extend(children_of(current))
    return list(seen.values())


def children_of(node: ast.Node) -> list[ast.Node]:
    """The direct child nodes of any operator."""
    if isinstance(node, ast.AllOf | ast.AnyOf | ast.AtLeast):
        return list(node.items)
    if isinstance(node, ast.Not):
        return [node.item]
    if isinstance(node, ast.Compare):
        return [node.value]
    if isinstance(node, ast.Indicator | ast.Sustained):
        return [node.condition]
    if isinstance(node, ast.Arith):
        return list(node.args)
    if isinstance(node, ast.Change):
        return [node.current, node.reference]
    if isinstance(node, ast.Points):
        return [option.when for domain in node.domains for option in domain.options]
    if isinstance(node, ast.Bounded):
        return [node.value]
    return []


@by_identity(100_000)
def subtree_ids(node: ast.Node) -> frozenset[str]:
    """Ids of every node under ``node`` (itself included), memoised by the
    node's identity (:mod:`remit.rules.identity`)."""
    return frozenset(n.id for n in iter_nodes(node))
