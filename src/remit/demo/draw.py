"""A deterministic random source for the demo generators.

Python guarantees only two things about :mod:`random` across versions: how
``seed`` works and the stream of ``random()``. ``randint``, ``choice``,
``shuffle`` and ``gauss`` have changed between versions, so every draw here is
derived from ``random()`` alone. The same seed then gives the same cohort on
every Python remit supports, which is what lets a test compare the committed
case files with a fresh generation.

This is for synthetic demo data only; it is not a cryptographic source.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Draw:
    """Uniform, integer, normal, choice and shuffle draws from one seeded stream."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - synthetic demo data, not security

    def unit(self) -> float:
        """A float in [0, 1)."""
        return self._random.random()

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.unit()

    def integer(self, low: int, high: int) -> int:
        """An integer in ``low..high`` inclusive."""
        if high < low:
            raise ValueError(f"empty range {low}..{high}")
        return low + min(int(self.unit() * (high - low + 1)), high - low)

    def normal(self) -> float:
        """A standard normal draw (Box-Muller; one of the pair is discarded)."""
        u1 = 1.0 - self.unit()  # (0, 1]: log is finite
        u2 = self.unit()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def choice(self, items: Sequence[T]) -> T:
        if not items:
            raise ValueError("cannot choose from an empty sequence")
        return items[self.integer(0, len(items) - 1)]

    def chance(self, probability: float) -> bool:
        return self.unit() < probability

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A Fisher-Yates shuffled copy."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.integer(0, i)
            out[i], out[j] = out[j], out[i]
        return out
