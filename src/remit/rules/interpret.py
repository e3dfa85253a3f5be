"""The per-patient interpreter: evaluates a definition for one record as of an
index date and explains every node with the evidence it used.

Pure: it reads a :class:`~remit.core.record.PatientRecord` and the dates it is
given; it never touches a database or a clock. Each operator of
:mod:`remit.rules.ast` has one evaluation function below; none of them knows
any particular instrument.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from remit.core.analytes import analyte as analyte_spec
from remit.core.intervals import Interval, Op
from remit.core.measurements import Qualitative
from remit.core.record import (
    DiagnosisStatus,
    Episode,
    Finding,
    Observation,
    PatientRecord,
    Sex,
)
from remit.core.truth import Truth, all_of, any_of
from remit.errors import DefinitionError
from remit.rules import ast
from remit.rules.arithmetic import (
    percent_change,
    reduce_intervals,
)
from remit.rules.decisive import decisive_unknowns
from remit.rules.folds import arith_fold, boolean_fold, compare_fold, domain_bounds, indicator_value
from remit.rules.results import Evidence, Outcome, Result
from remit.rules.tree import children_of, iter_nodes, subtree_ids

__all__ = ["Evidence", "Memo", "Outcome", "Result", "children_of", "evaluate", "iter_nodes"]

# ---------------------------------------------------------------- context


@dataclass
class _Context:
    record: PatientRecord
    index: date
    baseline: date | None
    overrides: Mapping[str, Truth] = field(default_factory=dict)
    leaf_cache: dict[tuple[int, date], Outcome] = field(default_factory=dict)
    cache: dict[tuple[int, date], Outcome] = field(default_factory=dict)
    # For decisive-unknown trials: results of subtrees that do not contain an
    # overridden node are shared with the main evaluation instead of recomputed.
    shared: dict[tuple[int, date], Outcome] | None = None

    def at(self, index: date) -> _Context:
        """The same evaluation as of another date (used by ``Sustained``)."""
        return _Context(
            self.record,
            index,
            self.baseline,
            self.overrides,
            self.leaf_cache,
            self.cache,
            self.shared,
        )

    def clean(self, node: ast.Node) -> bool:
        """True when no overridden node lies in ``node``'s subtree."""
        if not self.overrides:
            return True
        return subtree_ids(node).isdisjoint(self.overrides)

    def bounds(self, window: ast.Window) -> tuple[date | None, date]:
        anchor = self.index
        if window.anchor is ast.Anchor.BASELINE:
            if self.baseline is None:
                raise DefinitionError("this definition compares with a baseline visit; give baseline_date")
            anchor = self.baseline
        start = None if window.days_before is None else anchor - timedelta(days=window.days_before)
        return start, anchor + timedelta(days=window.days_after)


@dataclass
class Memo:
    """Outcomes already computed for one record and baseline, shared between the
    definitions evaluated together (``evaluate_all``): a subtree that two
    instruments embed as the same object - the ACR 2011 inactive-disease tree
    judged at every visit by both remission states - is evaluated once."""

    record: PatientRecord
    baseline: date | None
    leaf_cache: dict[tuple[int, date], Outcome] = field(default_factory=dict)
    cache: dict[tuple[int, date], Outcome] = field(default_factory=dict)


def evaluate(
    definition: ast.Criterion,
    record: PatientRecord,
    index_date: date,
    *,
    baseline_date: date | None = None,
    memo: Memo | None = None,
) -> Result:
    """Evaluate ``definition`` for ``record`` as of ``index_date``.

    ``baseline_date`` is required by response definitions (ACR Pedi) that
    compare with a baseline visit. ``memo`` shares outcomes with other
    evaluations of the same record and baseline.
    """
    if definition.needs_baseline and baseline_date is None:
        raise DefinitionError(f"{definition.id} compares with a baseline visit; give baseline_date")
    if memo is None:
        ctx = _Context(record, index_date, baseline_date)
    else:
        if memo.record is not record or memo.baseline != baseline_date:
            raise ValueError("a Memo is for one record and baseline date")
        ctx = _Context(
            record,
            index_date,
            baseline_date,
            leaf_cache=memo.leaf_cache,
            cache=memo.cache,
        )
    root = _eval(definition.rule, ctx)
    score_outcome = _eval(definition.score, ctx) if definition.score is not None else None
    children = (root,) if score_outcome is None else (root, score_outcome)
    outcome = Outcome(
        node_id=definition.id,
        label=definition.title,
        truth=root.truth,
        value=score_outcome.value if score_outcome else None,
        unit=definition.score_unit if score_outcome else None,
        note=root.note,
        children=children,
    )
    score = score_outcome.value if score_outcome else None
    category, possible = _categorise(definition.bands, score)
    decisive = functools.partial(_decisive_unknowns, definition, ctx, root)
    return Result(definition, index_date, outcome, score, category, possible, decisive, baseline_date)


