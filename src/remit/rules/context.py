"""What one evaluation carries from node to node: the record, the index and
baseline dates, the outcome caches, and the forced truths of a decisive-unknown
trial; and the compiled closure type that reads it.

Kept apart from :mod:`remit.rules.closures` (which builds the closures) so that
the operator families (:mod:`remit.rules.composites`,
:mod:`remit.rules.observations` ...) can share it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from remit.core.intervals import Interval
from remit.core.record import Episode, Finding, PatientRecord
from remit.core.truth import Truth
from remit.errors import DefinitionError
from remit.rules import ast
from remit.rules.results import Evidence, Outcome
from remit.rules.tree import subtree_ids

__all__ = [
    "Child",
    "Context",
    "EpisodesSeen",
    "FindingsSeen",
    "MeasuredSeen",
    "Memo",
    "Run",
    "RunSeen",
    "window_bounds",
]

_NO_OVERRIDES: Mapping[str, Truth] = {}

#: Findings of a kind in a window: the records, whether any is present, and the
#: evidence of the present ones (or of all, when none is).
FindingsSeen = tuple[tuple[Finding, ...], Truth, tuple[Evidence, ...]]
#: The episodes of a kind up to a date, and their durations in hours as
#: closed intervals ``(low, high)``, by the episode's identity.
EpisodesSeen = tuple[tuple[Episode, ...], dict[int, tuple[float, float]]]
#: The longest run of a finding's kind over a window: its length in days
#: (an interval when the record is incomplete), the evidence and the note.
RunSeen = tuple[Interval, tuple[Evidence, ...], str | None]
#: The values of an analyte over a window, reduced: how many, the reduced
#: interval (None when there is none), the analyte's unit and the evidence.
MeasuredSeen = tuple[int, Interval | None, str, tuple[Evidence, ...]]


class Context:
    """One evaluation as of ``index``, over the outcomes already computed for
    the record (``memo``). A plain slotted class: ``Sustained`` makes one per
    judged visit, and every closure reads its attributes; the outcome caches
    of the date are looked up once here, so a node's cache key is its identity."""

    __slots__ = ("baseline", "index", "leaves", "memo", "outcomes", "overrides", "record", "shared", "shared_outcomes")

    def __init__(
        self,
        memo: Memo,
        index: date,
        overrides: Mapping[str, Truth] = _NO_OVERRIDES,
        shared: dict[date, dict[int, Outcome]] | None = None,
    ) -> None:
        self.memo = memo
        self.record = memo.record
        self.baseline = memo.baseline
        self.index = index
        self.overrides = overrides
        self.outcomes = memo.cache.setdefault(index, {})
        self.leaves = memo.leaf_cache.setdefault(index, {})
        # For decisive-unknown trials: results of subtrees that do not contain an
        # overridden node are shared with the main evaluation instead of recomputed.
        self.shared = shared
        self.shared_outcomes = None if shared is None else shared.setdefault(index, {})

    def at(self, index: date) -> Context:
        """The same evaluation as of another date (used by ``Sustained``)."""
        return Context(self.memo, index, self.overrides, self.shared)

    def clean(self, node: ast.Node) -> bool:
        """True when no overridden node lies in ``node``'s subtree."""
        if not self.overrides:
            return True
        return subtree_ids(node).isdisjoint(self.overrides)


#: A compiled node: evaluates it in a context.
Run = Callable[[Context], Outcome]
#: How an operator's compiler gets the compiled closure of a child node.
Child = Callable[[ast.Node], Run]


@dataclass
class Memo:
    """Outcomes already computed for one record and baseline, shared between the
    definitions evaluated together (``evaluate_all``): a subtree that two
    instruments embed as the same object - the ACR 2011 inactive-disease tree
    judged at every visit by both remission states - is evaluated once.

    The caches are keyed by the date evaluated as of, then by the node's
    identity; ``leaf_cache`` holds the leaves that no forced truth can change,
    which the decisive-unknown trials share."""

    record: PatientRecord
    baseline: date | None
    leaf_cache: dict[date, dict[int, Outcome]] = field(default_factory=dict)
    cache: dict[date, dict[int, Outcome]] = field(default_factory=dict)
    # The episodes of a kind that start on or before a date, asked for by
    # every episode count of every definition evaluated together.
    episodes: dict[tuple[str, date], EpisodesSeen] = field(default_factory=dict)
    # Findings of a kind in a window, judged present or absent with their
    # evidence: many definitions ask about the same kind over the same window.
    findings: dict[tuple[str, date | None, date], FindingsSeen] = field(default_factory=dict)
    # The longest run of a kind of finding over a window, likewise.
    runs: dict[tuple[str, date | None, date], RunSeen] = field(default_factory=dict)
    # The values of an analyte over a window, reduced (first, latest, max, min).
    measured: dict[tuple[str, date | None, date, str], MeasuredSeen] = field(default_factory=dict)

    def for_trial(self) -> Memo:
        """A memo for a decisive-unknown trial: the same record facts and pure
        leaves, and its own outcome cache (forced truths change the outcomes)."""
        return Memo(
            self.record, self.baseline, self.leaf_cache, {}, self.episodes, self.findings, self.runs, self.measured
        )


def window_bounds(window: ast.Window) -> Callable[[Context], tuple[date | None, date]]:
    """The window's first and last day in a context, with the day offsets
    turned into ``timedelta`` once (``days_before=None``: no first day)."""
    before = None if window.days_before is None else timedelta(days=window.days_before)
    after = timedelta(days=window.days_after)
    if window.anchor is ast.Anchor.BASELINE:

        def from_baseline(ctx: Context) -> tuple[date | None, date]:
            anchor = ctx.baseline
            if anchor is None:
                raise DefinitionError("this definition compares with a baseline visit; give baseline_date")
            return (None if before is None else anchor - before), anchor + after

        return from_baseline
    # Most windows end on the index date: no date arithmetic for that end.
    if before is None:
        return (lambda ctx: (None, ctx.index)) if not after else (lambda ctx: (None, ctx.index + after))
    if not after:
        return lambda ctx: (ctx.index - before, ctx.index)
    return lambda ctx: (ctx.index - before, ctx.index + after)
