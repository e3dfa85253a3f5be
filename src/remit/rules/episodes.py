"""Compiled operators over the patient's history of attacks and days:
``CountEpisodes`` (with the recurrence test) and ``DiarySum`` (compiled once
per node, as in :mod:`remit.rules.composites`).

An episode filter is compiled into a feature test over all the episodes at
once (the features rule out most attacks), then a function that checks the
duration and the attributes of each remaining episode and stops at the first
test that fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from remit.core.intervals import Interval, Op
from remit.core.record import DiaryDay, Episode
from remit.core.truth import Truth, all_of, any_of
from remit.errors import DefinitionError
from remit.rules import ast
from remit.rules.arithmetic import reduce_intervals
from remit.rules.context import Child, Context, EpisodesSeen, Run, window_bounds
from remit.rules.coverage import life_start
from remit.rules.evidence import episode_evidence
from remit.rules.findings import attribute_test
from remit.rules.identity import by_identity
from remit.rules.results import Evidence, Outcome

__all__ = ["COMPILERS"]

# Truth's members as module constants: ``Truth.TRUE`` is a look-up through the
# enum's metaclass (about 80 ns, four times a plain global), paid at every node.
TRUE, FALSE, UNKNOWN = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN

# Outcomes from their eight fields in order, as in remit.rules.composites.
_new = tuple.__new__

_DIARY_LIMIT = 200_000


@by_identity(200_000)
def _duration_hours(episode: Episode) -> tuple[float, float]:
    """The closed interval of the episode's duration in hours, memoised by the
    episode's identity (as evidence is, :mod:`remit.rules.evidence`): every
    timed count of every definition asks for it."""
    hours = episode.duration_hours
    span: tuple[float, float]
    if hours is not None:
        span = hours, hours
    elif episode.end is not None:
        # Whole-day dates: the duration lies between (days-1)*24 and days*24 hours.
        days = (episode.end - episode.start).days + 1
        span = max(days - 1, 0) * 24.0, days * 24.0
    else:
        span = 0, math.inf
    return span


def _episodes_seen(episodes: tuple[Episode, ...]) -> EpisodesSeen:
    """Episodes of a kind with their durations by identity, for every timed count of the evaluation."""
    return episodes, {id(e): _duration_hours(e) for e in episodes}


class _EpisodeFilter:
    """A node's filters compiled: :meth:`by_features` keeps the episodes whose
    features qualify (one comprehension over the episodes; the features rule
    out most attacks), and :meth:`rest` is the Kleene AND of the duration and
    attribute filters for one of them, stopping at the first that fails."""

    __slots__ = ("by_features", "rest", "unfiltered")

    def __init__(self, node: ast.CountEpisodes) -> None:
        self.by_features = _feature_filter(node)
        min_hours, max_hours = node.min_hours, node.max_hours
        timed = min_hours is not None or max_hours is not None
        tests = tuple((t.name, attribute_test(t)) for t in node.attributes)
        #: No duration or attribute filter: every episode kept by features matches.
        self.unfiltered = not timed and not tests

        def rest(episode: Episode, spans: Mapping[int, tuple[float, float]]) -> Truth:
            unknown = False
            if timed:
                # Interval.compare on the closed interval [low, high] of the duration
                # (``spans``: the durations of the episodes of the kind, by identity).
                low, high = spans[id(episode)]
                if min_hours is not None:
                    if high < min_hours:
                        return FALSE
                    unknown = not low >= min_hours
                if max_hours is not None:
                    if low > max_hours:
                        return FALSE
                    unknown = unknown or not high <= max_hours
            if tests and not episode.attributes:
                # Nothing recorded: every attribute test is UNKNOWN (attribute_test).
                return UNKNOWN
            for name, test in tests:
                truth = test(episode.attribute(name))
                if truth is FALSE:
                    return FALSE
                if truth is UNKNOWN:
                    unknown = True
            return UNKNOWN if unknown else TRUE

        self.rest = rest


def _feature_filter(node: ast.CountEpisodes) -> Callable[[Sequence[Episode]], list[Episode]]:
    """At least ``features_min`` of ``features_any`` and none of ``features_none``."""
    wanted, features_min = node.features_any, node.features_min
    unwanted = frozenset(node.features_none)
    # As sets, for C-level tests; a repeated feature in features_any counts
    # twice towards features_min, so then the count stays a count.
    wanted_set = frozenset(wanted) if len(set(wanted)) == len(wanted) else None

    def keep(episodes: Sequence[Episode]) -> list[Episode]:
        if not wanted:
            kept = list(episodes)
        elif wanted_set is None:
            kept = [e for e in episodes if sum(1 for f in wanted if f in e.features) >= features_min]
        elif features_min == 1:
            kept = [e for e in episodes if not wanted_set.isdisjoint(e.features)]
        else:
            kept = [e for e in episodes if len(wanted_set.intersection(e.features)) >= features_min]
        if unwanted:
            kept = [e for e in kept if unwanted.isdisjoint(e.features)]
        return kept

    return keep


def _gap_days(previous: Episode, episode: Episode) -> Interval:
    """Days from the end of ``previous`` to the start of ``episode`` (the
    symptom-free interval); unknown below when ``previous`` has no end."""
    if previous.end is not None:
        return Interval.point(float((episode.start - previous.end).days))
    if previous.duration_hours is not None:
        return Interval.point((episode.start - previous.start).days - previous.duration_hours / 24)
    return Interval(-math.inf, float((episode.start - previous.start).days))


def _recurrence(
    gap_days: int, episode: Episode, match: Truth, history: list[tuple[Episode, Truth]]
) -> tuple[Truth, str]:
    """Is ``episode`` a recurrence: it matches, an earlier matching episode is
    on record, and it starts ``gap_days`` after every earlier episode of the
    kind ended (the symptom-free interval is the shortest gap)."""
    earlier = [(e, m) for e, m in history if e.start < episode.start]
    if not earlier:
        return FALSE, "no earlier episode"
    gap = reduce_intervals([_gap_days(e, episode) for e, _ in earlier], maximum=False)
    truth = all_of((match, any_of(m for _, m in earlier), gap.compare(Op.GE, gap_days)))
    return truth, f"symptom-free interval {gap.describe()} days"


def _compile_count_episodes(node: ast.CountEpisodes, child: Child) -> Run:
    bounds = window_bounds(node.window)
    episode_filter = _EpisodeFilter(node)
    by_features, rest, unfiltered = episode_filter.by_features, episode_filter.rest, episode_filter.unfiltered
    nid, label, kind, gap_days = node.id, node.label, node.kind, node.recurrence_gap_days
    kind_name = kind.value  # the memo's key: an enum member hashes through a Python-level __hash__
    lower_bound_note = "the record does not cover the whole window: the count is a lower bound"

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        record = ctx.record
        seen = ctx.memo.episodes.get((kind_name, end))
        if seen is None:
            seen = ctx.memo.episodes[kind_name, end] = _episodes_seen(record.episodes_of(kind, None, end))
        of_kind, spans = seen
        definite: list[Episode] = []
        details: dict[str, str] = {}
        possible = 0
        if gap_days is None:
            # Episodes that start within the window (the record's episodes_of also
            # returns those that start before it and run into it).
            within = of_kind if start is None else [e for e in of_kind if e.start >= start]
            if unfiltered:
                definite = by_features(within)
            else:
                for episode in by_features(within):
                    match = rest(episode, spans)
                    if match is TRUE:
                        definite.append(episode)
                    elif match is UNKNOWN:
                        possible += 1
        else:
            kept = {id(e) for e in by_features(of_kind)}
            history = [(e, rest(e, spans) if id(e) in kept else FALSE) for e in of_kind]
            for episode, own_match in history:
                if start is not None and episode.start < start:
                    continue
                match, details[episode.id] = _recurrence(gap_days, episode, own_match, history)
                if match is TRUE:
                    definite.append(episode)
                elif match is UNKNOWN:
                    possible += 1
        first_day = start if start is not None else life_start(record)
        covered = first_day is not None and record.covers(first_day, end)
        high = float(len(definite) + possible) if covered else math.inf
        if details:
            evidence = tuple(
                [
                    episode_evidence(e)
                    if e.id not in details
                    else Evidence("episode", e.id, e.start, f"{episode_evidence(e).text} ({details[e.id]})")
                    for e in definite
                ]
            )
        else:
            evidence = tuple(map(episode_evidence, definite))
        note = None if covered else lower_bound_note
        count = Interval(float(len(definite)), high)
        return _new(Outcome, (nid, label, None, count, "1", evidence, note, ()))

    return run


def _compile_diary_sum(node: ast.DiarySum, child: Child) -> Run:
    bounds = window_bounds(node.window)
    nid, label, items = node.id, node.label, node.items
    per_day = len(items)

    @by_identity(_DIARY_LIMIT)
    def score_day(entry: DiaryDay) -> tuple[int, int, Evidence | None]:
        """One diary day's items answered yes, the items unanswered, and the
        evidence (None when no item is yes), memoised by the day's identity:
        a record's diary is judged again at every evaluation of the record."""
        # DiaryDay.answer: the first answer given for an item, None if unanswered.
        answers = dict(reversed(entry.items))
        given = [answers.get(item) for item in items]
        yes = [item for item, answer in zip(items, given, strict=True) if answer is True]
        day = entry.date.isoformat()
        evidence = Evidence("diary", day, entry.date, f"diary {day}: {', '.join(yes)}") if yes else None
        return len(yes), given.count(None), evidence

    def run(ctx: Context) -> Outcome:
        start, end = bounds(ctx)
        if start is None:
            raise DefinitionError(f"{nid}: a diary sum needs a bounded window")
        days = {d.date: d for d in ctx.record.diary_between(start, end)}
        missing_days = (end - start).days + 1 - len(days) if end >= start else 0
        low, high = 0, missing_days * per_day
        evidence: list[Evidence] = []
        for entry in days.values():  # in date order, as the record keeps its diary
            yes, unanswered, shown = score_day(entry)
            low += yes
            high += yes + unanswered
            if shown is not None:
                evidence.append(shown)
        note = f"{missing_days} diary day(s) missing in the window" if missing_days else None
        value = Interval(float(low), float(high))
        return Outcome(nid, label, value=value, unit="1", evidence=tuple(evidence), note=note)

    return run


COMPILERS: dict[type, Callable[[Any, Child], Run]] = {
    ast.CountEpisodes: _compile_count_episodes,
    ast.DiarySum: _compile_diary_sum,
}