def _categorise(bands: tuple[ast.Band, ...], score: Interval | None) -> tuple[str | None, tuple[str, ...]]:
    """The first band whose test is met names the category; when the score is
    an interval, every band it could fall in is listed and none is chosen."""
    if not bands or score is None:
        return None, ()
    possible: list[str] = []
    for band in bands:
        truth = score.compare(band.op, band.threshold)
        if truth is Truth.TRUE and not possible:
            return band.label, (band.label,)
        if truth is not Truth.FALSE:
            possible.append(band.label)
            if truth is Truth.TRUE:
                break
    return None, tuple(possible)


# ---------------------------------------------------------------- dispatch


_PURE_LEAVES = (ast.Measure, ast.Age, ast.Const, ast.CountEpisodes, ast.DiarySum, ast.RunLength)


def _eval(node: ast.Node, ctx: _Context) -> Outcome:
    if node.id in ctx.overrides and isinstance(node, ast.TRUTH_NODES):
        forced = ctx.overrides[node.id]
        return Outcome(node.id, node.label, truth=forced, note="assumed for the decisive-unknown analysis")
    key = (id(node), ctx.index)
    if isinstance(node, _PURE_LEAVES):
        cache = ctx.leaf_cache
    elif ctx.shared is not None and ctx.clean(node):
        cache = ctx.shared
    else:
        cache = ctx.cache
    hit = cache.get(key)
    if hit is not None:
        return hit
    handler = _HANDLERS.get(type(node))
    if handler is None:  # pragma: no cover - the operator set is closed
        raise DefinitionError(f"no evaluation for operator {type(node).__name__}")
    outcome = handler(node, ctx)
    cache[key] = outcome
    return outcome


# ---------------------------------------------------------------- value nodes


_EVIDENCE: dict[int, tuple[Observation, Evidence]] = {}


def _observation_evidence(obs: Observation) -> Evidence:
    """Evidence for an observation, memoised by identity (formatting the value
    as entered and canonical is the costliest part of an evaluation)."""
    entry = _EVIDENCE.get(id(obs))
    if entry is not None and entry[0] is obs:
        return entry[1]
    evidence = _make_observation_evidence(obs)
    if len(_EVIDENCE) > 200_000:
        _EVIDENCE.clear()
    _EVIDENCE[id(obs)] = (obs, evidence)
    return evidence


def _make_observation_evidence(obs: Observation) -> Evidence:
    m = obs.measurement
    spec = analyte_spec(m.analyte)
    canonical = None if m.interval.is_unbounded else f"{m.interval.describe()} {spec.canonical_unit}"
    return Evidence(
        kind="observation",
        ref=obs.id,
        date=obs.date,
        text=f"{spec.name} {m.describe()} on {obs.date.isoformat()}",
        analyte=m.analyte,
        value=m.text,
        unit=m.unit,
        canonical=canonical,
    )


