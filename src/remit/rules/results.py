"""What an evaluation returns: the outcome tree with its evidence, and the
result of one instrument for one patient (with its stable JSON shape).

Kept apart from :mod:`remit.rules.interpret` so that renderers, the CLI and
the web read results without the evaluation machinery.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from remit.core.intervals import Interval
from remit.core.truth import Truth
from remit.rules import ast


class Evidence(NamedTuple):
    """A fact an outcome rests on.

    Immutable, and a named tuple rather than a frozen dataclass for the reason
    :class:`Outcome` is one: the interpreter builds one for every fact it
    shows (every dated finding and attack of a record seen for the first
    time, every diary day with a symptom), and a frozen dataclass took about
    1.6 µs to construct against 0.3 µs (docs/benchmarks.md, "evaluate_all")."""

    kind: str  # observation | finding | episode | diagnosis | medication | diary | genotype | patient
    ref: str
    date: date | None
    text: str
    analyte: str | None = None
    value: str | None = None  # as entered
    unit: str | None = None  # as entered
    canonical: str | None = None  # canonical interval with unit

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ref": self.ref,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "analyte": self.analyte,
            "value": self.value,
            "unit": self.unit,
            "canonical": self.canonical,
        }


class Outcome(NamedTuple):
    """The evaluated node: a truth (truth nodes) or a value interval (value
    nodes), the evidence used, a note and the children's outcomes.

    Immutable, and a named tuple rather than a frozen dataclass because the
    interpreter builds one for every node it evaluates (about 570 per
    ``evaluate_all``): a frozen dataclass sets each of its eight fields through
    ``object.__setattr__``, which made construction about a third of the
    benchmark (docs/benchmarks.md, "evaluate_all")."""

    node_id: str
    label: str
    truth: Truth | None = None
    value: Interval | None = None
    unit: str | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None
    children: tuple[Outcome, ...] = ()

    def walk(self) -> list[Outcome]:
        """This outcome and every descendant, depth first."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found

    def find(self, node_id: str) -> Outcome:
        for outcome in self.walk():
            if outcome.node_id == node_id:
                return outcome
        raise KeyError(node_id)

    def all_evidence(self) -> tuple[Evidence, ...]:
        seen: dict[tuple[str, str], Evidence] = {}
        for outcome in self.walk():
            for item in outcome.evidence:
                seen.setdefault((item.kind, item.ref), item)
        return tuple(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "node": self.node_id,
            "label": self.label,
            "status": self.truth.status if self.truth is not None else None,
            "value": _interval_dict(self.value),
            "unit": self.unit,
            "evidence": [e.to_dict() for e in self.evidence],
            "note": self.note,
            "children": [c.to_dict() for c in self.children],
        }


def _interval_dict(value: Interval | None) -> list[float | None] | None:
    if value is None:
        return None
    return [_finite(value.low), _finite(value.high)]


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True, slots=True)
class Result:
    """The evaluation of one definition for one patient as of a date."""

    definition: ast.Criterion
    index_date: date
    outcome: Outcome
    score: Interval | None
    category: str | None
    possible_categories: tuple[str, ...]
    # The decisive unknowns, or the analysis that finds them: it re-folds the
    # rule once per unknown item, so it runs on first access (and is kept), not
    # for every result that is only counted or shown without them.
    _decisive: tuple[str, ...] | Callable[[], tuple[str, ...]] = field(repr=False, compare=False)
    baseline_date: date | None = None

    @property
    def decisive_unknowns(self) -> tuple[str, ...]:
        """Unknown items whose resolution alone would make the result definite."""
        found = self._decisive
        if callable(found):
            found = found()
            object.__setattr__(self, "_decisive", found)
        return found

    @property
    def truth(self) -> Truth:
        assert self.outcome.truth is not None
        return self.outcome.truth

    @property
    def status(self) -> str:
        return self.truth.status

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (docs/reference/evaluate-json.md)."""
        from remit.rules.serialize import content_hash

        d = self.definition
        score_value = None
        if self.score is not None and self.score.is_point:
            score_value = self.score.low
        return {
            "instrument": d.id,
            "version": d.version,
            "title": d.title,
            "status": self.status,
            "status_meaning": d.status_meaning or None,
            "score": score_value,
            "score_bounds": _interval_dict(self.score),
            "score_unit": d.score_unit if self.score is not None else None,
            "category": self.category,
            "possible_categories": list(self.possible_categories),
            "verification": d.verification.value,
            "caveats": list(d.caveats),
            "evidence": [e.to_dict() for e in self.outcome.all_evidence()],
            "decisive_unknowns": list(self.decisive_unknowns),
            "citation": d.citation.describe(),
            "doi": d.citation.doi,
            "content_hash": content_hash(d),
            "as_of": self.index_date.isoformat(),
            "baseline": self.baseline_date.isoformat() if self.baseline_date else None,
            "explanation": self.outcome.to_dict(),
        }
