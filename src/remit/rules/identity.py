"""Memoising a function of one immutable object by the object's identity.

The interpreter computes many things once per definition node (its compiled
closure, its children, its places in the tree) or once per fact of a record
(evidence texts, episode durations) and asks for them again in every
evaluation. Hashing those objects by value would walk whole subtrees; their
identity is enough, because they are immutable. The memo keeps the object
beside its value and checks ``is``: an ``id`` can be reused only once the
object is gone, which the memo prevents while the entry exists. It is
cleared when it holds more than ``limit`` entries, so a long-running process
evaluating many records does not grow without bound.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["by_identity"]


def by_identity(limit: int) -> Callable[[Callable[[K], V]], Callable[[K], V]]:
    """Decorate a function of one immutable argument with an identity memo of at most ``limit`` entries."""

    def decorate(compute: Callable[[K], V]) -> Callable[[K], V]:
        entries: dict[int, tuple[K, V]] = {}

        @functools.wraps(compute)
        def memoised(key: K) -> V:
            entry = entries.get(id(key))
            if entry is not None and entry[0] is key:
                return entry[1]
            value = compute(key)
            if len(entries) > limit:
                entries.clear()
            entries[id(key)] = (key, value)
            return value

        return memoised

    return decorate