def _measure(node: ast.Measure, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    rows = ctx.record.values(node.analyte, start, end)
    unit = analyte_spec(node.analyte).canonical_unit
    if not rows:
        return Outcome(node.id, node.label, unit=unit, note=f"no {node.label} recorded {node.window.describe()}")
    if node.reduce is ast.Reduce.LATEST:
        chosen = [rows[-1]]
        value = rows[-1].measurement.interval
    elif node.reduce is ast.Reduce.FIRST:
        chosen = [rows[0]]
        value = rows[0].measurement.interval
    else:
        intervals = [r.measurement.interval for r in rows]
        value = reduce_intervals(intervals, maximum=node.reduce is ast.Reduce.MAX)
        maximum = node.reduce is ast.Reduce.MAX

        def edge(i: Interval) -> float:
            return i.high if maximum else i.low

        best = (max if maximum else min)(edge(i) for i in intervals)
        chosen = [r for r in rows if edge(r.measurement.interval) == best][-1:]
    note = None
    if len(rows) > 1:
        note = f"{node.reduce.value} of {len(rows)} values {node.window.describe()}"
    return Outcome(
        node.id, node.label, value=value, unit=unit, evidence=tuple(_observation_evidence(r) for r in chosen), note=note
    )


def _age(node: ast.Age, ctx: _Context) -> Outcome:
    birth = ctx.record.patient.birth
    if birth is None:
        return Outcome(node.id, node.label, unit="a", note="date of birth not recorded")
    on = ctx.index
    evidence = [Evidence("patient", ctx.record.patient.id, None, f"born {birth.iso()}")]
    if node.condition is not None:
        onsets = [d for d in ctx.record.diagnoses if d.condition == node.condition and d.onset is not None]
        if not onsets:
            return Outcome(node.id, node.label, unit="a", note=f"onset of {node.condition} not recorded")
        first = min(onsets, key=lambda d: d.onset or date.max)
        assert first.onset is not None
        on = first.onset
        evidence.append(Evidence("diagnosis", first.id, first.onset, f"{first.condition} onset {first.onset}"))
    youngest, oldest = birth.age_years(on)
    return Outcome(node.id, node.label, value=Interval(youngest, oldest), unit="a", evidence=tuple(evidence))


def _const(node: ast.Const, ctx: _Context) -> Outcome:
    return Outcome(node.id, node.label, value=Interval.point(node.value), unit=node.unit)


def _indicator(node: ast.Indicator, ctx: _Context) -> Outcome:
    child = _eval(node.condition, ctx)
    assert child.truth is not None
    value = indicator_value(child.truth)
    return Outcome(node.id, node.label, value=value, unit="1", children=(child,))


def _arith(node: ast.Arith, ctx: _Context) -> Outcome:
    children = tuple(_eval(a, ctx) for a in node.args)
    values = [c.value for c in children]
    if any(v is None for v in values):
        missing = ", ".join(c.label for c in children if c.value is None)
        return Outcome(node.id, node.label, unit=node.unit, children=children, note=f"unknown: {missing}")
    result = arith_fold(node.op, [v for v in values if v is not None])
    return Outcome(node.id, node.label, value=result, unit=node.unit, children=children)


def _change(node: ast.Change, ctx: _Context) -> Outcome:
    current, reference = _eval(node.current, ctx), _eval(node.reference, ctx)
    children = (current, reference)
    if current.value is None or reference.value is None:
        return Outcome(node.id, node.label, unit="%", children=children, note="a value is missing")
    value = percent_change(current.value, reference.value)
    note = None if value is not None else "baseline interval includes zero; change undefined"
    return Outcome(node.id, node.label, value=value, unit="%", children=children, note=note)


def _episode_matches(node: ast.CountEpisodes, episode: Episode) -> Truth:
    """Kleene AND of the node's filters, stopping at the first that fails (the
    features, checked first, rule out most attacks)."""
    features = episode.features
    if node.features_any and sum(1 for f in node.features_any if f in features) < node.features_min:
        return Truth.FALSE
    if node.features_none and any(f in features for f in node.features_none):
        return Truth.FALSE
    tests: list[Truth] = []
    if node.min_hours is not None or node.max_hours is not None:
        span = _duration_hours(episode)
        if node.min_hours is not None:
            tests.append(span.compare(Op.GE, node.min_hours))
        if node.max_hours is not None:
            tests.append(span.compare(Op.LE, node.max_hours))
    tests.extend(_attribute_truth(episode.attribute(test.name), test) for test in node.attributes)
    return all_of(tests)


def _duration_hours(episode: Episode) -> Interval:
    hours = episode.duration_hours
    if hours is not None:
        return Interval.point(hours)
    if episode.end is not None:
        # Whole-day dates: the duration lies between (days-1)*24 and days*24 hours.
        days = (episode.end - episode.start).days + 1
        return Interval(max(days - 1, 0) * 24.0, days * 24.0)
    return Interval(0, math.inf)


def _gap_days(previous: Episode, episode: Episode) -> Interval:
    """Days from the end of ``previous`` to the start of ``episode`` (the
    symptom-free interval); unknown below when ``previous`` has no end."""
    if previous.end is not None:
        return Interval.point(float((episode.start - previous.end).days))
    if previous.duration_hours is not None:
        return Interval.point((episode.start - previous.start).days - previous.duration_hours / 24)
    return Interval(-math.inf, float((episode.start - previous.start).days))


def _recurrence(
    node: ast.CountEpisodes, episode: Episode, match: Truth, history: list[tuple[Episode, Truth]]
) -> tuple[Truth, str]:
    """Is ``episode`` a recurrence: it matches, an earlier matching episode is
    on record, and it starts ``recurrence_gap_days`` after every earlier
    episode of the kind ended (the symptom-free interval is the shortest gap)."""
    assert node.recurrence_gap_days is not None
    earlier = [(e, m) for e, m in history if e.start < episode.start]
    if not earlier:
        return Truth.FALSE, "no earlier episode"
    gap = reduce_intervals([_gap_days(e, episode) for e, _ in earlier], maximum=False)
    truth = all_of((match, any_of(m for _, m in earlier), gap.compare(Op.GE, node.recurrence_gap_days)))
    return truth, f"symptom-free interval {gap.describe()} days"


def _life_start(record: PatientRecord) -> date | None:
    """Where a whole-history window begins, for coverage: the earliest possible date of birth."""
    birth = record.patient.birth
    return birth.earliest() if birth is not None else None


def _count_episodes(node: ast.CountEpisodes, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    definite: list[Episode] = []
    details: dict[str, str] = {}
    possible = 0
    history: list[tuple[Episode, Truth]] = []
    if node.recurrence_gap_days is not None:
        history = [
            (e, _episode_matches(node, e)) for e in ctx.record.episodes_of(node.kind, None, end) if e.start <= end
        ]
    matched = {id(e): m for e, m in history}
    for episode in ctx.record.episodes_of(node.kind, start, end):
        if start is not None and episode.start < start:
            continue
        known = matched.get(id(episode))
        match = known if known is not None else _episode_matches(node, episode)
        if node.recurrence_gap_days is not None:
            match, details[episode.id] = _recurrence(node, episode, match, history)
        if match is Truth.TRUE:
            definite.append(episode)
        elif match is Truth.UNKNOWN:
            possible += 1
    first_day = start if start is not None else _life_start(ctx.record)
    covered = first_day is not None and ctx.record.covers(first_day, end)
    high = float(len(definite) + possible) if covered else math.inf
    note = None if covered else "the record does not cover the whole window: the count is a lower bound"
    evidence = tuple(
        _episode_evidence(e)
        if e.id not in details
        else Evidence("episode", e.id, e.start, f"{_episode_evidence(e).text} ({details[e.id]})")
        for e in definite
    )
    return Outcome(
        node.id, node.label, value=Interval(float(len(definite)), high), unit="1", evidence=evidence, note=note
    )


_EPISODE_EVIDENCE: dict[int, tuple[Episode, Evidence]] = {}


def _episode_evidence(episode: Episode) -> Evidence:
    """Evidence for an episode, memoised by identity like observation evidence."""
    entry = _EPISODE_EVIDENCE.get(id(episode))
    if entry is not None and entry[0] is episode:
        return entry[1]
    e = episode
    evidence = Evidence("episode", e.id, e.start, f"{e.kind.value} {e.start}..{e.end or '?'} {', '.join(e.features)}")
    if len(_EPISODE_EVIDENCE) > 200_000:
        _EPISODE_EVIDENCE.clear()
    _EPISODE_EVIDENCE[id(episode)] = (episode, evidence)
    return evidence


def _diary_sum(node: ast.DiarySum, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    if start is None:
        raise DefinitionError(f"{node.id}: a diary sum needs a bounded window")
    days = {d.date: d for d in ctx.record.diary_between(start, end)}
    low = high = 0
    missing_days = 0
    evidence: list[Evidence] = []
    day = start
    while day <= end:
        entry = days.get(day)
        if entry is None:
            missing_days += 1
            high += len(node.items)
        else:
            yes = [item for item in node.items if entry.answer(item) is True]
            unanswered = sum(1 for item in node.items if entry.answer(item) is None)
            low += len(yes)
            high += len(yes) + unanswered
            if yes:
                evidence.append(Evidence("diary", day.isoformat(), day, f"diary {day}: {', '.join(yes)}"))
        day += timedelta(days=1)
    note = f"{missing_days} diary day(s) missing in the window" if missing_days else None
    return Outcome(
        node.id, node.label, value=Interval(float(low), float(high)), unit="1", evidence=tuple(evidence), note=note
    )


def _run_length(node: ast.RunLength, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    records = ctx.record.findings_of(node.kind, start, end)
    if not records:
        return Outcome(node.id, node.label, unit="d", note=f"no {node.kind} recorded {node.window.describe()}")
    best: tuple[int, list[Finding]] = (0, [])
    run: list[Finding] = []
    for finding in sorted(records, key=lambda f: (f.start, f.last_day)):
        if not finding.present:
            run = []
            continue
        run.append(finding)
        first = run[0].start
        last = min(max(f.last_day for f in run), end)
        length = (last - first).days + 1
        if length > best[0]:
            best = (length, list(run))
    length, used = best
    evidence = tuple(Evidence("finding", f.id, f.start, f"{f.kind} {f.start}..{f.last_day}") for f in used)
    begin, complete = _recorded_window(ctx.record, start, end)
    if complete:
        return Outcome(node.id, node.label, value=Interval.point(float(length)), unit="d", evidence=evidence)
    # The record is incomplete over the window: a longer run may have gone unrecorded.
    longest = float((end - begin).days + 1) if begin is not None else math.inf
    note = "the record does not cover the whole window: a longer run may lie outside it"
    return Outcome(
        node.id,
        node.label,
        value=Interval(float(length), max(longest, float(length))),
        unit="d",
        evidence=evidence,
        note=note,
    )


def _points(node: ast.Points, ctx: _Context) -> Outcome:
    domain_outcomes = []
    total_low = total_high = 0.0
    for domain in node.domains:
        options = tuple(_eval(option.when, ctx) for option in domain.options)
        bounds = domain_bounds(domain, [o.truth for o in options])
        total_low += bounds.low
        total_high += bounds.high
        domain_outcomes.append(Outcome(domain.id, domain.label, value=bounds, unit="points", children=options))
    return Outcome(
        node.id, node.label, value=Interval(total_low, total_high), unit="points", children=tuple(domain_outcomes)
    )


def _bounded(node: ast.Bounded, ctx: _Context) -> Outcome:
    child = _eval(node.value, ctx)
    if child.value is not None:
        return Outcome(node.id, node.label, value=child.value, unit=node.unit, children=(child,))
    note = f"{child.label} unknown: counted as its whole range {node.low:g}-{node.high:g}"
    return Outcome(
        node.id, node.label, value=Interval(node.low, node.high), unit=node.unit, children=(child,), note=note
    )


# ---------------------------------------------------------------- truth nodes


def _compare(node: ast.Compare, ctx: _Context) -> Outcome:
    child = _eval(node.value, ctx)
    if child.value is None:
        return Outcome(
            node.id,
            node.label,
            truth=Truth.UNKNOWN,
            children=(child,),
            note=child.note or f"{child.label} not available",
        )
    truth, note = compare_fold(node, child.value)
    return Outcome(node.id, node.label, truth=truth, children=(child,), note=note)


def _attribute_truth(actual: str | int | float | bool | None, test: ast.AttributeTest) -> Truth:
    if actual is None:
        return Truth.UNKNOWN
    expected = test.value
    if test.op == "==":
        return Truth.of(str(actual).casefold() == str(expected).casefold())
    if test.op == "in":
        assert isinstance(expected, tuple)
        return Truth.of(str(actual).casefold() in {e.casefold() for e in expected})
    if isinstance(actual, bool) or not isinstance(actual, int | float) or isinstance(expected, tuple | str | bool):
        return Truth.UNKNOWN
    return Interval.point(float(actual)).compare(Op(test.op), float(expected))


def _finding_truth(node: ast.HasFinding, finding: Finding) -> Truth:
    if not finding.present:
        return Truth.FALSE
    return all_of(_attribute_truth(finding.attribute(t.name), t) for t in node.attributes)


def _recorded_window(record: PatientRecord, start: date | None, end: date) -> tuple[date | None, bool]:
    """The part of a window that lies within the record, and whether the record is complete over it.

    The window is clipped to the start of the record (its earliest dated fact):
    before that the record asserts nothing. It is complete when the record's data
    coverage (the declared follow-up, else first..last fact) spans it. A record
    with history before its declared follow-up (a diagnosis made before the
    registry saw the child) is therefore incomplete over a whole-record window.
    """
    first = record.first_fact()
    if first is None:
        return start, False
    begin = first if start is None else max(start, first)
    return begin, begin <= end and record.covers(begin, end)


def _absence(record: PatientRecord, policy: ast.Absent, start: date | None, end: date) -> tuple[Truth, str]:
    first_day = start if start is not None else _life_start(record)
    if policy is ast.Absent.FALSE_IF_COVERED and first_day is not None and record.covers(first_day, end):
        return Truth.FALSE, "not recorded, and the record covers the window"
    return Truth.UNKNOWN, "not recorded"


def _has_finding(node: ast.HasFinding, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    records = ctx.record.findings_of(node.kind, start, end)
    if not records:
        truth, why = _absence(ctx.record, node.absent, start, end)
        return Outcome(node.id, node.label, truth=truth, note=f"{node.kind} {why} {node.window.describe()}")
    judged = [(f, _finding_truth(node, f)) for f in records]
    truth = any_of(t for _, t in judged)
    note = None
    if (
        truth is Truth.FALSE
        and node.attributes
        and all(f.present for f in records)
        and not _recorded_window(ctx.record, start, end)[1]
    ):
        # Present findings that do not qualify (a "recurrent" MAS fever) say nothing of
        # the time the record does not cover, where a qualifying one may lie (the sJIA
        # onset before the first admission). A finding recorded absent still decides.
        truth = Truth.UNKNOWN
        note = f"no qualifying {node.kind} on record, and the record does not cover {node.window.describe()}"
    used = [f for f, t in judged if t is truth] or [f for f, _ in judged]
    evidence = tuple(
        Evidence(
            "finding",
            f.id,
            f.start,
            f"{f.kind} {'present' if f.present else 'absent'} {f.start}"
            + (f"..{f.end}" if f.end else "")
            + "".join(f"; {k}={v}" for k, v in f.attributes)
            + (f"; {f.value.describe()}" if f.value else ""),
        )
        for f in used
    )
    return Outcome(node.id, node.label, truth=truth, evidence=evidence, note=note)


def _has_condition(node: ast.HasCondition, ctx: _Context) -> Outcome:
    found = [
        d
        for d in ctx.record.diagnoses
        if d.condition == node.condition
        and d.status is not DiagnosisStatus.REFUTED
        and (d.onset is None or d.onset <= ctx.index)
    ]
    if found:
        evidence = tuple(
            Evidence("diagnosis", d.id, d.onset, f"diagnosis {d.condition} ({d.status.value})") for d in found
        )
        return Outcome(node.id, node.label, truth=Truth.TRUE, evidence=evidence)
    if ctx.record.diagnoses and node.absent is ast.Absent.FALSE_IF_COVERED:
        return Outcome(node.id, node.label, truth=Truth.FALSE, note=f"no {node.condition} among the diagnoses")
    return Outcome(node.id, node.label, truth=Truth.UNKNOWN, note=f"{node.condition} not recorded")


def _has_result(node: ast.HasResult, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    rows = ctx.record.values(node.analyte, start, end)
    wanted = {c.casefold() for c in node.categories}
    hits = [r for r in rows if r.measurement.qualitative is not None and r.measurement.qualitative.value in wanted]
    evidence = tuple(_observation_evidence(r) for r in (hits or rows))
    if len(hits) >= node.min_count and (hits[-1].date - hits[0].date).days >= node.min_span_days:
        return Outcome(node.id, node.label, truth=Truth.TRUE, evidence=evidence)
    if len(rows) >= node.min_count:
        return Outcome(
            node.id,
            node.label,
            truth=Truth.FALSE,
            evidence=evidence,
            note=f"tested {len(rows)} time(s); {len(hits)} result(s) {'/'.join(node.categories)}",
        )
    return Outcome(
        node.id,
        node.label,
        truth=Truth.UNKNOWN,
        evidence=evidence,
        note=f"tested {len(rows)} time(s); {node.min_count} needed to decide",
    )


def _has_genotype(node: ast.HasGenotype, ctx: _Context) -> Outcome:
    tested = [g for g in ctx.record.patient.genotypes if g.gene.casefold() == node.gene.casefold()]
    if not tested:
        if node.absent is ast.Absent.FALSE_IF_COVERED:
            return Outcome(
                node.id,
                node.label,
                truth=Truth.FALSE,
                note=f"{node.gene} genotype not recorded; the definition counts that as not found",
            )
        return Outcome(node.id, node.label, truth=Truth.UNKNOWN, note=f"{node.gene} genotype not recorded")
    evidence = tuple(
        Evidence(
            "genotype",
            f"{g.gene}:{g.variant}",
            None,
            f"{g.gene} {g.variant} {g.zygosity.value} ({g.classification.value})",
        )
        for g in tested
    )
    if any(g.classification in node.classes for g in tested):
        return Outcome(node.id, node.label, truth=Truth.TRUE, evidence=evidence)
    if any(g.classification.value == "unknown" for g in tested):
        return Outcome(
            node.id,
            node.label,
            truth=Truth.UNKNOWN,
            evidence=evidence,
            note="genotype recorded without a classification",
        )
    return Outcome(node.id, node.label, truth=Truth.FALSE, evidence=evidence)


def _is_sex(node: ast.IsSex, ctx: _Context) -> Outcome:
    sex = ctx.record.patient.sex
    if sex in (Sex.UNKNOWN, Sex.OTHER):
        return Outcome(node.id, node.label, truth=Truth.UNKNOWN, note=f"sex recorded as {sex.value}")
    return Outcome(
        node.id,
        node.label,
        truth=Truth.of(sex is node.sex),
        evidence=(Evidence("patient", ctx.record.patient.id, None, f"sex {sex.value}"),),
    )


def _on_medication(node: ast.OnMedication, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    first = start or date.min
    courses = [
        m
        for m in ctx.record.medications
        if m.drug in node.drugs and m.start <= end and (m.stop is None or m.stop >= first)
    ]
    if courses:
        evidence = tuple(
            Evidence("medication", m.id, m.start, f"{m.drug} {m.start}..{m.stop or 'ongoing'}") for m in courses
        )
        return Outcome(node.id, node.label, truth=Truth.TRUE, evidence=evidence)
    truth, why = _absence(ctx.record, ast.Absent.FALSE_IF_COVERED, start or end, end)
    return Outcome(node.id, node.label, truth=truth, note=f"none of {', '.join(node.drugs)} {why}")


def _all_of(node: ast.AllOf, ctx: _Context) -> Outcome:
    children = tuple(_eval(i, ctx) for i in node.items)
    return Outcome(node.id, node.label, truth=boolean_fold(node, _truths(children)), children=children)


def _any_of(node: ast.AnyOf, ctx: _Context) -> Outcome:
    children = tuple(_eval(i, ctx) for i in node.items)
    return Outcome(node.id, node.label, truth=boolean_fold(node, _truths(children)), children=children)


def _not(node: ast.Not, ctx: _Context) -> Outcome:
    child = _eval(node.item, ctx)
    assert child.truth is not None
    return Outcome(node.id, node.label, truth=boolean_fold(node, (child.truth,)), children=(child,))


def _at_least(node: ast.AtLeast, ctx: _Context) -> Outcome:
    children = tuple(_eval(i, ctx) for i in node.items)
    truths = _truths(children)
    met = sum(1 for t in truths if t is Truth.TRUE)
    unknown = sum(1 for t in truths if t is Truth.UNKNOWN)
    note = f"{met} of {len(truths)} met, {unknown} unknown; {node.k} needed"
    return Outcome(node.id, node.label, truth=boolean_fold(node, truths), children=children, note=note)


def _sustained(node: ast.Sustained, ctx: _Context) -> Outcome:
    start = ctx.index - timedelta(days=node.days)
    visits = sorted({e.date for e in ctx.record.encounters if e.date <= ctx.index})
    before = [d for d in visits if d <= start]
    judged_dates = ([before[-1]] if before else []) + [d for d in visits if d > start]
    # Newest first: the latest visit that fails restarts the clock, and the visits
    # before it cannot change that, so they are not evaluated (nor shown).
    judged: list[tuple[date, Outcome]] = []
    for d in reversed(judged_dates):
        judged.insert(0, (d, _eval(node.condition, ctx.at(d))))
        if judged[0][1].truth is Truth.FALSE:
            break
    children = tuple(
        Outcome(f"{node.id}@{d.isoformat()}", f"{o.label} on {d.isoformat()}", truth=o.truth, children=(o,))
        for d, o in judged
    )
    if judged and judged[0][1].truth is Truth.FALSE:
        return Outcome(
            node.id,
            node.label,
            truth=Truth.FALSE,
            children=children,
            note=f"not met at the visit of {judged[0][0].isoformat()}: the clock restarts",
        )
    if not before:
        return Outcome(
            node.id,
            node.label,
            truth=Truth.UNKNOWN,
            children=children,
            note=f"no visit on or before {start.isoformat()} to show it held for {node.days} days",
        )
    truth = all_of(o.truth for _, o in judged if o.truth is not None)
    note = f"judged at {len(judged)} visit(s) from {judged_dates[0].isoformat()}"
    return Outcome(node.id, node.label, truth=truth, children=children, note=note)


def _within_reference(node: ast.WithinReference, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    rows = ctx.record.values(node.analyte, start, end)
    if not rows:
        return Outcome(
            node.id,
            node.label,
            truth=Truth.UNKNOWN,
            note=f"no {analyte_spec(node.analyte).name} recorded {node.window.describe()}",
        )
    obs = rows[-1]
    m = obs.measurement
    evidence = (_observation_evidence(obs),)
    judge_low = node.side in (ast.Side.BOTH, ast.Side.LOWER)
    judge_high = node.side in (ast.Side.BOTH, ast.Side.UPPER)
    if m.qualitative in (Qualitative.NORMAL, Qualitative.LOW, Qualitative.HIGH):
        outside = (m.qualitative is Qualitative.LOW and judge_low) or (m.qualitative is Qualitative.HIGH and judge_high)
        return Outcome(
            node.id,
            node.label,
            truth=Truth.of(not outside),
            evidence=evidence,
            note=f"reported {m.qualitative.value} by the laboratory",
        )
    ref = m.reference
    low = ref.low if ref is not None and judge_low else None
    high = ref.high if ref is not None and judge_high else None
    if low is None and high is None:
        return Outcome(
            node.id, node.label, truth=Truth.UNKNOWN, evidence=evidence, note="no reference range stored with the value"
        )
    v = m.interval
    shown = f"reference {'' if low is None else f'{low:g}'}-{'' if high is None else f'{high:g}'} {m.canonical_unit}"
    inside = (low is None or v.low >= low) and (high is None or v.high <= high)
    below = low is not None and (v.high < low or (v.high == low and not v.high_closed))
    above = high is not None and (v.low > high or (v.low == high and not v.low_closed))
    truth = Truth.TRUE if inside else Truth.FALSE if below or above else Truth.UNKNOWN
    return Outcome(node.id, node.label, truth=truth, evidence=evidence, note=shown)


def _has_value(node: ast.HasValue, ctx: _Context) -> Outcome:
    start, end = ctx.bounds(node.window)
    rows = ctx.record.values(node.analyte, start, end)
    if rows:
        return Outcome(node.id, node.label, truth=Truth.TRUE, evidence=(_observation_evidence(rows[-1]),))
    truth, why = _absence(ctx.record, ast.Absent.FALSE_IF_COVERED, start, end)
    return Outcome(
        node.id, node.label, truth=truth, note=f"{analyte_spec(node.analyte).name} {why} {node.window.describe()}"
    )


def _truths(children: tuple[Outcome, ...]) -> list[Truth]:
    return [c.truth for c in children if c.truth is not None]


_HANDLERS: dict[type, Callable[[Any, _Context], Outcome]] = {
    ast.Measure: _measure,
    ast.Age: _age,
    ast.Const: _const,
    ast.Indicator: _indicator,
    ast.Arith: _arith,
    ast.Change: _change,
    ast.CountEpisodes: _count_episodes,
    ast.DiarySum: _diary_sum,
    ast.RunLength: _run_length,
    ast.Points: _points,
    ast.Compare: _compare,
    ast.HasFinding: _has_finding,
    ast.HasCondition: _has_condition,
    ast.HasResult: _has_result,
    ast.HasGenotype: _has_genotype,
    ast.IsSex: _is_sex,
    ast.OnMedication: _on_medication,
    ast.AllOf: _all_of,
    ast.AnyOf: _any_of,
    ast.Not: _not,
    ast.AtLeast: _at_least,
    ast.Sustained: _sustained,
    ast.Bounded: _bounded,
    ast.WithinReference: _within_reference,
    ast.HasValue: _has_value,
}


# ---------------------------------------------------------------- decisive unknowns


def _decisive_unknowns(definition: ast.Criterion, ctx: _Context, root: Outcome) -> tuple[str, ...]:
    """Unknown items whose resolution alone would make the result definite
    (:mod:`remit.rules.decisive`); each trial re-evaluates only the path from
    the forced leaf to the root, sharing every other subtree's outcome."""

    def trial(node_id: str, forced: Truth) -> Truth | None:
        context = _Context(
            ctx.record,
            ctx.index,
            ctx.baseline,
            {node_id: forced},
            ctx.leaf_cache,
            shared=ctx.cache,
        )
        return _eval(definition.rule, context).truth

    return decisive_unknowns(definition.rule, root, trial)
