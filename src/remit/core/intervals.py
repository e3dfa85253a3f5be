"""Interval semantics for measured values.

A result is known only as precisely as it was reported. ``5`` is the point
[5, 5]; ``>2000`` is the open interval (2000, +inf); a platelet count reported
"low" against a reference interval starting at 150 is [0, 150). A threshold
comparison is TRUE when every value in the interval satisfies it, FALSE when
none does, and UNKNOWN otherwise. So ``ferritin >2000`` satisfies ``> 684`` but
is indeterminate for ``>= 3910`` - the sign is never dropped.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from remit.core.truth import Truth


class Op(enum.Enum):
    """Comparison operators, spelled as the sources print them."""

    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="

    @property
    def symbol(self) -> str:
        return {"<=": "≤", ">=": "≥"}.get(self.value, self.value)


@dataclass(frozen=True, slots=True)
class Interval:
    """A real interval with open or closed ends (``±inf`` allowed)."""

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"interval low {self.low} is above high {self.high}")

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(value, value)

    @classmethod
    def everything(cls) -> Interval:
        return cls(-math.inf, math.inf, False, False)

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    @property
    def is_unbounded(self) -> bool:
        return self.low == -math.inf and self.high == math.inf

    def compare(self, op: Op, threshold: float) -> Truth:
        """Does every value in the interval satisfy ``value <op> threshold``?"""
        lo, hi, t = self.low, self.high, threshold
        if op is Op.GT:
            if lo > t or (lo == t and not self.low_closed):
                return Truth.TRUE
            if hi <= t:
                return Truth.FALSE
        elif op is Op.GE:
            if lo >= t:
                return Truth.TRUE
            if hi < t or (hi == t and not self.high_closed):
                return Truth.FALSE
        elif op is Op.LT:
            if hi < t or (hi == t and not self.high_closed):
                return Truth.TRUE
            if lo >= t:
                return Truth.FALSE
        elif op is Op.LE:
            if hi <= t:
                return Truth.TRUE
            if lo > t or (lo == t and not self.low_closed):
                return Truth.FALSE
        return Truth.UNKNOWN

    def map(self, low: float, high: float) -> Interval:
        """The same openness with new (already converted) ends."""
        return Interval(low, high, self.low_closed, self.high_closed)

    def describe(self) -> str:
        if self.is_point:
            return f"{self.low:g}"
        if self.is_unbounded:
            return "unknown"
        if self.high == math.inf:
            return f"{'≥' if self.low_closed else '>'}{self.low:g}"
        if self.low == -math.inf:
            return f"{'≤' if self.high_closed else '<'}{self.high:g}"
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"{left}{self.low:g}, {self.high:g}{right}"
