"""Three-valued (Kleene) truth that refuses to be used as a Python ``bool``.

Clinical criteria are evaluated on incomplete data. Treating "not measured" as
"normal" silently turns INDETERMINATE results into NOT_MET, which is the most
common defect of criteria calculators. ``Truth`` makes that impossible to do by
accident: ``if truth:`` raises ``TypeError`` (the pattern of ibis' ``Deferred``).

Ordering FALSE < UNKNOWN < TRUE gives Kleene logic directly: AND is ``min``, OR
is ``max`` and NOT mirrors the order. UNKNOWN maps to SQL NULL, whose AND/OR/NOT
follow the same tables, so the vectorised engine agrees by construction.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NoReturn


class Truth(enum.Enum):
    """A criterion result: ``TRUE`` (met), ``FALSE`` (not met) or ``UNKNOWN``
    (indeterminate: the missing data could change the result)."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def __and__(self, other: Truth) -> Truth:
        return Truth(min(self.value, other.value))

    def __or__(self, other: Truth) -> Truth:
        return Truth(max(self.value, other.value))

    def __invert__(self) -> Truth:
        return Truth(2 - self.value)

    def __bool__(self) -> NoReturn:
        raise TypeError(
            "Truth is three-valued; compare with Truth.TRUE / Truth.FALSE / "
            "Truth.UNKNOWN explicitly instead of using it as a bool"
        )

    @property
    def status(self) -> str:
        """The stable label used in JSON output and the UI."""
        return _STATUS[self]

    @classmethod
    def of(cls, value: bool | None) -> Truth:
        """Lift a Python ``bool`` (or ``None`` for unknown) into ``Truth``."""
        if value is None:
            return cls.UNKNOWN
        return cls.TRUE if value else cls.FALSE

    @classmethod
    def from_status(cls, status: str) -> Truth:
        for truth, label in _STATUS.items():
            if label == status:
                return truth
        raise ValueError(f"unknown status {status!r}; expected one of {sorted(_STATUS.values())}")

    def to_optional_bool(self) -> bool | None:
        """The SQL view of a truth value: ``None`` stands for NULL/UNKNOWN."""
        if self is Truth.UNKNOWN:
            return None
        return self is Truth.TRUE


_STATUS = {Truth.TRUE: "met", Truth.FALSE: "not_met", Truth.UNKNOWN: "indeterminate"}


def all_of(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction of any number of values (TRUE for none)."""
    unknown = False
    for value in values:
        if value is Truth.FALSE:
            return Truth.FALSE
        if value is Truth.UNKNOWN:
            unknown = True
    return Truth.UNKNOWN if unknown else Truth.TRUE


def any_of(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction of any number of values (FALSE for none)."""
    unknown = False
    for value in values:
        if value is Truth.TRUE:
            return Truth.TRUE
        if value is Truth.UNKNOWN:
            unknown = True
    return Truth.UNKNOWN if unknown else Truth.FALSE


def at_least(k: int, values: Iterable[Truth]) -> Truth:
    """TRUE if at least ``k`` are TRUE; FALSE if even counting every UNKNOWN as
    TRUE fewer than ``k`` could be; otherwise UNKNOWN."""
    met = unknown = 0
    for value in values:
        if value is Truth.TRUE:
            met += 1
        elif value is Truth.UNKNOWN:
            unknown += 1
    if met >= k:
        return Truth.TRUE
    if met + unknown < k:
        return Truth.FALSE
    return Truth.UNKNOWN
